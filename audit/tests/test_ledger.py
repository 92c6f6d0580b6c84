"""The erasure ledger file: keyed hashes only, chained lines, and its loss or corruption detected."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from audit.ledger import LedgerError, ledger_append, ledger_hash, ledger_read

pytestmark = pytest.mark.django_db


def record(pk, email="maija.meikalainen@example.fi", kind="erasure"):
    return {
        "kind": kind,
        "model": "customers.contact",
        "pk": pk,
        "identifiers": {"email": email, "phone": "+358401234567", "name_company": ""},
        "reference": "request #7",
    }


@pytest.fixture
def ledger_path(settings):
    from pathlib import Path

    return Path(settings.ERASURE_LEDGER_PATH)


def test_each_record_becomes_one_line_with_keyed_hashes_and_no_value_in_clear(ledger_path):
    ledger_append(records=[record(1), record(2, email="other@example.fi")])
    text = ledger_path.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["n"], line["pk"], line["kind"]) for line in lines] == [(1, 1, "erasure"), (2, 2, "erasure")]
    assert "maija" not in text and "358401234567" not in text
    assert lines[0]["hashes"]["email"] == ledger_hash("email", "maija.meikalainen@example.fi")


def test_a_blank_identifier_gets_no_hash(ledger_path):
    ledger_append(records=[record(1)])
    assert "name_company" not in json.loads(ledger_path.read_text())["hashes"]


def test_hashes_ignore_case_and_surrounding_spaces():
    assert ledger_hash("email", " Maija@Example.FI ") == ledger_hash("email", "maija@example.fi")


def test_hashes_depend_on_the_key(settings):
    before = ledger_hash("email", "maija@example.fi")
    settings.ERASURE_LEDGER_KEY = "another-ledger-key"
    assert ledger_hash("email", "maija@example.fi") != before


def test_a_ledger_appended_to_several_times_reads_back_in_order(ledger_path):
    ledger_append(records=[record(1)])
    ledger_append(records=[record(2), record(3)])
    assert [line["pk"] for line in ledger_read()] == [1, 2, 3]


def test_an_edited_line_is_detected_by_its_number(ledger_path):
    ledger_append(records=[record(1), record(2), record(3)])
    lines = ledger_path.read_text().splitlines()
    edited = json.loads(lines[1])
    edited["pk"] = 99
    lines[1] = json.dumps(edited)
    ledger_path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LedgerError, match=r"Line 2 of the erasure ledger .* was changed"):
        ledger_read()


def test_a_line_removed_from_the_middle_is_detected(ledger_path):
    ledger_append(records=[record(1), record(2), record(3)])
    lines = ledger_path.read_text().splitlines()
    ledger_path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    with pytest.raises(LedgerError, match=r"Line 2 of the erasure ledger .* does not follow line 1"):
        ledger_read()


def test_a_ledger_cut_short_is_detected_by_the_head_the_database_keeps(ledger_path):
    ledger_append(records=[record(1), record(2)])
    ledger_path.write_text(ledger_path.read_text().splitlines()[0] + "\n")
    with pytest.raises(LedgerError, match=r"has 1 lines and does not contain the head .*\(line 2\)"):
        ledger_read()


def test_a_lost_ledger_is_detected(ledger_path):
    ledger_append(records=[record(1)])
    ledger_path.unlink()
    with pytest.raises(LedgerError, match="is missing, but the database records 1 lines"):
        ledger_read()


def test_a_line_that_is_not_json_is_detected(ledger_path):
    ledger_append(records=[record(1)])
    with open(ledger_path, "a") as handle:
        handle.write("not json\n")
    with pytest.raises(LedgerError, match=r"Line 2 of the erasure ledger .* is not JSON"):
        ledger_read()


def test_no_ledger_and_nothing_recorded_reads_as_empty():
    assert ledger_read() == []


def test_without_a_ledger_key_nothing_is_recorded(settings, ledger_path):
    settings.ERASURE_LEDGER_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="ERASURE_LEDGER_KEY is not set"):
        ledger_append(records=[record(1)])
    assert not ledger_path.exists()


def test_without_a_ledger_path_nothing_is_recorded(settings):
    settings.ERASURE_LEDGER_PATH = ""
    with pytest.raises(ImproperlyConfigured, match="ERASURE_LEDGER_PATH is not set"):
        ledger_append(records=[record(1)])
