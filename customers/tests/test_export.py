"""List exports: the current filter and search, as CSV or XLSX, each row's disclosure in the audit trail."""

import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from audit.models import Disclosure
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def csv_lines(response):
    return response.content.decode("utf-8-sig").splitlines()


def test_the_contact_export_holds_the_filtered_rows_only(signed_in_staff):
    ContactFactory(last_name="Virtanen", source="data_subject")
    ContactFactory(last_name="Korhonen", source="public_register")
    response = signed_in_staff.get("/admin/customers/contact/export/csv/?source__exact=public_register")
    lines = csv_lines(response)
    assert len(lines) == 2
    assert "Korhonen" in lines[1]
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')


def test_the_contact_export_follows_the_search(signed_in_staff):
    ContactFactory(last_name="Virtanen")
    ContactFactory(last_name="Korhonen")
    lines = csv_lines(signed_in_staff.get("/admin/customers/contact/export/csv/?q=Korhonen"))
    assert len(lines) == 2 and "Korhonen" in lines[1]


def test_each_exported_row_is_recorded_as_an_access_by_who_with_filter_and_count(signed_in_staff, staff_user):
    a = ContactFactory(source="public_register")
    b = ContactFactory(source="public_register")
    ContactFactory(source="data_subject")
    signed_in_staff.get("/admin/customers/contact/export/csv/?source__exact=public_register&q=asiakas.example")
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__has_key="disclosure")
    assert sorted(int(e.object_pk) for e in entries) == sorted([a.pk, b.pk])
    entry = entries.first()
    assert entry.actor_email == staff_user.email
    assert entry.additional_data["disclosure"] == {
        "list": "customers.Contact",
        "filters": {"source__exact": "public_register"},
        "search_words": 1,
        "format": "csv",
        "rows": 2,
    }


def test_a_formula_in_a_cell_is_neutralised_in_the_csv(signed_in_staff):
    ContactFactory(title='=HYPERLINK("http://evil")')
    lines = csv_lines(signed_in_staff.get("/admin/customers/contact/export/csv/"))
    assert "\"'=HYPERLINK" in lines[1]


def test_the_xlsx_export_writes_a_formula_as_text(signed_in_staff):
    ContactFactory(title="=1+1")
    response = signed_in_staff.get("/admin/customers/contact/export/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][5] == "=1+1"
    assert sheet.cell(row=2, column=6).data_type == "s"


def test_the_company_export_is_available_to_the_privacy_officer_too(client):
    CompanyFactory(name="Kalajoen Kala Oy", relationship_end=None)
    sign_in_verified(client, PrivacyOfficerFactory())
    response = client.get("/admin/customers/company/export/csv/?status=active")
    assert response.status_code == 200
    assert "Kalajoen Kala Oy" in response.content.decode("utf-8-sig")


def test_the_export_headers_are_in_finnish_for_a_finnish_user(signed_in_staff):
    ContactFactory()
    response = signed_in_staff.get("/admin/customers/contact/export/csv/", HTTP_ACCEPT_LANGUAGE="fi")
    assert csv_lines(response)[0].startswith("ID;yritys;Y-tunnus;etunimi;sukunimi")


def test_an_unknown_export_format_is_not_found(signed_in_staff):
    assert signed_in_staff.get("/admin/customers/contact/export/pdf/").status_code == 404


def test_the_contact_list_links_its_exports_with_the_current_filter(signed_in_staff):
    body = signed_in_staff.get("/admin/customers/contact/?source__exact=public_register").content.decode()
    assert "/admin/customers/contact/export/csv/?source__exact=public_register" in body


def test_a_contact_list_export_is_recorded_as_a_disclosure_to_the_person_who_downloaded_it(signed_in_staff, staff_user):
    exported = ContactFactory(source="public_register")
    ContactFactory(source="data_subject")

    signed_in_staff.get("/admin/customers/contact/export/csv/?source__exact=public_register")

    (disclosure,) = Disclosure.objects.all()
    assert disclosure.recipient == f"list export downloaded by {staff_user.email}"
    assert list(disclosure.records.values_list("object_id", flat=True)) == [exported.pk]


def test_a_company_list_export_is_no_disclosure_of_people(signed_in_staff):
    CompanyFactory()

    signed_in_staff.get("/admin/customers/company/export/csv/")

    assert not Disclosure.objects.exists()
