"""The contact list's import page: upload, preview (nothing saved), import; errors by row."""

import base64

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import PrivacyOfficerFactory, UserFactory, sign_in_verified
from customers.models import Contact, ContactImport
from customers.tests.test_import import a_row, csv_bytes

pytestmark = pytest.mark.django_db

URL = "/admin/customers/contact/import/"


def upload(client, data, name="lista.csv", **extra):
    return client.post(
        URL, {"file": SimpleUploadedFile(name, data), "source": "customer_company", "step": "preview"}, **extra
    )


def test_the_preview_shows_what_would_be_created_and_saves_nothing(signed_in_staff):
    response = upload(signed_in_staff, csv_bytes([a_row(1), a_row(2)]))
    body = response.content.decode()
    assert '<td id="preview-created">2</td>' in body
    assert not Contact.objects.exists()


def test_confirming_the_preview_imports_as_the_signed_in_user(signed_in_staff, staff_user):
    data = csv_bytes([a_row(1), a_row(2)])
    response = signed_in_staff.post(
        URL,
        {
            "step": "confirm",
            "content": base64.b64encode(data).decode(),
            "file_name": "lista.csv",
            "source": "customer_company",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.count() == 2
    assert ContactImport.objects.get().imported_by == staff_user
    entries = LogEntry.objects.filter(content_type__model="contact", action=LogEntry.Action.CREATE)
    assert set(entries.values_list("actor_email", flat=True)) == {staff_user.email}


def test_the_errors_are_listed_by_row_and_nothing_is_imported(signed_in_staff):
    response = upload(signed_in_staff, csv_bytes([a_row(1), a_row(2, Puhelin="0456393329x")]))
    body = response.content.decode()
    assert "row 3, Puhelin:" in body
    assert 'id="import-confirm"' not in body


def test_the_page_speaks_finnish(signed_in_staff):
    response = upload(signed_in_staff, csv_bytes([a_row(1, Puhelin="0456393329x")]), HTTP_ACCEPT_LANGUAGE="fi")
    assert "rivi 2, Puhelin:" in response.content.decode()


def test_a_tampered_carried_over_file_is_refused(signed_in_staff):
    response = signed_in_staff.post(
        URL, {"step": "confirm", "content": "not base64!", "file_name": "x.csv", "source": "customer_company"}
    )
    assert "upload it again" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_privacy_officer_may_import_too(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    assert client.get(URL).status_code == 200


def test_a_user_without_the_contact_permissions_may_not_import(client):
    user = UserFactory(is_staff=True)
    sign_in_verified(client, user)
    assert client.get(URL).status_code == 403


def test_the_import_records_are_listed_read_only_for_staff(signed_in_staff, staff_user):
    ContactImport.objects.create(imported_by=staff_user, file_name="lista.csv", source="customer_company", rows=3)
    response = signed_in_staff.get("/admin/customers/contactimport/")
    assert "lista.csv" in response.content.decode()
    assert signed_in_staff.get("/admin/customers/contactimport/add/").status_code == 403
