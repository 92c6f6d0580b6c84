import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_REFRESHED_AT
from accounts.tests.factories import StaffUserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

ADMIN_INDEX = reverse("admin:index")


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_cookie_ends_with_the_browser(client):
    sign_in_verified(client, StaffUserFactory())

    response = client.get(ADMIN_INDEX)

    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"] is True


def test_each_request_pushes_the_idle_limit_thirty_minutes_ahead(client):
    sign_in_verified(client, StaffUserFactory())
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )

    client.get(ADMIN_INDEX)

    remaining = stored_session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_a_request_within_a_minute_of_the_last_refresh_writes_no_session(client):
    sign_in_verified(client, StaffUserFactory())
    client.get(ADMIN_INDEX)
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=soon)

    client.get(ADMIN_INDEX)

    assert stored_session(client).expire_date == soon


def test_a_request_a_minute_after_the_last_refresh_pushes_the_idle_limit_again(client, settings):
    sign_in_verified(client, StaffUserFactory())
    client.get(ADMIN_INDEX)
    session = client.session
    session[SESSION_REFRESHED_AT] -= settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )

    client.get(ADMIN_INDEX)

    remaining = stored_session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_a_visitor_without_a_session_gets_none_from_the_refresh(client):
    response = client.get(reverse("privacy:notice"))

    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_a_session_idle_past_the_limit_is_signed_out(client):
    sign_in_verified(client, StaffUserFactory())
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_idle_limit_follows_the_setting(client, settings):
    settings.SESSION_COOKIE_AGE = 10 * 60
    sign_in_verified(client, StaffUserFactory())

    client.get(ADMIN_INDEX)

    remaining = stored_session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=9) < remaining <= datetime.timedelta(minutes=10)


def test_sign_out_is_offered_on_admin_pages_and_ends_the_session(client):
    sign_in_verified(client, StaffUserFactory())
    for url in (ADMIN_INDEX, reverse("admin:customers_company_changelist"), reverse("admin:customers_contact_add")):
        assert f'action="{reverse("admin:logout")}"' in client.get(url).content.decode()

    client.post(reverse("admin:logout"))

    assert client.get(ADMIN_INDEX).status_code == 302
