"""The user's own sign-in security page: their passkeys (add, remove), authenticator app and recovery codes."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import passkeys, services


def _context(request, **extra):
    context = admin.site.each_context(request)
    context.update(**extra)
    return context


@never_cache
@login_required
def security(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        _context(
            request,
            title=_("Sign-in security"),
            passkeys=passkeys.passkeys_of(user=user),
            passkey_required=passkeys.passkey_required(user=user),
            has_authenticator=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
            next_url=reverse("accounts:security"),
        ),
    )


@never_cache
@login_required
@require_POST
def passkey_registered(request):
    """Where the browser goes once a passkey is saved: recovery codes if the user has none yet."""
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not StaticDevice.objects.filter(user=request.user).exists():
        codes = services.recovery_codes_replace(user=request.user)
        return render(
            request,
            "accounts/recovery_codes.html",
            _context(
                request,
                title=_("Save your recovery codes"),
                codes=codes,
                next_url=next_url,
                is_nav_sidebar_enabled=False,
                available_apps=[],
            ),
        )
    messages.success(request, _("Your passkey is saved."))
    return redirect(next_url)


@never_cache
@login_required
@require_POST
def passkey_remove(request, pk):
    try:
        passkeys.passkey_remove(user=request.user, passkey_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The passkey was removed. It no longer signs you in."))
    return redirect("accounts:security")
