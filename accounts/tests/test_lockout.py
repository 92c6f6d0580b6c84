import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD, PrivacyOfficerFactory, StaffUserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
ELSEWHERE = "198.51.100.77"


WRONG_PASSWORD = "wrong-password-123"


def attempt(client, email, password=WRONG_PASSWORD, ip="127.0.0.1", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, email, times, **kwargs):
    for _ in range(times):
        response = attempt(client, email, **kwargs)
    return response


def another_signed_in_client(user):
    other = Client()
    sign_in_verified(other, user)
    return other


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_four_failures_still_let_the_right_password_in(client):
    user = StaffUserFactory()
    fail(client, user.email, 4)

    response = attempt(client, user.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_fifth_failure_locks_the_account_with_a_clear_message(client):
    user = StaffUserFactory()

    fourth = fail(client, user.email, 4)
    fifth = attempt(client, user.email)

    assert fourth.status_code == 200
    assert fifth.status_code == 429
    content = fifth.content.decode()
    assert "Signing in is locked after 5 failed attempts." in content
    assert "Try again in 15 minutes." in content


def test_a_locked_account_is_refused_even_with_the_right_password(client):
    user = StaffUserFactory()
    fail(client, user.email, 5)

    response = attempt(client, user.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(client)


def test_the_lockout_is_for_the_account_from_that_address_only(client):
    locked, colleague = StaffUserFactory(), StaffUserFactory()
    fail(client, locked.email, 5)

    assert attempt(client, colleague.email, TEST_PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, locked.email, TEST_PASSWORD, ip=ELSEWHERE).status_code == 302


def test_changing_the_case_of_the_email_does_not_reset_the_count(client):
    user = StaffUserFactory()
    fail(client, user.email.upper(), 3)
    fail(client, user.email, 2)

    assert attempt(client, user.email, TEST_PASSWORD).status_code == 429


def test_a_made_up_forwarded_for_header_does_not_escape_the_lockout(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = StaffUserFactory()
    for n in range(5):
        attempt(client, user.email, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert attempt(client, user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_the_lockout_ends_after_fifteen_minutes(client):
    user = StaffUserFactory()
    fail(client, user.email, 5)

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    still_locked = attempt(client, user.email, TEST_PASSWORD)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    open_again = attempt(client, user.email, TEST_PASSWORD)

    assert still_locked.status_code == 429
    assert open_again.status_code == 302


def test_every_failure_is_on_record_without_the_password(client):
    user = StaffUserFactory()

    fail(client, user.email, 2, password="my-secret-guess-1")

    record = AccessAttempt.objects.get(username=user.email)
    assert record.failures_since_start == 2
    assert record.ip_address == "127.0.0.1"
    assert "my-secret-guess-1" not in record.post_data
    assert AccessFailureLog.objects.filter(username=user.email).count() == 2


def test_the_privacy_officer_sees_and_clears_a_lockout(client):
    locked = StaffUserFactory()
    fail(client, locked.email, 5)
    record = AccessAttempt.objects.get(username=locked.email)
    officer = another_signed_in_client(PrivacyOfficerFactory())

    listing = officer.get(reverse("admin:axes_accessattempt_changelist"))
    cleared = officer.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "clear_lockouts", ACTION_CHECKBOX_NAME: [record.pk]},
    )

    assert listing.status_code == 200
    assert locked.email in listing.content.decode()
    assert cleared.status_code == 302
    assert attempt(client, locked.email, TEST_PASSWORD).status_code == 302


def test_staff_cannot_see_or_clear_lockouts(client):
    locked = StaffUserFactory()
    fail(client, locked.email, 5)
    record = AccessAttempt.objects.get(username=locked.email)
    staff = another_signed_in_client(StaffUserFactory())

    assert staff.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert staff.post(reverse("admin:axes_accessattempt_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    cleared = staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "clear_lockouts", ACTION_CHECKBOX_NAME: [record.pk]},
    )
    assert cleared.status_code == 403
    assert AccessAttempt.objects.filter(pk=record.pk).exists()


def test_sign_in_and_out_still_send_the_signals_the_audit_trail_listens_to(client):
    user = StaffUserFactory()
    received = []

    def record(signal_name):
        def receiver(sender, **kwargs):
            received.append(signal_name)

        return receiver

    receivers = {
        user_login_failed: record("failed"),
        user_logged_in: record("in"),
        user_logged_out: record("out"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    try:
        attempt(client, user.email)
        attempt(client, user.email, TEST_PASSWORD)
        client.post(reverse("admin:logout"))
    finally:
        for signal, receiver in receivers.items():
            signal.disconnect(receiver)

    assert received == ["failed", "in", "out"]


def test_a_lockout_is_recorded_as_a_security_event_with_the_email_and_address(client):
    from audit.models import SecurityEvent

    user = StaffUserFactory()
    fail(client, user.email, 4)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT).exists()

    attempt(client, user.email)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKED_OUT)
    assert (event.email, event.remote_addr) == (user.email, "127.0.0.1")
