import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import PRIVACY_OFFICER, STAFF

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@caracom.example")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    is_staff = True
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class StaffUserFactory(UserFactory):
    roles = factory.LazyFunction(lambda: [STAFF])


class PrivacyOfficerFactory(UserFactory):
    roles = factory.LazyFunction(lambda: [PRIVACY_OFFICER])


class SuperuserFactory(UserFactory):
    is_superuser = True
