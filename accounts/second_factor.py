"""Marking a session as having passed the second step, whichever factor did it."""

from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import SecurityEvent
from audit.services import security_event_record

FACTORS = {
    TOTPDevice: SecurityEvent.Factor.AUTHENTICATOR,
    StaticDevice: SecurityEvent.Factor.RECOVERY_CODES,
    WebAuthnCredential: SecurityEvent.Factor.PASSKEY,
}


def factor_of(device) -> str:
    return FACTORS.get(type(device), "")


def session_mark_verified(*, request, device) -> None:
    otp_login(request, device)
    # "Signed in" is recorded after the password; this is the moment the user reaches data.
    security_event_record(
        kind=SecurityEvent.Kind.SECOND_FACTOR_VERIFIED, request=request, user=request.user, factor=factor_of(device)
    )
    # A new session key for the now fully signed-in session, like Django's login().
    request.session.cycle_key()


def second_factor_failed(*, request, factor) -> None:
    security_event_record(
        kind=SecurityEvent.Kind.SECOND_FACTOR_FAILED, request=request, user=request.user, factor=factor
    )


def factor_of_code(token) -> str:
    """A 6-digit code is meant for the authenticator app, anything else is a recovery code."""
    token = (token or "").strip().replace(" ", "")
    if token.isdigit() and len(token) == 6:
        return SecurityEvent.Factor.AUTHENTICATOR
    return SecurityEvent.Factor.RECOVERY_CODES
