import factory
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

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


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffUserFactory)
    name = "Authenticator app"
    confirmed = True


class PasskeyFactory(factory.django.DjangoModelFactory):
    """A saved passkey; its key is random bytes, so it signs nothing (the browser tests make real ones)."""

    class Meta:
        model = WebAuthnCredential

    user = factory.SubFactory(StaffUserFactory)
    name = "Passkey"
    confirmed = True
    credential_id = factory.Faker("binary", length=32)
    public_key = factory.Faker("binary", length=77)


def current_totp(device):
    """The code the user's authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def sign_in_verified(client, user):
    """Sign in as if through both steps: password and a confirmed authenticator.

    `client.force_login()` alone leaves the session without a second factor,
    which (with REQUIRE_2FA on) reaches nothing but the two-factor pages.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
