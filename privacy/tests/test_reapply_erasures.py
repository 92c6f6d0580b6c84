"""Erasures survive a backup restore: the ledger records them, `reapply_erasures` erases again."""

import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from accounts.tests.factories import PrivacyOfficerFactory
from audit.chain.verify import chain_verify
from customers import services as customer_services
from customers.merging import contacts_merge
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy import services
from privacy.models import ProcessingRestriction, RequestType
from privacy.tests.factories import VerifiedRequestFactory
from privacy.tests.test_retention import ended_company, purge

pytestmark = pytest.mark.django_db

EMAIL, LAST_NAME, PHONE = "ulla.palautus@varmuus.example", "Palautus-Testaaja", "+358401112223"
NEEDLES = (EMAIL, LAST_NAME, PHONE)


def subject(**overrides):
    values = {
        "first_name": "Ulla",
        "last_name": LAST_NAME,
        "email": EMAIL,
        "phone": PHONE,
        "company": overrides.pop("company", None) or CompanyFactory(name="Varmuuskopio Oy"),
    }
    return ContactFactory(**{**values, **overrides})


def erase(contact):
    request = VerifiedRequestFactory(request_type=RequestType.ERASURE, contacts=[contact])
    return services.subject_erase(request=request, by=PrivacyOfficerFactory())


def restored(contact_values):
    """The contact as a restored backup brings it back: same key, same values."""
    return Contact.objects.create(**contact_values)


def values_of(contact):
    return {
        "pk": contact.pk,
        "company": contact.company,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
    }


def ledger_lines(settings):
    return [json.loads(line) for line in Path(settings.ERASURE_LEDGER_PATH).read_text().splitlines()]


def reapply(*args):
    out = StringIO()
    call_command("reapply_erasures", *args, stdout=out)
    return out.getvalue()


def test_an_erasure_writes_one_ledger_line_with_hashes_and_the_request(settings):
    contact = subject()
    erase(contact)
    (line,) = ledger_lines(settings)
    assert (line["kind"], line["model"], line["pk"]) == ("erasure", "customers.contact", contact.pk)
    assert line["reference"].startswith("request #")
    assert set(line["hashes"]) == {"email", "phone", "name_company"}
    assert not any(needle in Path(settings.ERASURE_LEDGER_PATH).read_text() for needle in NEEDLES)


def test_the_retention_purge_writes_a_ledger_line_per_contact_and_company(settings):
    company = ended_company(25)
    contacts = ContactFactory.create_batch(2, company=company)
    purge()
    lines = ledger_lines(settings)
    assert {(line["kind"], line["model"], line["pk"]) for line in lines} == {
        ("purge", "customers.contact", contacts[0].pk),
        ("purge", "customers.contact", contacts[1].pk),
        ("purge", "customers.company", company.pk),
    }


def test_an_erased_contact_brought_back_by_a_restore_is_erased_again():
    contact = subject()
    values = values_of(contact)
    erase(contact)
    restored(values)
    output = reapply()
    assert "Erased 1 contacts and 0 companies again" in output
    assert not Contact.objects.filter(pk=values["pk"]).exists()


def test_a_dry_run_reports_the_contact_and_changes_nothing():
    contact = subject()
    values = values_of(contact)
    erase(contact)
    restored(values)
    output = reapply("--dry-run")
    assert "Would erase 1 contacts and 0 companies again" in output
    assert f"contact #{values['pk']} (ledger line 1)" in output
    assert Contact.objects.filter(pk=values["pk"]).exists()


def test_a_re_imported_copy_under_a_new_key_is_found_by_its_email_and_erased():
    contact = subject()
    erase(contact)
    copy = subject(email=EMAIL.upper(), phone="", last_name="Uusi")
    reapply()
    assert not Contact.objects.filter(pk=copy.pk).exists()


def test_a_re_imported_copy_is_found_by_name_and_company_too():
    company = CompanyFactory(name="Varmuuskopio Oy")
    erase(subject(company=company))
    copy = subject(company=company, email="ulla@toinen.example", phone="")
    reapply()
    assert not Contact.objects.filter(pk=copy.pk).exists()


def test_another_person_who_got_the_erased_key_is_left_alone():
    contact = subject()
    pk = contact.pk
    erase(contact)
    stranger = ContactFactory(pk=pk, first_name="Toinen", last_name="Ihminen", email="toinen@ihminen.example")
    reapply()
    assert Contact.objects.filter(pk=stranger.pk).exists()


