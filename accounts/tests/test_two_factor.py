import re

import pytest
from django.contrib.admin import site
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.tests.factories import (
    TEST_PASSWORD,
    PrivacyOfficerFactory,
    StaffUserFactory,
    SuperuserFactory,
    TOTPDeviceFactory,
    current_totp,
    sign_in_verified,
)
from customers.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
ADMIN_INDEX = reverse("admin:index")


def password_sign_in(client, user):
    response = client.post(reverse("admin:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, "the password step itself must succeed"
    return response


def other_code(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize("factory", [StaffUserFactory, PrivacyOfficerFactory, SuperuserFactory])
def test_every_role_without_a_device_is_sent_to_set_one_up(client, factory):
    password_sign_in(client, factory())

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fadmin%2F"


@pytest.mark.parametrize("factory", [StaffUserFactory, PrivacyOfficerFactory, SuperuserFactory])
def test_every_role_with_a_device_must_enter_a_code_after_the_password(client, factory):
    user = factory()
    TOTPDeviceFactory(user=user)
    password_sign_in(client, user)

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_no_admin_page_shows_anything_before_the_second_factor(client):
    company = CompanyFactory(name="Salainen Oy")
    user = SuperuserFactory()
    password_sign_in(client, user)
    urls = [ADMIN_INDEX, reverse("admin:customers_company_change", args=[company.pk])]
    for model in site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]

    responses = {url: client.get(url) for url in urls}

    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(urls, 302)
    assert all(r.url.startswith(SETUP) for r in responses.values())


def test_the_setup_page_shows_a_qr_code_and_the_key_of_one_pending_device(client):
    user = StaffUserFactory()
    password_sign_in(client, user)

    first = client.get(SETUP)
    second = client.get(SETUP)

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    content = first.content.decode()
    assert "<svg" in content
    assert re.search(r'id="totp-secret">([A-Z2-7 ]+)<', content)
    assert first.context["secret"] == second.context["secret"], "a reload must not invalidate a scanned code"


def test_a_wrong_setup_code_is_refused_and_confirms_nothing(client):
    user = StaffUserFactory()
    password_sign_in(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"token": other_code(current_totp(device))})

    assert response.status_code == 200
    assert "does not match" in str(response.context["form"].errors["token"])
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticDevice.objects.filter(user=user).exists()
    assert client.get(ADMIN_INDEX).status_code == 302


def test_the_right_setup_code_confirms_the_device_and_shows_ten_recovery_codes_once(client):
    user = StaffUserFactory()
    password_sign_in(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"token": current_totp(device), "next": "/admin/customers/company/"})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(codes)
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(ADMIN_INDEX).status_code == 200
    # Once set up, the setup page shows no codes again: it sends the user on.
    assert client.get(SETUP).status_code == 302


def test_the_right_code_after_the_password_opens_the_admin_and_renews_the_session_key(client):
    user = PrivacyOfficerFactory()
    device = TOTPDeviceFactory(user=user)
    password_sign_in(client, user)
    key_before = client.session.session_key

    response = client.post(VERIFY, {"token": current_totp(device), "next": "/admin/customers/"})

    assert response.status_code == 302
    assert response.url == "/admin/customers/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_before
    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_wrong_code_after_the_password_is_refused(client):
    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    password_sign_in(client, user)

    response = client.post(VERIFY, {"token": other_code(current_totp(device))})

    assert response.status_code == 200
    assert "not valid" in str(response.context["form"].errors["token"])
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(ADMIN_INDEX).status_code == 302


def test_a_code_cannot_be_used_twice(client):
    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    code = current_totp(device)
    password_sign_in(client, user)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    client.post(reverse("admin:logout"))

    password_sign_in(client, user)
    response = client.post(VERIFY, {"token": code})

    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_recovery_code_signs_in_once(client):
    user = StaffUserFactory()
    TOTPDeviceFactory(user=user)
    codes = services.recovery_codes_replace(user=user)
    password_sign_in(client, user)

    first = client.post(VERIFY, {"token": codes[0].upper()}, follow=True)
    client.post(reverse("admin:logout"))
    password_sign_in(client, user)
    second = client.post(VERIFY, {"token": codes[0]})

    assert first.status_code == 200
    assert first.redirect_chain[-1][0] == ADMIN_INDEX
    assert "9 unused codes are left" in first.content.decode()
    assert second.status_code == 200
    assert "not valid" in str(second.context["form"].errors["token"])


def test_too_many_wrong_codes_block_even_the_right_one_for_a_while(client):
    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    for _ in range(10):
        device.throttle_increment()
    password_sign_in(client, user)

    response = client.post(VERIFY, {"token": current_totp(device)})

    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(ADMIN_INDEX).status_code == 302


def test_after_verifying_the_user_is_not_sent_to_another_site(client):
    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    password_sign_in(client, user)

    response = client.post(VERIFY, {"token": current_totp(device), "next": "https://evil.example/admin/"})

    assert response.status_code == 302
    assert response.url == ADMIN_INDEX


def test_a_user_without_a_second_factor_can_sign_out(client):
    user = StaffUserFactory()
    password_sign_in(client, user)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_two_factor_pages_need_the_password_first(client):
    for url in (SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_resetting_a_users_second_factor_signs_out_their_verified_sessions_and_restarts_setup(client):
    user = StaffUserFactory()
    sign_in_verified(client, user)
    services.recovery_codes_replace(user=user)
    assert client.get(ADMIN_INDEX).status_code == 200

    removed = services.two_factor_reset(user=user)

    assert removed == 2
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)


def test_the_privacy_officer_resets_a_colleagues_authenticator_in_the_admin(client):
    colleague = StaffUserFactory()
    device = TOTPDeviceFactory(user=colleague)
    sign_in_verified(client, PrivacyOfficerFactory())
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])

    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    response = client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert device.key not in page.content.decode(), "the admin must never show the secret"
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_staff_cannot_reset_anyones_second_factor(client):
    device = TOTPDeviceFactory()
    sign_in_verified(client, StaffUserFactory())

    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_with_two_factor_off_the_password_alone_opens_the_admin(client, settings):
    settings.REQUIRE_2FA = False
    password_sign_in(client, StaffUserFactory())

    assert client.get(ADMIN_INDEX).status_code == 200


def test_the_system_check_warns_when_two_factor_is_off(settings, capsys):
    settings.REQUIRE_2FA = False

    call_command("check")

    assert "accounts.W001" in capsys.readouterr().err


def test_the_system_check_is_silent_when_two_factor_is_on(settings, capsys):
    settings.REQUIRE_2FA = True

    call_command("check")

    assert "accounts.W001" not in capsys.readouterr().err


def test_a_wrong_second_factor_code_is_recorded_as_a_security_event(client):
    from audit.models import SecurityEvent

    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    password_sign_in(client, user)

    client.post(VERIFY, {"token": other_code(current_totp(device))})

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_FAILED)
    assert (event.email, event.user_id) == (user.email, user.pk)


def test_a_verified_second_factor_is_recorded_as_a_security_event(client):
    from audit.models import SecurityEvent

    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    password_sign_in(client, user)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SECOND_FACTOR_VERIFIED).exists()

    client.post(VERIFY, {"token": current_totp(device)})

    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_VERIFIED).user == user
