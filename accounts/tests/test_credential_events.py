"""Credential changes are security events: who, whose account, when, from where; never the secret."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.tests.factories import (
    TEST_PASSWORD,
    PasskeyFactory,
    PrivacyOfficerFactory,
    StaffUserFactory,
    SuperuserFactory,
    TOTPDeviceFactory,
    current_totp,
    sign_in_verified,
)
from audit.models import SecurityEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-completely-new-passphrase-77"
OFFICE = "203.0.113.40"
Kind, Factor = SecurityEvent.Kind, SecurityEvent.Factor


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind).order_by("pk"))


def the_only_event(kind):
    found = events(kind)
    assert len(found) == 1, f"expected one {kind} event, got {len(found)}"
    return found[0]


def no_secret_in(event, *secrets):
    text = " ".join(str(value) for value in event.__dict__.values())
    return not any(secret in text for secret in secrets)


def test_a_superuser_setting_a_users_password_is_recorded_with_both_accounts_and_the_address(client):
    admin_user, colleague = SuperuserFactory(), StaffUserFactory()
    sign_in_verified(client, admin_user)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=OFFICE,
    )

    assert response.status_code == 302
    event = the_only_event(Kind.PASSWORD_CHANGED)
    assert (event.user, event.email) == (colleague, colleague.email)
    assert (event.actor, event.actor_email, event.remote_addr) == (admin_user, admin_user.email, OFFICE)
    assert no_secret_in(event, NEW_PASSWORD)


def test_a_superuser_turning_off_a_users_password_is_recorded(client):
    admin_user, colleague = SuperuserFactory(), StaffUserFactory()
    sign_in_verified(client, admin_user)

    client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {"usable_password": "false", "unset-password": "1"},
    )

    assert the_only_event(Kind.PASSWORD_CHANGED).user == colleague


def test_a_user_changing_their_own_password_is_recorded_as_their_own_act(client):
    user = StaffUserFactory()
    sign_in_verified(client, user)

    response = client.post(
        reverse("admin:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    event = the_only_event(Kind.PASSWORD_CHANGED)
    assert (event.user, event.actor) == (user, user)
    assert no_secret_in(event, NEW_PASSWORD, TEST_PASSWORD)


def test_a_refused_password_change_records_nothing(client):
    user = StaffUserFactory()
    sign_in_verified(client, user)

    client.post(
        reverse("admin:password_change"),
        {"old_password": "not-the-old-one-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert events(Kind.PASSWORD_CHANGED) == []


def test_a_password_changed_from_the_command_line_names_the_command(monkeypatch):
    user = StaffUserFactory()
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    monkeypatch.setattr("sys.argv", ["manage.py", "changepassword"])

    call_command("changepassword", user.email)

    event = the_only_event(Kind.PASSWORD_CHANGED)
    assert (event.user, event.actor_email) == (user, "manage-changepassword@system.local")


def test_signing_in_records_no_password_change_even_when_the_hash_is_upgraded(client, settings):
    user = StaffUserFactory()  # hashed with MD5 in tests; make PBKDF2 preferred so sign-in rehashes it
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    client.post(reverse("admin:login"), {"username": user.email, "password": TEST_PASSWORD})

    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert events(Kind.PASSWORD_CHANGED) == []


def test_setting_up_an_authenticator_records_it_and_the_recovery_codes_as_added(client):
    user = StaffUserFactory()
    client.post(reverse("admin:login"), {"username": user.email, "password": TEST_PASSWORD})
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    assert events(Kind.SECOND_FACTOR_ADDED) == [], "a pending authenticator is not a second factor yet"

    client.post(reverse("accounts:two_factor_setup"), {"token": current_totp(device)})

    added = events(Kind.SECOND_FACTOR_ADDED)
    assert [(e.factor, e.user, e.actor) for e in added] == [
        (Factor.AUTHENTICATOR, user, user),
        (Factor.RECOVERY_CODES, user, user),
    ]
    assert all(no_secret_in(e, device.key) for e in added)


def test_the_privacy_officer_resetting_an_authenticator_is_recorded_as_removed_by_them(client):
    officer, colleague = PrivacyOfficerFactory(), StaffUserFactory()
    device = TOTPDeviceFactory(user=colleague)
    sign_in_verified(client, officer)

    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}, REMOTE_ADDR=OFFICE)

    event = the_only_event(Kind.SECOND_FACTOR_REMOVED)
    assert (event.factor, event.user, event.actor, event.remote_addr) == (
        Factor.AUTHENTICATOR,
        colleague,
        officer,
        OFFICE,
    )


def test_removing_recovery_codes_with_delete_selected_records_each_device(client):
    officer = PrivacyOfficerFactory()
    colleagues = [StaffUserFactory(), StaffUserFactory()]
    for colleague in colleagues:
        services.recovery_codes_replace(user=colleague)
    sign_in_verified(client, officer)
    SecurityEvent.objects.all().delete()

    client.post(
        reverse("admin:otp_static_staticdevice_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: [d.pk for d in StaticDevice.objects.filter(user__in=colleagues)],
        },
    )

    removed = events(Kind.SECOND_FACTOR_REMOVED)
    assert sorted(e.user.pk for e in removed) == sorted(c.pk for c in colleagues)
    assert {(e.factor, e.actor) for e in removed} == {(Factor.RECOVERY_CODES, officer)}


def test_the_reset_service_records_every_factor_it_removes():
    user = StaffUserFactory()
    TOTPDeviceFactory(user=user)
    PasskeyFactory(user=user)
    services.recovery_codes_replace(user=user)
    SecurityEvent.objects.all().delete()

    services.two_factor_reset(user=user)

    assert sorted(e.factor for e in events(Kind.SECOND_FACTOR_REMOVED)) == sorted(
        [Factor.AUTHENTICATOR, Factor.PASSKEY, Factor.RECOVERY_CODES]
    )


def test_deleting_a_user_records_their_factors_removed_and_still_deletes_the_user(client):
    doomed = StaffUserFactory()
    TOTPDeviceFactory(user=doomed)
    sign_in_verified(client, SuperuserFactory())

    response = client.post(reverse("admin:accounts_user_delete", args=[doomed.pk]), {"post": "yes"})

    assert response.status_code == 302
    event = the_only_event(Kind.SECOND_FACTOR_REMOVED)
    assert (event.user, event.email) == (None, doomed.email)


def test_clearing_a_lockout_is_recorded_with_the_officer_and_the_account(client):
    locked = StaffUserFactory()
    for _ in range(5):
        Client().post(reverse("admin:login"), {"username": locked.email, "password": "wrong-password-123"})
    officer = PrivacyOfficerFactory()
    sign_in_verified(client, officer)
    attempt = AccessAttempt.objects.get(username=locked.email)

    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "clear_lockouts", ACTION_CHECKBOX_NAME: [attempt.pk]},
        REMOTE_ADDR=OFFICE,
    )

    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    event = the_only_event(Kind.LOCKOUT_CLEARED)
    assert (event.user, event.email, event.actor, event.remote_addr) == (locked, locked.email, officer, OFFICE)


def test_the_security_events_page_shows_who_changed_whose_credentials(client):
    officer, colleague = PrivacyOfficerFactory(), StaffUserFactory()
    device = TOTPDeviceFactory(user=colleague)
    sign_in_verified(client, officer)
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    page = client.get(reverse("admin:audit_securityevent_changelist"), {"kind": "2fa_removed"}).content.decode()

    assert "Second factor removed" in page
    assert "Authenticator app" in page
    assert colleague.email in page and officer.email in page
