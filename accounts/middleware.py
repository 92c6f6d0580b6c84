from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts import services

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
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in UNVERIFIED_ALLOWED_VIEWS:
            return None
        if services.two_factor_is_set_up(user=user):
            target = reverse("accounts:two_factor_verify")
        else:
            target = reverse("accounts:two_factor_setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
