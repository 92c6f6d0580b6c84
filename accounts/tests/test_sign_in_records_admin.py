"""django-axes' sign-in records are evidence: nobody alters them in the admin, the superuser included."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD, StaffUserFactory, SuperuserFactory, sign_in_verified

pytestmark = pytest.mark.django_db

RECORDS = [AccessAttempt, AccessFailureLog, AccessLog]


@pytest.fixture
def sign_in_records():
    """A failed and a successful sign-in, then five failures: a row in each of axes' tables."""
    user, locked = StaffUserFactory(), StaffUserFactory()
    login = reverse("admin:login")
    Client().post(login, {"username": user.email, "password": "wrong-password-123"})
    Client().post(login, {"username": user.email, "password": TEST_PASSWORD})
    for _ in range(5):
        Client().post(login, {"username": locked.email, "password": "wrong-password-123"})
    assert all(model.objects.exists() for model in RECORDS)


@pytest.fixture
def superuser_client(client):
    sign_in_verified(client, SuperuserFactory())
    return client


def url(model, page, *args):
    return reverse(f"admin:axes_{model._meta.model_name}_{page}", args=args)


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m._meta.model_name)
def test_a_superuser_posting_to_a_sign_in_records_delete_page_is_refused_and_the_row_stays(
    superuser_client, sign_in_records, model
):
    record = model.objects.first()

    response = superuser_client.post(url(model, "delete", record.pk), {"post": "yes"})

    assert response.status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m._meta.model_name)
def test_delete_selected_on_sign_in_records_is_refused_to_a_superuser_and_the_rows_stay(
    superuser_client, sign_in_records, model
):
    before = model.objects.count()
    ids = list(model.objects.values_list("pk", flat=True))

    listing = superuser_client.get(url(model, "changelist"))
    response = superuser_client.post(
        url(model, "changelist"), {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: ids}
    )

    assert 'value="delete_selected"' not in listing.content.decode()
    assert response.status_code in (200, 302)
    assert model.objects.count() == before


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m._meta.model_name)
def test_a_superuser_cannot_change_or_add_sign_in_records(superuser_client, sign_in_records, model):
    record = model.objects.first()

    change = superuser_client.post(url(model, "change", record.pk), {"username": "someone@else.example"})
    add = superuser_client.get(url(model, "add"))

    assert add.status_code == 403
    # The change page only shows the record (view permission); a POST changes nothing.
    assert change.status_code == 403
    record.refresh_from_db()
    assert record.username != "someone@else.example"


def test_the_sign_in_records_offer_only_the_logged_clear_action(superuser_client, sign_in_records):
    listing = superuser_client.get(url(AccessAttempt, "changelist")).content.decode()

    assert 'value="clear_lockouts"' in listing
    assert 'value="cleanup_expired_attempts"' not in listing
