"""Passkeys (WebAuthn) as a second factor: the Privacy officer policy and removing one's own passkey.

The ceremonies themselves (challenge, signature, counter) are django-otp-webauthn's;
its views are adapted in accounts/passkey_views.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import user_has_any_otp_device

from accounts.roles import PRIVACY_OFFICER

PASSKEY_NAME = "Passkey"


class PasskeyHelper(WebAuthnHelper):
    """The library's helper, naming each new credential so lists can tell it apart from an app."""

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = PASSKEY_NAME
        return device


def passkey_required(*, user) -> bool:
    """Whether the policy lets this user pass the second step only with a passkey."""
    if not settings.REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER or not user.is_authenticated:
        return False
    return user.groups.filter(name=PRIVACY_OFFICER).exists()


def passkeys_of(*, user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(*, user) -> bool:
    return passkeys_of(user=user).exists()


def verified_with_passkey(*, user) -> bool:
    return user.is_verified() and isinstance(getattr(user, "otp_device", None), WebAuthnCredential)


def second_factor_satisfied(*, user) -> bool:
    """The session has passed the second step, with a passkey where the policy asks for one."""
    if not user.is_verified():
        return False
    return not passkey_required(user=user) or verified_with_passkey(user=user)


def second_factor_set_up(*, user) -> bool:
    """The user has what their next sign-in's second step asks for."""
    if passkey_required(user=user):
        return has_passkey(user=user)
    return user_has_any_otp_device(user)


def codes_accepted(*, user) -> bool:
    """Authenticator and recovery codes count, unless the policy asks this user for the passkey they have."""
    return not (passkey_required(user=user) and has_passkey(user=user))


@transaction.atomic
def passkey_remove(*, user, passkey_id) -> None:
    """Remove one of the user's own passkeys, keeping them a way to pass the second step."""
    passkey = passkeys_of(user=user).select_for_update().filter(pk=passkey_id).first()
    if passkey is None:
        raise ValidationError(_("That passkey is not one of yours, or it has already been removed."))
    others = passkeys_of(user=user).exclude(pk=passkey.pk).exists()
    if not others and passkey_required(user=user):
        raise ValidationError(
            _("Your role signs in with a passkey, so your last one cannot be removed. Add another passkey first.")
        )
    if not others and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("This is your only second factor, so it cannot be removed. Add another passkey first."))
    passkey.delete()
