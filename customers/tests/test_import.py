"""Importing a contact list from CSV or XLSX: the service and the import_contacts command."""

import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from customers.import_files import ImportFileError, read_contact_sheet
from customers.importing import ImportRefused, contacts_import
from customers.models import Company, Contact, ContactImport
from customers.tests.factories import CompanyFactory, ContactFactory, valid_business_id

pytestmark = pytest.mark.django_db

FI_HEADER = ["Yritys", "Y-tunnus", "Etunimi", "Sukunimi", "Titteli", "Sähköposti", "Puhelin", "Postinumero", "Maa"]


def csv_bytes(rows, header=FI_HEADER, delimiter=";", encoding="utf-8-sig"):
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def a_row(n, company="Kalajoen Kala Oy", business_id=None, **cells):
    row = {
        "Yritys": company,
        "Y-tunnus": business_id if business_id is not None else valid_business_id(500),
        "Etunimi": f"Maija{n}",
        "Sukunimi": "Meikäläinen",
        "Titteli": "Myyntipäällikkö",
        "Sähköposti": f"maija{n}@kala.example",
        "Puhelin": f"040 {1000000 + n}",
        "Postinumero": "85100",
        "Maa": "FI",
    } | cells
    return [row[h] for h in FI_HEADER]


def import_file(user, data, name="yhteystiedot.csv", **options):
    return contacts_import(data=data, file_name=name, user=user, **options)


def test_a_finnish_excel_csv_creates_its_company_and_contacts(staff_user):
    report = import_file(staff_user, csv_bytes([a_row(1), a_row(2)]))
    assert report.created == [2, 3]
    company = Company.objects.get()
    assert company.name == "Kalajoen Kala Oy"
    assert sorted(Contact.objects.values_list("phone", flat=True)) == ["+358401000001", "+358401000002"]


def test_a_comma_separated_utf8_csv_without_a_byte_order_mark_is_read():
    sheet = read_contact_sheet(csv_bytes([a_row(1)], delimiter=",", encoding="utf-8"), "a.csv")
    assert sheet.rows[0][1]["last_name"] == "Meikäläinen"


def test_a_windows_1252_csv_keeps_its_scandinavian_letters():
    sheet = read_contact_sheet(csv_bytes([a_row(1)], encoding="cp1252"), "a.csv")
    assert sheet.rows[0][1]["last_name"] == "Meikäläinen"
    assert sheet.headers["email"] == "Sähköposti"


def test_english_headers_in_any_order_and_case_are_read():
    header = ["EMAIL", "Last_Name", "first_name", "Company"]
    sheet = read_contact_sheet(csv_bytes([["a@b.example", "Virtanen", "Ville", "Firma Oy"]], header=header), "a.csv")
    assert sheet.rows == [
        (2, {"email": "a@b.example", "last_name": "Virtanen", "first_name": "Ville", "company": "Firma Oy"})
    ]


def test_an_unknown_header_is_an_error_naming_it():
    with pytest.raises(ImportFileError) as caught:
        read_contact_sheet(csv_bytes([["x", "y", "z"]], header=["Yritys", "Etunimi", "Sukunimi", "Lempinimi"]), "a.csv")
    assert "“Lempinimi”" in caught.value.errors[0]
    assert caught.value.errors[0].startswith("row 1, column 4")


def test_an_xlsx_workbook_is_imported_like_a_csv(staff_user):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(FI_HEADER)
    sheet.append(a_row(1))
    out = io.BytesIO()
    workbook.save(out)
    report = import_file(staff_user, out.getvalue(), name="lista.xlsx")
    assert report.created == [2]
    assert Contact.objects.get().email == "maija1@kala.example"


def test_any_bad_row_means_nothing_is_written_and_every_error_is_listed_by_row(staff_user):
    rows = [
        a_row(1),
        a_row(2, Puhelin="0456393329x"),
        a_row(3),
        a_row(4, Postinumero="851"),
        a_row(5, Sähköposti="ei-osoite"),
    ]
    with pytest.raises(ImportRefused) as caught:
        import_file(staff_user, csv_bytes(rows))
    errors = caught.value.report.errors
    assert [e.split(":")[0] for e in errors] == ["row 3, Puhelin", "row 5, Postinumero", "row 6, Sähköposti"]
    assert not Company.objects.exists()
    assert not Contact.objects.exists()
    assert not ContactImport.objects.exists()


def test_re_importing_the_same_file_changes_nothing(staff_user):
    data = csv_bytes([a_row(n) for n in range(1, 6)])
    import_file(staff_user, data)
    entries = LogEntry.objects.count()
    report = import_file(staff_user, data)
    assert report.unchanged == [2, 3, 4, 5, 6]
    assert report.created == report.updated == []
    assert Contact.objects.count() == 5
    assert LogEntry.objects.count() == entries


