import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import PRIVACY_OFFICER, STAFF

TEST_PASSWORD = "correct-horse-battery-staple-42"


def with_roles(*default):
    """A post-generation hook adding the user to role groups; `roles=[...]` overrides the default."""

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        names = default if extracted is None else extracted
        if create and names:
            user.groups.add(*Group.objects.filter(name__in=names))

    return roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@caracom.example")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    is_staff = True
    password = factory.django.Password(TEST_PASSWORD)

    roles = with_roles()


class StaffUserFactory(UserFactory):
    roles = with_roles(STAFF)


class PrivacyOfficerFactory(UserFactory):
    roles = with_roles(PRIVACY_OFFICER)


class SuperuserFactory(UserFactory):
    is_superuser = True
