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
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import services
from accounts.client_ip import client_ip_address
from accounts.forms import TokenForm
from audit.models import SecurityEvent
from audit.services import security_event_record

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


def _mark_verified(request, device):
    otp_login(request, device)
    # "Signed in" is recorded after the password; this is the moment the user reaches data.
    security_event_record(
        kind=SecurityEvent.Kind.SECOND_FACTOR_VERIFIED, request=request, user=request.user, email=request.user.email
    )
    # A new session key for the now fully signed-in session, like Django's login().
    request.session.cycle_key()


@never_cache
@login_required
def two_factor_setup(request):
    next_url = _next_url(request)
    if services.two_factor_is_set_up(user=request.user):
        if request.user.is_verified():
            return redirect(next_url)
        return redirect(_with_next("accounts:two_factor_verify", next_url))

    device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            _mark_verified(request, device)
            logger.info("Two-factor authenticator set up for user id %s", request.user.pk)
            # Shown once, in this response only: they are not kept anywhere else readable.
            return render(
                request,
                "accounts/recovery_codes.html",
                _context(request, title=_("Save your recovery codes"), codes=codes, next_url=next_url),
            )

    secret = b32encode(device.bin_key).decode("ascii")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return render(
        request,
        "accounts/two_factor_setup.html",
        _context(
            request,
            title=_("Set up two-factor sign-in"),
            form=form,
            next_url=next_url,
            # segno builds the SVG from the otpauth URL only; no user input reaches it.
            qr_svg=mark_safe(qr_svg),  # noqa: S308
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        ),
    )


@never_cache
@login_required
def two_factor_verify(request):
    next_url = _next_url(request)
    if not services.two_factor_is_set_up(user=request.user):
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    if request.user.is_verified():
        return redirect(next_url)

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            _mark_verified(request, device)
            if isinstance(device, StaticDevice):
                remaining = device.token_set.count()
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(count)d unused codes are left.") % {"count": remaining},
                )
            return redirect(next_url)
        logger.warning(
            "Wrong two-factor code for user id %s from %s", request.user.pk, client_ip_address(request) or "?"
        )
        security_event_record(
            kind=SecurityEvent.Kind.SECOND_FACTOR_FAILED, request=request, user=request.user, email=request.user.email
        )
        form.add_error(
            "token",
            _("That code is not valid. Enter the current 6-digit code from your app, or one unused recovery code."),
        )

    wait_until = services.two_factor_wait_until(user=request.user)
    return render(
        request,
        "accounts/two_factor_verify.html",
        _context(request, title=_("Enter your sign-in code"), form=form, next_url=next_url, wait_until=wait_until),
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: what happened and when to try again."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = _context(
        request, title=_("Sign-in locked"), failure_limit=settings.AXES_FAILURE_LIMIT, lockout_minutes=minutes
    )
    return render(request, "accounts/lockout.html", context, status=429)