def test_a_row_with_an_existing_email_updates_only_its_non_empty_cells(staff_user):
    company = CompanyFactory(business_id=valid_business_id(500))
    contact = ContactFactory(company=company, email="maija1@kala.example", title="CEO", phone="+358401111111")
    report = import_file(staff_user, csv_bytes([a_row(1, Titteli="", Puhelin="040 2222222")]))
    assert report.updated == [2]
    contact.refresh_from_db()
    assert contact.title == "CEO"
    assert contact.phone == "+358402222222"
    assert contact.first_name == "Maija1"


def test_a_company_is_found_by_its_exact_name_when_the_row_has_no_business_id(staff_user):
    company = CompanyFactory(name="Kalajoen Kala Oy")
    import_file(staff_user, csv_bytes([a_row(1, business_id="")]))
    assert Contact.objects.get().company == company
    assert Company.objects.count() == 1


def test_a_row_with_an_unknown_business_id_and_no_name_is_refused(staff_user):
    with pytest.raises(ImportRefused) as caught:
        import_file(staff_user, csv_bytes([a_row(1, company="")]))
    assert caught.value.report.errors[0].startswith("row 2, Y-tunnus: no company has this business ID")


def test_a_new_company_with_an_invalid_business_id_is_refused(staff_user):
    with pytest.raises(ImportRefused) as caught:
        import_file(staff_user, csv_bytes([a_row(1, business_id="1234567-8")]))
    assert caught.value.report.errors[0].startswith("row 2, Y-tunnus:")


def test_the_same_contact_twice_in_one_file_is_an_error_naming_both_rows(staff_user):
    with pytest.raises(ImportRefused) as caught:
        import_file(staff_user, csv_bytes([a_row(1), a_row(1)]))
    assert caught.value.report.errors == ["row 3: the same contact person as on row 2."]


def test_a_dry_run_reports_and_changes_nothing(staff_user):
    report = import_file(staff_user, csv_bytes([a_row(1)]), dry_run=True)
    assert report.created == [2]
    assert report.companies_created == 1
    assert not Contact.objects.exists()
    assert not ContactImport.objects.exists()


def test_each_created_contact_is_audited_with_the_importing_user_as_actor(staff_user):
    from audit.context import user_actor

    with user_actor(staff_user):
        import_file(staff_user, csv_bytes([a_row(1), a_row(2)]))
    entries = LogEntry.objects.filter(content_type__model="contact", action=LogEntry.Action.CREATE)
    assert entries.count() == 2
    assert set(entries.values_list("actor_email", flat=True)) == {staff_user.email}


def test_the_import_is_recorded_with_counts_and_no_personal_data(staff_user):
    data = csv_bytes([a_row(1), a_row(2)])
    import_file(staff_user, data)
    ContactFactory(company=Company.objects.get(), email="other@kala.example")
    import_file(staff_user, csv_bytes([a_row(1, Titteli="Johtaja"), a_row(2)]))
    record = ContactImport.objects.first()
    assert (record.imported_by, record.file_name, record.rows) == (staff_user, "yhteystiedot.csv", 2)
    assert (record.contacts_created, record.contacts_updated, record.contacts_unchanged) == (0, 1, 1)
    values = json.dumps([str(getattr(record, f.attname)) for f in ContactImport._meta.concrete_fields])
    assert "Maija" not in values and "kala.example" not in values


def test_the_command_imports_as_the_named_user(staff_user, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([a_row(1)]))
    out = io.StringIO()
    call_command("import_contacts", str(path), "--as", staff_user.email.upper(), stdout=out)
    assert "created 1" in out.getvalue()
    entry = LogEntry.objects.get(content_type__model="contact")
    assert entry.actor_email == staff_user.email


def test_the_command_refuses_an_unknown_user(tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([a_row(1)]))
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_contacts", str(path), "--as", "nobody@caracom.example")
    assert not Contact.objects.exists()


def test_the_command_refuses_an_inactive_user(staff_user, tmp_path):
    staff_user.is_active = False
    staff_user.save()
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([a_row(1)]))
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_contacts", str(path), "--as", staff_user.email)


def test_the_command_lists_every_error_and_exits_non_zero(staff_user, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([a_row(1, Puhelin="0456393329x"), a_row(2, Postinumero="1")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 errors"):
        call_command("import_contacts", str(path), "--as", staff_user.email, stderr=err)
    assert err.getvalue().splitlines()[0].startswith("row 2, Puhelin:")
    assert err.getvalue().splitlines()[1].startswith("row 3, Postinumero:")
    assert not Contact.objects.exists()


def test_the_command_dry_run_changes_nothing(staff_user, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([a_row(1)]))
    out = io.StringIO()
    call_command("import_contacts", str(path), "--as", staff_user.email, "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Contact.objects.exists()
