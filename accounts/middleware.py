import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts import passkeys

# Views a signed-in user may reach before the second factor: setting it up,
# entering it, signing out, switching the language and the public privacy
# notice. Deny by default, so every page added later (admin or not) is behind
# the second factor.
UNVERIFIED_ALLOWED_VIEWS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "admin:logout",
        "set_language",
        "privacy:notice",
        "privacy:version",
        # Passkeys: set one up at first sign-in, or use it for the second step.
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)


class TwoFactorRequiredMiddleware:
    """Sends a signed-in user without a verified second factor to set one up or enter it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or passkeys.second_factor_satisfied(user=user):
            return None
        if request.resolver_match.view_name in UNVERIFIED_ALLOWED_VIEWS:
            return None
        if passkeys.second_factor_set_up(user=user):
            target = reverse("accounts:two_factor_verify")
        else:
            target = reverse("accounts:two_factor_setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


# The session key holding when the idle limit was last pushed ahead (seconds since the epoch).
SESSION_REFRESHED_AT = "_caracom_refreshed_at"


class SessionIdleRefreshMiddleware:
    """Pushes a session's idle limit ahead at most once a minute (SESSION_REFRESH_SECONDS).

    SESSION_SAVE_EVERY_REQUEST would do it on every request: an UPDATE of the
    session row and a commit that waits for the disk, on every page a member of
    staff opens. Refreshing once a minute makes the idle limit at most a minute
    shorter than SESSION_IDLE_MINUTES, never longer. Sits just after
    SessionMiddleware, so that the session it marks as changed is saved there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        refreshed_at = session.get(SESSION_REFRESHED_AT, 0)
        # The cookie may name a session that has ended: then it is empty now, and stays so.
        if session.is_empty():
            return response
        now = int(time.time())
        if now - refreshed_at >= settings.SESSION_REFRESH_SECONDS:
            session[SESSION_REFRESHED_AT] = now
        return response
