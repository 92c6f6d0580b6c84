"""The erasure ledger: an append-only file outside the database (ERASURE_LEDGER_PATH) with one JSON
line per erased, purged or restricted record, so that a restored backup can be brought back in line
(`reapply_erasures`).

A line holds the kind, model and primary key, keyed hashes (ERASURE_LEDGER_KEY) of the identifying
values, a reference (the request) and the time; never a personal value in clear. Lines are chained
like the audit log (each MAC covers the previous one) and written with fsync; the database keeps
the ledger's length and last MAC (LedgerHead), so a truncated, edited or lost ledger is detected.
Generic: the caller says which values identify a record.
"""

import fcntl
import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from audit.models import LedgerHead

GENESIS = "0" * 64
TAIL_BYTES = 65536


class LedgerError(Exception):
    """The ledger is missing, unreadable, or does not verify."""


def _key() -> bytes:
    key = getattr(settings, "ERASURE_LEDGER_KEY", "")
    if not key:
        raise ImproperlyConfigured("ERASURE_LEDGER_KEY is not set, so erasures cannot be recorded (docs/audit.md).")
    return key.encode()


def _path() -> Path:
    path = getattr(settings, "ERASURE_LEDGER_PATH", "")
    if not path:
        raise ImproperlyConfigured("ERASURE_LEDGER_PATH is not set, so erasures cannot be recorded (docs/audit.md).")
    return Path(path)


def _dumps(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _line_mac(key, body) -> str:
    return hmac.new(key, b"ledger\n" + _dumps(body), hashlib.sha256).hexdigest()


def ledger_hash(name, value, key=None) -> str | None:
    """The keyed hash of one identifying value (normalised: trimmed, lower case), or None when blank."""
    value = " ".join(str(value or "").split()).lower()
    if not value:
        return None
    return hmac.new(key or _key(), f"{name}:{value}".encode(), hashlib.sha256).hexdigest()


def _last_line(handle) -> dict | None:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - TAIL_BYTES))
    lines = [line for line in handle.read().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def ledger_append(*, records, using="default") -> int:
    """Append one line per record: dicts of kind, model, pk, identifiers ({name: value}), reference.

    Call inside the transaction that erases: if the line cannot be written, the erasure does not happen.
    Returns the number of lines written.
    """
    records = list(records)
    if not records:
        return 0
    key, path = _key(), _path()
    now = timezone.now().isoformat()
    with transaction.atomic(using=using), open(path, "a+b") as handle:
        # One writer at a time across processes (gunicorn workers, cron).
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            last = _last_line(handle)
            number, prev = (last["n"], last["mac"]) if last else (0, GENESIS)
            out = []
            for record in records:
                number += 1
                hashes = {
                    name: digest
                    for name, value in sorted(record.get("identifiers", {}).items())
                    if (digest := ledger_hash(name, value, key))
                }
                body = {
                    "n": number,
                    "kind": record["kind"],
                    "model": record["model"],
                    "pk": record["pk"],
                    "hashes": hashes,
                    "reference": record.get("reference", ""),
                    "time": now,
                    "prev": prev,
                }
                prev = _line_mac(key, body)
                out.append(_dumps({**body, "mac": prev}) + b"\n")
            handle.seek(0, os.SEEK_END)
            handle.write(b"".join(out))
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
        # One UPDATE of the row the migration made (a flushed test database gets it again here).
        heads = LedgerHead.objects.using(using).filter(pk=1)
        if not heads.update(lines=number, mac=prev, updated_at=timezone.now()):
            LedgerHead.objects.using(using).create(pk=1, lines=number, mac=prev)
    return len(records)


def ledger_read(*, using="default"):
    """Every line of the ledger, checked: chained, signed, numbered, and reaching the database's head."""
    key, path = _key(), _path()
    head = LedgerHead.objects.using(using).filter(pk=1, lines__gt=0).first()
    if not path.exists():
        if head is None:
            return []
        raise LedgerError(f"The erasure ledger {path} is missing, but the database records {head.lines} lines.")
    lines, prev = [], GENESIS
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = json.loads(raw)
                body = {name: value for name, value in line.items() if name != "mac"}
            except (ValueError, AttributeError):
                raise LedgerError(f"Line {number} of the erasure ledger {path} is not JSON.") from None
            if line.get("n") != number or body.get("prev") != prev:
                raise LedgerError(f"Line {number} of the erasure ledger {path} does not follow line {number - 1}.")
            if not hmac.compare_digest(_line_mac(key, body), str(line.get("mac"))):
                raise LedgerError(f"Line {number} of the erasure ledger {path} was changed (its MAC does not match).")
            lines.append(line)
            prev = line["mac"]
    if head is not None and (len(lines) < head.lines or lines[head.lines - 1]["mac"] != head.mac):
        raise LedgerError(
            f"The erasure ledger {path} has {len(lines)} lines and does not contain the head the database "
            f"recorded (line {head.lines}): it was truncated or replaced."
        )
    return lines
