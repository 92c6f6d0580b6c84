import pytest
from auditlog.models import LogEntry
from django.test import override_settings
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD, SuperuserFactory, sign_in_verified
from audit.models import SecurityEvent

pytestmark = pytest.mark.django_db

LOGIN = "admin:login"


def sign_in(client, email, password, **meta):
    return client.post(reverse(LOGIN), {"username": email, "password": password}, **meta)


def test_a_sign_in_is_recorded_with_the_user_and_address(client):
    user = SuperuserFactory(email="anna@caracom.example")
    sign_in(client, "anna@caracom.example", TEST_PASSWORD, REMOTE_ADDR="198.51.100.7")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.email, event.remote_addr) == (
        SecurityEvent.Kind.SIGN_IN,
        user,
        "anna@caracom.example",
        "198.51.100.7",
    )


def test_a_failed_sign_in_is_recorded_with_the_email_tried(client):
    SuperuserFactory(email="anna@caracom.example")
    sign_in(client, "Anna@Caracom.example", "wrong-password", REMOTE_ADDR="203.0.113.5")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.email, event.remote_addr) == (
        SecurityEvent.Kind.SIGN_IN_FAILED,
        None,
        "anna@caracom.example",
        "203.0.113.5",
    )


def test_a_failed_sign_in_with_an_unknown_email_is_recorded_too(client):
    sign_in(client, "nobody@example.com", "whatever-password")
    assert SecurityEvent.objects.get().email == "nobody@example.com"


def test_a_sign_out_is_recorded(client):
    user = SuperuserFactory()
    sign_in_verified(client, user)
    client.post(reverse("admin:logout"))
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.SIGN_OUT).user == user


def test_sign_ins_stay_out_of_the_change_log(client):
    user = SuperuserFactory()
    before = LogEntry.objects.count()
    sign_in(client, user.email, TEST_PASSWORD)
    assert LogEntry.objects.count() == before


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_a_forged_forwarded_for_does_not_reach_the_security_event(client):
    sign_in(client, "x@example.com", "pw-pw-pw-pw-pw", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert SecurityEvent.objects.get().remote_addr == "198.51.100.7"
