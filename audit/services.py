"""The audit trail's own operations: recording security events and access,
removing personal values from entries (erasure), and deleting expired entries."""

import datetime

from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from audit.context import current_actor
from audit.declarations import get_audited
from audit.middleware import client_ip
from audit.models import SecurityEvent
from audit.querysets import AuditBypassError
from caracom_register.queries import array_literal, keys_in

REDACTED = "[redacted]"


def security_event_record(*, kind, request=None, user=None, email="", factor="") -> SecurityEvent:
    """Record a security event about `user`'s account (or the `email` typed in).

    Who caused it and from where come from the current actor: the signed-in
    user of the request (an administrator resetting a colleague), the named
    service of a command, or the anonymous visitor of a failed sign-in.
    """
    actor = current_actor()
    remote_addr = client_ip(request) if request is not None else actor.remote_addr
    event = SecurityEvent(
        kind=kind,
        user=user,
        email=(email or getattr(user, "email", "") or "").strip().lower()[:254],
        factor=factor,
        actor=actor.user,
        actor_email=actor.email[:254],
        remote_addr=remote_addr,
    )
    event.full_clean()
    event.save()
    return event


def access_record(*, instance) -> None:
    """Log that someone viewed an object's personal data (an ACCESS entry)."""
    accessed.send(type(instance), instance=instance)


def _redact_changes(changes, personal_fields):
    if not isinstance(changes, dict):
        return changes
    redacted = {}
    for name, value in changes.items():
        if name not in personal_fields:
            redacted[name] = value
        elif isinstance(value, dict) and value.get("type") == "m2m":
            redacted[name] = {**value, "objects": [REDACTED for _ in value.get("objects", [])]}
        elif isinstance(value, list | tuple):
            redacted[name] = [v if v in (None, "") else REDACTED for v in value]
        else:
            redacted[name] = REDACTED
    return redacted


def entries_about(*, model, pks):
    """The audit entries about these rows of `model` (`pks` may be a list or a subquery)."""
    content_type = ContentType.objects.get_for_model(model)
    if isinstance(pks, list | tuple | set):
        return LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks])
    # A subquery of integer keys; object_pk is text, so compare through object_id (indexed too).
    return LogEntry.objects.filter(content_type=content_type, object_id__in=pks)


@transaction.atomic
def redact_entries_for(obj=None, *, model=None, pk=None, pks=None, batch_size=500) -> int:
    """Remove the personal values from every entry about one object (or the rows `pks` of `model`).

    Pass the object, or `model` and `pk` (or `pks`) once it is deleted.

    Keeps actor, actor email, time, action, object type and id and the names of
    the changed fields; replaces the values of the model's personal-data fields,
    the serialised copy and the text representation. Returns the number of
    entries changed. Uses a queryset write, so no signal (and no actor context)
    can touch the actor of the entries.
    """
    if obj is not None:
        model, pk = type(obj), obj.pk
    if pks is None and pk is not None:
        pks = [pk]
    if model is None or pks is None:
        raise ValueError("redact_entries_for() needs an object, or model= and pk= (or pks=) of deleted rows.")
    config = get_audited(model)
    if config is None:
        raise ValueError(f"{model._meta.label} is not an audited model; register it with audit.registry first.")
    personal = set(config.personal_fields)
    redacted_at = timezone.now().isoformat()
    if LogEntry.objects.db == DEFAULT_DB_ALIAS and connection.vendor == "postgresql":
        changed = _redact_in_database(model, [str(pk) for pk in pks], config, personal, redacted_at)
        _redact_admin_history(model, pks)
        return changed
    entries = entries_about(model=model, pks=list(pks)).order_by("pk")
    changed = 0
    batch = []
    for entry in entries.iterator(chunk_size=batch_size):
        entry.changes = _redact_changes(entry.changes, personal)
        entry.changes_text = ""
        entry.serialized_data = None
        entry.object_repr = config.redacted_repr(entry.object_pk)
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        entry.additional_data = {**data, "redacted_at": redacted_at}
        batch.append(entry)
        if len(batch) >= batch_size:
            changed += _save_redacted(batch)
            batch = []
    changed += _save_redacted(batch)
    _redact_admin_history(model, pks)
    return changed


# The same rewrite as _redact_changes(), in one UPDATE: a purge of a million
# contacts rewrites millions of entries, and loading each into Python and
# writing it back with bulk_update() (CASE WHEN per row) took ~10 ms per entry.
# Only the model's personal keys are visited (`changes || {key: redacted value}`),
# not every key of every entry, and a two-item [old, new] list (nearly every
# value) is rewritten without unnesting it.
_REDACT_SQL = """
UPDATE {table} AS e SET
    changes = CASE WHEN jsonb_typeof(e.changes) = 'object' AND e.changes ?| %(personal)s THEN e.changes || (
        SELECT jsonb_object_agg(k, CASE
            WHEN jsonb_typeof(e.changes->k) = 'array' THEN CASE
                WHEN jsonb_array_length(e.changes->k) = 2 THEN jsonb_build_array(
                    CASE WHEN e.changes->k->0 IN ('null'::jsonb, '""'::jsonb) THEN e.changes->k->0
                         ELSE to_jsonb(%(redacted)s::text) END,
                    CASE WHEN e.changes->k->1 IN ('null'::jsonb, '""'::jsonb) THEN e.changes->k->1
                         ELSE to_jsonb(%(redacted)s::text) END)
                ELSE (SELECT COALESCE(jsonb_agg(
                          CASE WHEN item.value IN ('null'::jsonb, '""'::jsonb) THEN item.value
                               ELSE to_jsonb(%(redacted)s::text) END ORDER BY item.n), '[]'::jsonb)
                      FROM jsonb_array_elements(e.changes->k) WITH ORDINALITY AS item(value, n)) END
            WHEN jsonb_typeof(e.changes->k) = 'object' AND e.changes->k->>'type' = 'm2m' THEN
                jsonb_set(e.changes->k, '{{objects}}', COALESCE((
                    SELECT jsonb_agg(to_jsonb(%(redacted)s::text))
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.changes->k->'objects') = 'array'
                                                   THEN e.changes->k->'objects' ELSE '[]'::jsonb END)), '[]'::jsonb))
            ELSE to_jsonb(%(redacted)s::text)
        END) FROM unnest(%(personal)s::text[]) AS k WHERE e.changes ? k) ELSE e.changes END,
    changes_text = '',
    serialized_data = NULL,
    object_repr = %(repr_prefix)s || e.object_pk,
    additional_data = CASE WHEN jsonb_typeof(e.additional_data) = 'object' THEN e.additional_data
                           ELSE '{{}}'::jsonb END || jsonb_build_object('redacted_at', %(redacted_at)s::text)
WHERE e.content_type_id = %(content_type)s AND e.object_pk = ANY(%(object_pks)s::text[])
"""


