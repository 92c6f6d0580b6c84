"""Staff accounts: creating staff users, and two-factor sign-in (enrolling an authenticator,
recovery codes and the admin reset; passkeys are in accounts/passkeys.py)."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import User, normalize_email_address
from accounts.roles import ROLE_PERMISSIONS


@transaction.atomic
def staff_user_ensure(*, email: str, password: str, first_name: str = "", last_name: str = "", roles=()) -> User:
    """Create a staff user, or bring an existing one to exactly these roles and this password."""
    unknown = sorted(set(roles) - set(ROLE_PERMISSIONS))
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(unknown)}. Known roles: {', '.join(ROLE_PERMISSIONS)}")
    email = normalize_email_address(email)
    user = User.objects.filter(email=email).first() or User(email=email)
    user.first_name = first_name
    user.last_name = last_name
    user.is_staff = True
    user.is_active = True
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


@transaction.atomic
def totp_device_start(*, user):
    """The user's pending authenticator: the same one until it is confirmed, so a scanned QR code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, device, token):
    """Confirm a pending authenticator with a code from the app; returns the user's new recovery codes."""
    token = (token or "").strip()
    if device.confirmed:
        raise ValidationError(_("This authenticator is already set up."))
    if not device.verify_token(token):
        raise ValidationError(
            _("The code “%(code)s” does not match: enter the 6-digit code your authenticator app shows now.")
            % {"code": token}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per user: an older confirmed one is replaced.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return recovery_codes_replace(user=device.user)


@transaction.atomic
def recovery_codes_replace(*, user):
    """Issue a fresh set of single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, user, token):
    """The device that accepts this authenticator or recovery code, or None.

    Each device keeps its own throttle, so repeated wrong codes slow down.
    """
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    # A 6-digit code is for the authenticator, anything else a recovery code:
    # trying both would count a recovery code as a wrong authenticator code.
    if token.isdigit() and len(token) == 6:
        model = TOTPDevice
    else:
        model, token = StaticDevice, token.lower()
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def two_factor_wait_until(*, user):
    """When the user may try a code again after too many wrong ones, or None if they may now."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return (details or {}).get("locked_until")
    return None


@transaction.atomic
def two_factor_reset(*, user):
    """Remove all of a user's second factors; their next sign-in starts the setup again."""
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    return removed