def test_a_shared_phone_number_alone_does_not_find_a_copy():
    erase(subject())
    colleague = ContactFactory(phone=PHONE, email="kollega@varmuus.example")
    reapply()
    assert Contact.objects.filter(pk=colleague.pk).exists()


def test_a_purged_company_brought_back_is_purged_again_unless_it_has_other_contacts():
    gone, busy = ended_company(25), ended_company(25)
    for company in (gone, busy):
        ContactFactory(company=company)
    purge()
    Company.objects.create(pk=gone.pk, name=gone.name)
    back = Company.objects.create(pk=busy.pk, name=busy.name)
    newcomer = ContactFactory(company=back)
    output = reapply()
    assert not Company.objects.filter(pk=gone.pk).exists()
    assert Contact.objects.filter(pk=newcomer.pk).exists()
    assert f"company #{busy.pk} (ledger line" in output and "kept" in output


def test_restrictions_and_rectifications_since_the_backup_are_listed_to_redo():
    contact = subject()
    restriction_request = VerifiedRequestFactory(request_type=RequestType.RESTRICTION, contacts=[contact])
    services.contact_restrict(request=restriction_request, contact=contact, reason="Oikeellisuus kiistetty")
    rectification_request = VerifiedRequestFactory(request_type=RequestType.RECTIFICATION, contacts=[contact])
    services.contact_rectify(request=rectification_request, contact=contact, title="Johtaja")
    ProcessingRestriction.objects.filter(contact=contact).delete()  # as if restored from before
    output = reapply()
    assert f"restrict contact #{contact.pk} again (request #{restriction_request.pk}" in output
    assert f"redo the rectification of contact #{contact.pk} (request #{rectification_request.pk}" in output
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_corrupt_ledger_stops_the_command_and_nothing_is_erased(settings):
    contact = subject()
    values = values_of(contact)
    erase(contact)
    restored(values)
    path = Path(settings.ERASURE_LEDGER_PATH)
    path.write_text(path.read_text().replace('"erasure"', '"purge"'))
    with pytest.raises(CommandError, match=r"Line 1 of the erasure ledger .* was changed.*Nothing was changed"):
        reapply()
    assert Contact.objects.filter(pk=values["pk"]).exists()


def test_an_erasure_that_cannot_be_recorded_does_not_happen(settings):
    from django.core.exceptions import ImproperlyConfigured

    contact = subject()
    settings.ERASURE_LEDGER_PATH = ""
    with pytest.raises(ImproperlyConfigured):
        erase(contact)
    assert Contact.objects.filter(pk=contact.pk).exists()


def _pg(program, *args):
    settings = connection.settings_dict
    command = [program, "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
    if settings["PORT"]:
        command += ["-p", str(settings["PORT"])]
    subprocess.run([*command, *args], check=True, capture_output=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_backup_restored_after_an_erasure_is_erased_again_and_leaves_no_trace(
    postgres_only, find_in_database, tmp_path
):
    contact = subject()
    customer_services.contact_update(contact=contact, title="Kalastaja")
    backup = tmp_path / "register.dump"
    name = connection.settings_dict["NAME"]
    _pg("pg_dump", "--format=custom", "--file", str(backup), name)
    erase(contact)
    assert find_in_database(*NEEDLES) == []

    connections.close_all()
    _pg("pg_restore", "--clean", "--if-exists", "--dbname", name, str(backup))
    assert find_in_database(*NEEDLES)  # the restore brought the person back

    reapply()
    assert find_in_database(*NEEDLES) == []
    assert chain_verify().ok


def test_a_merge_writes_a_ledger_line_for_the_merged_away_contact(settings):
    keep, other = subject(), subject(email="ulla.toinen@varmuus.example")

    contacts_merge(keep=keep, merge_away=other, choices={})

    (line,) = [line for line in ledger_lines(settings) if line["kind"] == "merge"]
    assert line["pk"] == other.pk
    assert line["reference"] == f"merged into contact #{keep.pk}"
    assert EMAIL not in json.dumps(line)


def test_a_merged_away_contact_brought_back_is_erased_again_and_the_kept_one_stays():
    company = CompanyFactory(name="Varmuuskopio Oy")
    keep, other = subject(company=company), subject(company=company, email="ulla.toinen@varmuus.example")
    before = values_of(other)
    contacts_merge(keep=keep, merge_away=other, choices={})
    restored(before)

    reapply()

    assert not Contact.objects.filter(pk=before["pk"]).exists()
    assert Contact.objects.filter(pk=keep.pk).exists()
