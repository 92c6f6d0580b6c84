"""The strict Content Security Policy and pages that keep to it.

A browser enforces the policy (the e2e suite watches its console); these
tests catch markup that would break it, page by page, without a browser.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.admin import site
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import PasskeyFactory, StaffUserFactory, SuperuserFactory, sign_in_verified
from customers.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

INLINE_HANDLER = re.compile(r"^on[a-z]+$")


class PolicyBreaches(HTMLParser):
    """Collects what a `default-src 'self'` policy with nonces would block."""

    def __init__(self, nonce):
        super().__init__()
        self.nonce = nonce
        self.breaches = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if INLINE_HANDLER.match(name):
                self.breaches.append(f"<{tag} {name}=…> inline event handler")
        if "style" in attrs:
            self.breaches.append(f"<{tag} style=…> inline style attribute")
        if tag == "style" and attrs.get("nonce") != self.nonce:
            self.breaches.append("<style> without the nonce")
        if tag == "script":
            src = attrs.get("src")
            if src is not None and not src.startswith("/"):
                self.breaches.append(f"<script src={src}> from another origin")
            if src is None and attrs.get("type") != "application/json" and attrs.get("nonce") != self.nonce:
                self.breaches.append("inline <script> without the nonce")
        for name in ("href", "src", "action"):
            if (attrs.get(name) or "").lower().startswith("javascript:"):
                self.breaches.append(f"<{tag} {name}=javascript:…>")


def policy_of(response):
    return response.headers["Content-Security-Policy"]


def breaches(response):
    nonce_match = re.search(r"'nonce-([^']+)'", policy_of(response))
    parser = PolicyBreaches(nonce_match.group(1) if nonce_match else None)
    parser.feed(response.content.decode())
    return parser.breaches


def test_every_response_carries_the_strict_policy(client):
    policy = policy_of(client.get(reverse("admin:login")))

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w+/=-]+'", directives["script-src"])
    assert re.fullmatch(r"'self' 'nonce-[\w+/=-]+'", directives["style-src"])
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_each_response_gets_its_own_nonce(client):
    first = re.search(r"'nonce-([^']+)'", policy_of(client.get(reverse("admin:login"))))
    second = re.search(r"'nonce-([^']+)'", policy_of(client.get(reverse("admin:login"))))

    assert first.group(1) != second.group(1)


def test_the_checker_notices_markup_the_policy_would_block():
    parser = PolicyBreaches("abc")
    parser.feed(
        '<script>alert(1)</script><a onclick="x()" style="color:red">x</a><script src="https://cdn.example/x.js">'
    )

    assert len(parser.breaches) == 4


def test_pages_before_sign_in_keep_to_the_policy(client):
    for url in (reverse("admin:login"), reverse("accounts:two_factor_setup")):
        response = client.get(url, follow=True)
        assert breaches(response) == [], url


def test_the_two_factor_setup_page_keeps_to_the_policy(client):
    client.force_login(StaffUserFactory())

    response = client.get(reverse("accounts:two_factor_setup"))

    assert response.status_code == 200
    assert breaches(response) == []


def test_the_passkey_second_step_keeps_to_the_policy(client):
    user = StaffUserFactory()
    PasskeyFactory(user=user)
    client.force_login(user)

    response = client.get(reverse("accounts:two_factor_verify"))

    assert 'id="passkey-verification-placeholder"' in response.content.decode()
    assert breaches(response) == []


def test_the_sign_in_security_page_keeps_to_the_policy(client):
    user = StaffUserFactory()
    PasskeyFactory(user=user)
    sign_in_verified(client, user)

    response = client.get(reverse("accounts:security"))

    assert response.status_code == 200
    assert 'id="passkey-registration-placeholder"' in response.content.decode()
    assert breaches(response) == []


def test_every_admin_page_keeps_to_the_policy(client):
    contact = ContactFactory()
    user = SuperuserFactory()
    sign_in_verified(client, user)
    urls = [
        reverse("admin:index"),
        reverse("admin:customers_company_change", args=[contact.company.pk]),
        reverse("admin:customers_contact_change", args=[contact.pk]),
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:customers_company_history", args=[contact.company.pk]),
        reverse("admin:customers_contact_delete", args=[contact.pk]),
        reverse("admin:password_change"),
    ]
    request = RequestFactory().get("/")
    request.user = user
    for model, model_admin in site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert breaches(response) == [], url
