"""The admin's home page is sorted by the work, sign-in and sign-out say what they mean, errors say what to do."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import (
    TEST_PASSWORD,
    PrivacyOfficerFactory,
    StaffUserFactory,
    SuperuserFactory,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db


def section_names(response):
    return [str(section["name"]) for section in response.context["app_list"]]


def test_the_privacy_officer_sees_sections_named_for_the_work(client):
    sign_in_verified(client, PrivacyOfficerFactory())

    response = client.get(reverse("admin:index"))

    assert section_names(response)[:4] == [
        "Register",
        "Data subject requests",
        "Audit and security",
        "Notice and retention",
    ]


def test_the_sections_and_third_party_models_have_finnish_names(client):
    sign_in_verified(client, SuperuserFactory())

    response = client.get(reverse("admin:index"), headers={"accept-language": "fi"})
    names = [str(model["name"]) for section in response.context["app_list"] for model in section["models"]]

    assert "Asiakasrekisteri" in section_names(response)
    assert "Loki ja turvallisuus" in section_names(response)
    assert "Epäonnistuneet kirjautumiset ja tilapäiset lukitukset" in names
    assert "Todennussovellukset" in names
    assert "Pääsyavaimet" in names
    page = response.content.decode()
    assert "AXES" not in page and "OTP_TOTP" not in page and "Access attempts" not in page
    assert "WebAuthn credentials" not in page and "OTP WebAuthn" not in page


def test_staff_see_only_the_register_section(client):
    sign_in_verified(client, StaffUserFactory())

    response = client.get(reverse("admin:index"))

    assert section_names(response) == ["Register"]


def test_view_site_leads_back_to_the_admin_home(client):
    sign_in_verified(client, StaffUserFactory())

    response = client.get(reverse("admin:index"))

    assert response.context["site_url"] == reverse("admin:index")


def test_a_wrong_password_says_the_email_is_not_case_sensitive(client):
    user = StaffUserFactory()

    response = client.post(reverse("admin:login"), {"username": user.email, "password": "not-the-password-1"})

    page = response.content.decode()
    assert "may be typed in any case" in page
    assert "case-sensitive" not in page


def test_the_sign_in_page_has_a_heading_and_a_password_reset_link(client):
    response = client.get(reverse("admin:login"))

    page = response.content.decode()
    assert '<h1 id="sign-in-title">Sign in</h1>' in page
    assert reverse("admin_password_reset") in page


def test_the_signed_out_page_says_the_session_ended_and_offers_signing_in_again(client):
    sign_in_verified(client, StaffUserFactory())

    response = client.post(reverse("admin:logout"))

    page = response.content.decode()
    assert "You are signed out" in page
    assert "quality time" not in page


def test_a_password_reset_sends_a_link_to_the_users_email_in_any_case(client):
    user = StaffUserFactory(email="sanna.virtanen@caracom.example")

    response = client.post(reverse("admin_password_reset"), {"email": "Sanna.Virtanen@Caracom.Example"})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "/admin/password-reset/" in mail.outbox[0].body


def test_a_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("admin_password_reset"), {"email": "nobody@caracom.example"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_the_reset_link_sets_a_new_password_that_signs_in(client):
    user = StaffUserFactory()
    client.post(reverse("admin_password_reset"), {"email": user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/admin/password-reset/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get("/" + path, follow=True)
    new_password = "a-brand-new-passphrase-77"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()

    assert user.check_password(new_password)
    assert not user.check_password(TEST_PASSWORD)


def test_a_forbidden_page_is_styled_and_says_what_to_do(client):
    sign_in_verified(client, StaffUserFactory())

    response = client.get(reverse("admin:auditlog_logentry_changelist"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "ask the Privacy officer or an administrator" in page
    assert reverse("admin:index") in page


def test_a_missing_page_is_styled_and_offers_a_way_on(client, settings):
    settings.DEBUG = False

    response = client.get("/privacy/v/99/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert reverse("privacy:notice") in page


def test_the_forbidden_page_is_in_finnish_for_a_finnish_user(client):
    sign_in_verified(client, StaffUserFactory())

    response = client.get(reverse("admin:auditlog_logentry_changelist"), headers={"accept-language": "fi"})

    assert "Sinulla ei ole oikeutta tähän sivuun" in response.content.decode()
