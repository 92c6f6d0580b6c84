"""Canonical content of a chained entry, read back from the database the same way when it is
chained and when it is verified.

Each entry is split in two: the *skeleton* (time, action, actor, object, the names of the changed
fields and the values that are not personal), which the chain MAC covers directly, and the
*private* part (personal values, the object's text, the serialised copy), which the chain covers
only through a commitment: a MAC under a random per-entry secret. Redaction replaces the private
part and deletes the secret; the skeleton and the commitment still verify.
"""

import datetime
import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connections

from audit.declarations import get_audited
from audit.models import ChainLink, SecurityEvent

LOG = ChainLink.Table.LOG_ENTRY
EVENT = ChainLink.Table.SECURITY_EVENT
MODELS = {LOG: LogEntry, EVENT: SecurityEvent}
FIELDS = {
    LOG: (
        "id",
        "content_type_id",
        "object_pk",
        "action",
        "actor_email",
        "timestamp",
        "cid",
        "remote_addr",
        "remote_port",
        "changes",
        "additional_data",
        "object_repr",
        "changes_text",
        "serialized_data",
    ),
    EVENT: ("id", "kind", "email", "timestamp", "remote_addr", "actor_email", "factor"),
}
# What redaction adds to an entry; not part of what was logged.
REDACTION_STAMP = "redacted_at"
# Keys per SQLite statement stay well under its variable limit.
READ_CHUNK = 2000


def dumps(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _time(value):
    if value is None:
        return None
    # SQLite hands back the stored UTC time without its zone (as text or a naive datetime).
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value):
    # Both backends hand the column's text to Python (Django reads jsonb as text): parse it once here.
    return json.loads(value) if isinstance(value, str | bytes) else value


JSON_FIELDS = {"changes", "additional_data", "serialized_data"}


def _columns(table):
    model = MODELS[table]
    return [model._meta.get_field(name.removesuffix("_id")).column for name in FIELDS[table]]


def _row(table, values) -> dict:
    row = dict(zip(FIELDS[table], values, strict=True))
    for name in JSON_FIELDS.intersection(row):
        row[name] = _json(row[name])
    return row


def read_rows(table, ids, using) -> dict:
    """The rows of `ids` in `table`, as dicts of the chained fields.

    Plain SQL, the same reading for chaining and for verifying, so both see exactly the same values (and
    verifying millions of entries skips the ORM's per-row conversions).
    """
    ids = list(ids)
    rows = {}
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _columns(table))
    statement = f"SELECT {columns} FROM {quote(MODELS[table]._meta.db_table)} WHERE id IN ({{}})"  # noqa: S608
    with connection.cursor() as cursor:  # audit: read-only SQL (the chain reads entries back)
        for start in range(0, len(ids), READ_CHUNK):
            chunk = ids[start : start + READ_CHUNK]
            cursor.execute(statement.format(", ".join(["%s"] * len(chunk))), chunk)
            for values in cursor.fetchall():
                row = _row(table, values)
                rows[row["id"]] = row
    return rows


def sealed_keys_for(table, row) -> str:
    """The changed fields whose values are personal (the model's declaration when the entry is chained)."""
    if table != LOG or not isinstance(row["changes"], dict):
        return ""
    model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
    config = get_audited(model) if model is not None else None
    if config is None:
        return ""
    return ",".join(sorted(name for name in row["changes"] if name in config.personal_fields))


def parts(table, row, sealed) -> tuple[bytes, bytes]:
    """(skeleton, private) of one row, canonically encoded."""
    if table == EVENT:
        skeleton = [
            "event",
            row["id"],
            row["kind"],
            _time(row["timestamp"]),
            row["remote_addr"],
            row["actor_email"],
            row["factor"],
        ]
        return dumps(skeleton), dumps([row["email"]])
    personal = set(filter(None, sealed.split(",")))
    changes = row["changes"]
    if isinstance(changes, dict):
        public = {name: None if name in personal else value for name, value in changes.items()}
        private_changes = {name: changes[name] for name in personal if name in changes}
    else:
        public, private_changes = changes, {}
    extra = row["additional_data"]
    if isinstance(extra, dict):
        extra = {name: value for name, value in extra.items() if name != REDACTION_STAMP} or None
    skeleton = [
        "log",
        row["id"],
        row["content_type_id"],
        row["object_pk"],
        row["action"],
        row["actor_email"],
        _time(row["timestamp"]),
        row["cid"],
        row["remote_addr"],
        row["remote_port"],
        public,
        extra,
        sealed,
    ]
    private = [private_changes, row["object_repr"], row["changes_text"], row["serialized_data"]]
    return dumps(skeleton), dumps(private)


def is_redacted(table, row) -> bool:
    return table == LOG and isinstance(row["additional_data"], dict) and REDACTION_STAMP in row["additional_data"]


def describe(table, entry_id) -> str:
    return f"{'log entry' if table == LOG else 'security event'} #{entry_id}"
