"""django-otp-webauthn's JSON endpoints, adapted to the register's sign-in rules.

The library does the WebAuthn ceremonies; these subclasses add what the
register promises around them: a passkey is only a second factor (the
password comes first), passing the step with one is recorded and renews the
session key like an app code does, a failed one is a security event, the
Privacy officer policy is enforced, and every message is the register's own
(so it can be translated).
"""

import logging

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn.settings import app_settings
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import passkeys
from accounts.second_factor import second_factor_failed, session_mark_verified
from audit.models import SecurityEvent

MESSAGES = {
    "not_authenticated": _("Sign in with your password first."),
    "passwordless_login_disabled": _("Sign in with your password first."),
    "user_not_verified": _("Pass the second step of signing in first, then add the passkey."),
    "passkey_required": _("Your role must pass the second step with a passkey you already have before adding another."),
    "invalid_state": _("The passkey request expired or was already used. Try again."),
    "credential_not_found": _("This passkey is not registered in the customer register. Use another one."),
    "credential_user_mismatch": _("This passkey belongs to another user. Use your own passkey."),
    "credential_disabled": _("This passkey has been disabled."),
    "user_disabled": _("This user account is disabled."),
    "malformed_request": _("The browser sent a request the register cannot read. Try again."),
}
DEFAULT_MESSAGE = _("The passkey could not be verified. Try again, or use another passkey.")


class RegisterMessagesMixin:
    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return JsonResponse(
                {"detail": str(MESSAGES.get(exc.code, DEFAULT_MESSAGE)), "code": exc.code}, status=exc.status_code
            )
        return super().handle_exception(exc)


class PasskeyPolicyMixin(RegisterMessagesMixin):
    def check_can_register(self):
        user = self.request.user
        # Under the policy, a passkey can only be added by someone who has just used one
        # (or by an officer who has none yet, after their app code).
        if (
            passkeys.passkey_required(user=user)
            and passkeys.has_passkey(user=user)
            and not passkeys.verified_with_passkey(user=user)
        ):
            raise exceptions.NotVerified(code="passkey_required")


class PasskeyRegistrationBeginView(PasskeyPolicyMixin, BeginCredentialRegistrationView):
    pass


class PasskeyRegistrationCompleteView(PasskeyPolicyMixin, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        with rewrite_exceptions(logger=logging.getLogger(app_settings.OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME)):
            device = self.get_helper().register_complete(user=user, state=state, data=self.request.data)
        # Setting up the first factor passes the step, as confirming an app code does;
        # under the policy, the new passkey also replaces an app code's verification.
        if not passkeys.second_factor_satisfied(user=user):
            session_mark_verified(request=self.request, device=device)
        return JsonResponse({"id": device.pk})


class PasskeyAuthenticationBeginView(RegisterMessagesMixin, BeginCredentialAuthenticationView):
    pass


class PasskeyAuthenticationCompleteView(RegisterMessagesMixin, CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        session_mark_verified(request=self.request, device=device)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            second_factor_failed(request=self.request, factor=SecurityEvent.Factor.PASSKEY)
        return super().handle_exception(exc)
