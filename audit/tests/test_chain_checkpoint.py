"""Signed heads written outside the database catch what the chain alone cannot: its newest entries deleted."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.chain.verify import chain_verify
from audit.models import ChainLink
from audit.tests.factories import LogEntryFactory
from audit.tests.tamper import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_file(tmp_path):
    LogEntryFactory.create_batch(3)
    path = tmp_path / "audit-checkpoints.jsonl"
    call_command("audit_checkpoint", "--output", str(path), stdout=StringIO())
    return path


def drop_newest_entry():
    newest = ChainLink.objects.order_by("-position").first()
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [newest.entry_id])
    tamper("DELETE FROM audit_chainlink WHERE position = %s", [newest.position])
    return newest


def test_the_checkpoint_command_appends_one_signed_line_per_run(checkpoint_file):
    call_command("audit_checkpoint", "--output", str(checkpoint_file), stdout=StringIO())
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    head = ChainLink.objects.order_by("-position").first()
    assert len(lines) == 2
    assert (lines[-1]["position"], lines[-1]["mac"]) == (head.position, bytes(head.mac).hex())
    assert lines[-1]["entry"] == f"log entry #{head.entry_id}"
    assert len(lines[-1]["signature"]) == 64


def test_a_log_that_still_holds_the_checkpoints_head_verifies_against_it(checkpoint_file):
    LogEntryFactory()
    out = StringIO()
    call_command("verify_audit_log", "--checkpoint", str(checkpoint_file), stdout=out)
    assert "matches the checkpoint of" in out.getvalue()


def test_deleting_the_newest_entries_passes_the_chain_but_not_the_checkpoint(checkpoint_file):
    newest = drop_newest_entry()
    assert chain_verify().ok
    with pytest.raises(CommandError, match=f"Entries missing at the end.*position {newest.position}"):
        call_command("verify_audit_log", "--checkpoint", str(checkpoint_file), stdout=StringIO())


def test_a_chain_rewritten_since_the_checkpoint_is_detected(checkpoint_file):
    newest = drop_newest_entry()
    LogEntryFactory()  # takes the same position with another MAC, as a rewrite with the key would
    assert ChainLink.objects.order_by("-position").first().position == newest.position
    with pytest.raises(CommandError, match=f"at position {newest.position} differs from the checkpoint"):
        call_command("verify_audit_log", "--checkpoint", str(checkpoint_file), stdout=StringIO())


def test_a_checkpoint_signed_with_another_key_is_refused(checkpoint_file, settings):
    settings.AUDIT_CHAIN_KEY = "another-key-entirely"
    with pytest.raises(CommandError, match="not signed with this AUDIT_CHAIN_KEY"):
        call_command("verify_audit_log", "--checkpoint", str(checkpoint_file), stdout=StringIO())


def test_an_edited_checkpoint_is_refused(checkpoint_file):
    line = json.loads(checkpoint_file.read_text())
    checkpoint_file.write_text(json.dumps({**line, "position": line["position"] - 1}) + "\n")
    with pytest.raises(CommandError, match="not signed with this AUDIT_CHAIN_KEY"):
        call_command("verify_audit_log", "--checkpoint", str(checkpoint_file), stdout=StringIO())


def test_a_missing_checkpoint_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(CommandError, match=r"Cannot read the checkpoint file .*nowhere\.jsonl: No such file"):
        call_command("verify_audit_log", "--checkpoint", str(missing), stdout=StringIO())


def test_a_checkpoint_file_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot write the checkpoint to .*: No such file or directory"):
        call_command("audit_checkpoint", "--output", str(tmp_path / "no" / "dir.jsonl"), stdout=StringIO())
