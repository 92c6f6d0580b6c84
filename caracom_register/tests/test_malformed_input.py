"""Fuzz-style: malformed data to every admin form and the sign-in pages.

Whatever arrives, the answer is never a server error and nothing is stored.
The forms come from the admin registry, so models registered later are
covered too.
"""

from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

import pytest
from django.contrib.admin import site
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import StaffUserFactory, SuperuserFactory, TOTPDeviceFactory, sign_in_verified
from customers.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

MALFORMED = {
    "long text": "A" * 10_000,
    "control characters": "\x01\x02\x1b[2J\x7f\u202e\ufeff",
    "NUL byte": "Oy\x00'; DROP TABLE customers_company;--",
    "huge number": "9" * 400,
    "overflowing float": "-1e309",
    "not a number": "NaN",
    "impossible date": "2024-02-30",
    "far-future date": "99999-12-31",
    "emoji flood": "\U0001f600" * 2000,
    "markup": "<script>alert(1)</script>",
    # A message formatted twice fails on a literal % ("unsupported format character").
    "percent signs": "100%d %(x)s a%",
}
INVALID_UTF8 = b"\xff\xfe\xc0\xaf\xed\xa0\x80"


class FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names = []

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea"} and name and name not in self.names:
            self.names.append(name)


def field_names(client, url):
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    # Leave out the CSRF token, the submit buttons and the header's language switch.
    names = [n for n in parser.names if not n.startswith("_") and n not in {"csrfmiddlewaretoken", "next", "language"}]
    # One inline form of each formset, so its fields are validated too.
    return [n.replace("__prefix__", "0") for n in names]


def payloads(names):
    """(description, data) pairs: each malformed value in every field, with formsets sized to be read."""
    management = {n: "1" for n in names if n.endswith("-TOTAL_FORMS")}
    management |= {n: "0" for n in names if n.endswith(("-INITIAL_FORMS", "-MIN_NUM_FORMS"))}
    management |= {n: "1000" for n in names if n.endswith("-MAX_NUM_FORMS")}
    for description, value in MALFORMED.items():
        yield description, dict.fromkeys(names, value) | management
        yield f"{description}, management forms too", dict.fromkeys(names, value)
    yield "several values for each field", {n: ["1", "x", ""] for n in names} | management
    yield "raw invalid UTF-8", dict.fromkeys(names, INVALID_UTF8) | management


def snapshot():
    return {
        model._meta.label_lower: [model_to_dict(obj) for obj in model._default_manager.order_by("pk")]
        for model in site._registry
    }


def assert_survives(client, url, names):
    before = snapshot()
    for description, data in payloads(names):
        response = client.post(url, data)
        assert response.status_code < 500, f"{url} with {description}"
    encoded = "&".join(f"{n}={quote_from_bytes(INVALID_UTF8)}" for n in names)
    response = client.post(url, encoded, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, f"{url} with percent-encoded invalid UTF-8"
    assert snapshot() == before, f"{url} stored malformed data"


def add_pages(user):
    request = RequestFactory().get("/")
    request.user = user
    for model, model_admin in site._registry.items():
        if model_admin.has_add_permission(request):
            yield reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def test_every_admin_add_form_survives_malformed_data(client):
    ContactFactory()
    user = SuperuserFactory()
    sign_in_verified(client, user)

    pages = list(add_pages(user))

    assert reverse("admin:customers_company_add") in pages
    for url in pages:
        assert_survives(client, url, field_names(client, url))


def test_every_admin_change_form_survives_malformed_data(client):
    ContactFactory()
    user = SuperuserFactory()
    sign_in_verified(client, user)
    request = RequestFactory().get("/")
    request.user = user

    pages = []
    for model, model_admin in site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is not None and model_admin.has_change_permission(request, obj):
            pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]))

    assert reverse("admin:customers_contact_change", args=[ContactFactory._meta.model.objects.first().pk]) in pages
    for url in pages:
        assert_survives(client, url, field_names(client, url))


def test_admin_lists_survive_malformed_search_sorting_and_filters(client):
    ContactFactory()
    sign_in_verified(client, SuperuserFactory())

    for model in site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for value in (*MALFORMED.values(), INVALID_UTF8.decode("latin-1")):
            for param in ("q", "o", "p", "source", "status", "all"):
                response = client.get(url, {param: value})
                assert response.status_code < 500, f"{url}?{param}={value[:20]!r}"


def test_the_sign_in_form_survives_malformed_data(client):
    StaffUserFactory()
    url = reverse("admin:login")

    for description, data in payloads(["username", "password"]):
        assert client.post(url, data).status_code < 500, description
        client.logout()


def test_the_two_factor_forms_survive_malformed_data_and_confirm_nothing(client):
    user = StaffUserFactory()
    client.force_login(user)
    client.get(reverse("accounts:two_factor_setup"))

    for url in (reverse("accounts:two_factor_setup"), reverse("accounts:two_factor_verify")):
        for description, data in payloads(["token", "next"]):
            assert client.post(url, data).status_code < 500, f"{url} with {description}"

    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_code_form_survives_malformed_data_for_a_user_with_a_device():
    user = StaffUserFactory()
    TOTPDeviceFactory(user=user)
    client = Client()
    client.force_login(user)

    for description, data in payloads(["token", "next"]):
        response = client.post(reverse("accounts:two_factor_verify"), data)
        assert response.status_code < 500, description
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_nul_byte_anywhere_in_the_input_is_refused_with_400(client):
    sign_in_verified(client, SuperuserFactory())
    url = reverse("admin:customers_company_changelist")

    assert client.get(url, {"q": "Oy\x00"}).status_code == 400
    assert client.post(reverse("admin:customers_company_add"), {"name": "Oy\x00"}).status_code == 400
    assert client.get(url, {"q": "Oy"}).status_code == 200


def test_a_number_beyond_the_databases_range_is_refused_with_400_or_a_form_error(client):
    sign_in_verified(client, SuperuserFactory())

    response = client.post(reverse("admin:auth_group_add"), {"name": "Ryhmä", "permissions": ["9" * 400]})

    assert response.status_code in {200, 400}
    assert not Group.objects.filter(name="Ryhmä").exists()