def _redact_in_database(model, object_pks, config, personal, redacted_at):
    statement = _REDACT_SQL.format(table=connection.ops.quote_name(LogEntry._meta.db_table))
    params = {
        "content_type": ContentType.objects.get_for_model(model).pk,
        "object_pks": array_literal(object_pks),
        "personal": sorted(personal),
        "redacted": REDACTED,
        # The prefix of AuditedModel.redacted_repr(pk): "Contact #" + pk.
        "repr_prefix": config.redacted_repr(""),
        "redacted_at": redacted_at,
    }
    with connection.cursor() as cursor:  # audit: erasure (redaction of the entries about erased rows)
        # The per-row JSON rewrite makes the planner's cost high enough to JIT-compile the
        # statement, which costs more (~0.8 s) than running it; this transaction only.
        cursor.execute("SET LOCAL jit = off")  # audit: erasure (a planner setting, no data)
        cursor.execute(statement, params)
        return cursor.rowcount


def _redact_admin_history(model, pks):
    """Django's own admin history (django_admin_log) stores str(obj), a person's name: replace it too."""
    from django.contrib.admin.models import LogEntry as AdminLogEntry

    config = get_audited(model)
    rows = AdminLogEntry.objects.filter(
        keys_in("object_id", [str(pk) for pk in pks]), content_type=ContentType.objects.get_for_model(model)
    )
    # redacted_repr(pk) is a fixed prefix and the id: one UPDATE for all rows.
    rows.update(object_repr=Concat(Value(config.redacted_repr("")), "object_id", output_field=TextField()))


@transaction.atomic
def erase_objects(*, model, pks) -> int:
    """Erase rows of an audited model for good: redact the trail about them, then delete them.

    The one sanctioned delete that writes no audit entry of its own: the entry
    would carry the very personal data being erased (retention purge, data
    subject erasure). Deletes with set-based SQL, dependants first, so a batch
    costs a few statements however many rows it holds. Returns entries redacted.
    """
    pks = list(pks)
    if not pks:
        return 0
    redacted = redact_entries_for(model=model, pks=pks) if get_audited(model) else 0
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many:
            fk_name = next(
                f.name for f in relation.through._meta.get_fields() if f.is_relation and f.related_model is model
            )
            links = relation.through._base_manager.filter(keys_in(fk_name, pks))
            links._raw_delete(DEFAULT_DB_ALIAS)  # audit: erasure
        elif relation.on_delete is models.CASCADE:
            dependants = list(
                related._base_manager.filter(keys_in(relation.field.name, pks)).values_list("pk", flat=True)
            )
            redacted += erase_objects(model=related, pks=dependants)
        elif relation.on_delete is not models.PROTECT:
            raise AuditBypassError(
                f"{related._meta.label}.{relation.field.name} uses on_delete={relation.on_delete.__name__}; "
                "erasure handles only CASCADE and PROTECT."
            )
    model._base_manager.filter(keys_in("pk", pks))._raw_delete(DEFAULT_DB_ALIAS)  # audit: erasure
    return redacted


def _save_redacted(batch):
    if not batch:
        return 0
    # bulk_update sends no pre_save, so auditlog's actor context cannot overwrite who made the change.
    LogEntry.objects.bulk_update(
        batch, ["changes", "changes_text", "serialized_data", "object_repr", "additional_data"]
    )
    return len(batch)


def retention_cutoff(*, as_of=None, days=None):
    as_of = as_of or timezone.now()
    days = settings.AUDIT_LOG_RETENTION_DAYS if days is None else days
    return as_of - datetime.timedelta(days=days)


def purge_expired_entries(*, as_of=None, batch_size=5000) -> dict:
    """Delete audit entries and security events older than AUDIT_LOG_RETENTION_DAYS.

    Each batch selects ids by the timestamp index and deletes them in its own
    transaction, so a large purge never holds long locks. (auditlogflush
    casts the timestamp to a date and scans the whole table.)
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    cutoff = retention_cutoff(as_of=as_of)
    counts = {}
    for label, model in (("log_entries", LogEntry), ("security_events", SecurityEvent)):
        total = 0
        while True:
            with transaction.atomic():
                ids = list(
                    model.objects.filter(timestamp__lt=cutoff)
                    .order_by("timestamp")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    break
                # No signals or relations point at these models, so this is one DELETE.
                model.objects.filter(pk__in=ids).delete()
                total += len(ids)
        counts[label] = total
    return counts
