"""The second sign-in step: set up an authenticator app, or enter its code."""

import logging
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.utils import user_has_any_otp_device

from accounts import passkeys, services
from accounts.client_ip import client_ip_address
from accounts.forms import TokenForm
from accounts.second_factor import factor_of_code, second_factor_failed, session_mark_verified

logger = logging.getLogger("accounts.security")


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(url_name, next_url):
    return reverse(url_name) + "?" + urlencode({"next": next_url})


def _context(request, **extra):
    # The admin's look, without its navigation: nothing here links to data.
    context = admin.site.each_context(request)
    context.update(is_nav_sidebar_enabled=False, available_apps=[], **extra)
    return context


def _has_codes(user):
    return any(model.objects.filter(user=user, confirmed=True).exists() for model in (TOTPDevice, StaticDevice))


@never_cache
@login_required
def two_factor_setup(request):
    next_url = _next_url(request)
    user = request.user
    if passkeys.second_factor_set_up(user=user):
        if passkeys.second_factor_satisfied(user=user):
            return redirect(next_url)
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    if user_has_any_otp_device(user) and not user.is_verified():
        # A Privacy officer who must now add a passkey: their app code first, then the passkey.
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    context = _context(
        request,
        title=_("Set up two-factor sign-in"),
        next_url=next_url,
        passkey_required=passkeys.passkey_required(user=user),
    )
    if context["passkey_required"]:
        return render(request, "accounts/two_factor_setup.html", context)

    device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            session_mark_verified(request=request, device=device)
            logger.info("Two-factor authenticator set up for user id %s", user.pk)
            # Shown once, in this response only: they are not kept anywhere else readable.
            return render(
                request,
                "accounts/recovery_codes.html",
                _context(request, title=_("Save your recovery codes"), codes=codes, next_url=next_url),
            )

    secret = b32encode(device.bin_key).decode("ascii")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    context.update(
        form=form,
        # segno builds the SVG from the otpauth URL only; no user input reaches it.
        qr_svg=mark_safe(qr_svg),  # noqa: S308
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request):
    next_url = _next_url(request)
    user = request.user
    if not user_has_any_otp_device(user):
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    if passkeys.second_factor_satisfied(user=user):
        return redirect(next_url)
    if user.is_verified() and not passkeys.second_factor_set_up(user=user):
        return redirect(_with_next("accounts:two_factor_setup", next_url))

    codes_accepted = passkeys.codes_accepted(user=user) and _has_codes(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and not codes_accepted:
        form.is_valid()
        form.add_error(None, _("Your role passes this step with a passkey only. Use your passkey."))
    elif request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            session_mark_verified(request=request, device=device)
            if isinstance(device, StaticDevice):
                remaining = device.token_set.count()
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(count)d unused codes are left.") % {"count": remaining},
                )
            return redirect(next_url)
        logger.warning("Wrong two-factor code for user id %s from %s", user.pk, client_ip_address(request) or "?")
        second_factor_failed(request=request, factor=factor_of_code(form.cleaned_data["token"]))
        form.add_error(
            "token",
            _("That code is not valid. Enter the current 6-digit code from your app, or one unused recovery code."),
        )

    wait_until = services.two_factor_wait_until(user=user)
    return render(
        request,
        "accounts/two_factor_verify.html",
        _context(
            request,
            title=_("Enter your sign-in code") if codes_accepted else _("Verify with your passkey"),
            form=form,
            next_url=next_url,
            wait_until=wait_until,
            codes_accepted=codes_accepted,
            has_passkey=passkeys.has_passkey(user=user),
        ),
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: what happened and when to try again."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = _context(
        request, title=_("Sign-in locked"), failure_limit=settings.AXES_FAILURE_LIMIT, lockout_minutes=minutes
    )
    return render(request, "accounts/lockout.html", context, status=429)
