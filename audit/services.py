"""The audit trail's own operations: recording security events and access,
removing personal values from entries (erasure), and deleting expired entries."""

import datetime

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from audit import context
from audit.chain import maintenance as chain_maintenance
from audit.chain.content import EVENT, LOG
from audit.chain.guard import purge_allowed, redaction_allowed
from audit.context import current_actor
from audit.declarations import audited_models, get_audited
from audit.middleware import client_ip
from audit.models import SecurityEvent
from audit.querysets import AuditBypassError, insert_entries
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


def disclosure_record(*, instances, details: dict) -> int:
    """Log that the current actor took these objects' data out of the register (a list export): one ACCESS entry
    per object, each carrying `details` (how it was selected, how many rows; never personal values).

    Per object, not one entry per export, so that a person's own trail shows every disclosure of their data
    (GDPR Art. 15) and erasure redacts it with the rest. Written in bulk (COPY on PostgreSQL).
    """
    instances = list(instances)
    if not instances:
        return 0
    model = type(instances[0])
    config = get_audited(model)
    content_type = ContentType.objects.get_for_model(model)
    actor = context.current_actor()
    cid = get_cid()
    entries = []
    for instance in instances:
        entry = LogEntry(
            content_type=content_type,
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=config.repr_for(instance) if config else str(instance),
            action=LogEntry.Action.ACCESS,
            changes=None,
            cid=cid,
            additional_data={"disclosure": details},
        )
        context.stamp(entry, actor)
        entries.append(entry)
    insert_entries(entries, using=LogEntry.objects.db)
    return len(entries)


def merge_record(*, instance, merged_away: str) -> LogEntry:
    """One entry on the kept object of a merge naming the merged-away one by id ("Contact #17"), no values."""
    config = get_audited(type(instance))
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_id=instance.pk if isinstance(instance.pk, int) else None,
        object_repr=config.repr_for(instance) if config else str(instance),
        action=LogEntry.Action.UPDATE,
        changes={"merged_away": [None, merged_away]},
        cid=get_cid(),
        additional_data={"merge": {"merged_away": merged_away}},
    )
    context.stamp(entry)
    insert_entries([entry], using=LogEntry.objects.db)
    return entry


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
    with redaction_allowed(DEFAULT_DB_ALIAS):
        if LogEntry.objects.db == DEFAULT_DB_ALIAS and connection.vendor == "postgresql":
            redacted_ids = _redact_in_database(model, [str(pk) for pk in pks], config, personal, redacted_at)
        else:
            redacted_ids = _redact_in_python(model, pks, config, personal, redacted_at, batch_size)
        # The values are gone; so goes the secret that could confirm a guess at them.
        chain_maintenance.shred_secrets(table=LOG, entry_ids=redacted_ids)
        changed = len(redacted_ids)
    _redact_admin_history(model, pks)
    return changed


def _redact_in_python(model, pks, config, personal, redacted_at, batch_size):
    """Returns the ids of the entries redacted."""
    entries = entries_about(model=model, pks=list(pks)).order_by("pk")
    changed = []
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
RETURNING e.id
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
        return [entry_id for (entry_id,) in cursor.fetchall()]


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
def redact_m2m_mentions(*, model, names_by_pk) -> int:
    """Replace the names of these rows of `model` wherever another audited model's m2m entries list them.

    An m2m entry about a request ("matched_contacts": add ["Maija M", "Ulpukka V"]) names each contact by
    its str(), in an entry about the request, not the contact: redacting the contact's own entries never
    reaches it, and the request (with its other, kept contacts) may stay. Each name becomes the row's
    redacted label ("Contact #12"); the other names of the entry stay. Returns the entries changed.
    """
    config = get_audited(model)
    labels = {name: config.redacted_repr(pk) for pk, name in names_by_pk.items() if name}
    if not labels:
        return 0
    redacted_at = timezone.now().isoformat()
    changed = []
    with redaction_allowed(DEFAULT_DB_ALIAS):
        for owner in audited_models():
            for field_name in get_audited(owner).m2m_fields:
                if owner._meta.get_field(field_name).related_model is not model:
                    continue
                entries = LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(owner), changes__has_key=field_name
                ).order_by("pk")
                batch = []
                for entry in entries.iterator(chunk_size=500):
                    value = entry.changes[field_name]
                    objects = value.get("objects") if isinstance(value, dict) else None
                    if not isinstance(objects, list) or not labels.keys() & set(map(str, objects)):
                        continue
                    entry.changes = {
                        **entry.changes,
                        field_name: {**value, "objects": [labels.get(o, o) for o in objects]},
                    }
                    entry.changes_text = ""
                    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
                    entry.additional_data = {**data, "redacted_at": redacted_at}
                    batch.append(entry)
                changed += _save_redacted(batch)
        # The entry now differs from what its chain link committed to: shredding its secret makes it verify
        # as redacted, like any other redaction, and leaves nothing that could confirm the erased name.
        chain_maintenance.shred_secrets(table=LOG, entry_ids=changed)
    return len(changed)


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
    """Returns the ids saved."""
    if not batch:
        return []
    # bulk_update sends no pre_save, so auditlog's actor context cannot overwrite who made the change.
    LogEntry.objects.bulk_update(
        batch, ["changes", "changes_text", "serialized_data", "object_repr", "additional_data"]
    )
    return [entry.pk for entry in batch]


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
    for label, model, table in (("log_entries", LogEntry, LOG), ("security_events", SecurityEvent, EVENT)):
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
                # Expired entries can sit anywhere in the chain: their links stay as signed tombstones.
                chain_maintenance.tombstone(table=table, entry_ids=ids, cutoff=cutoff)
                with purge_allowed(DEFAULT_DB_ALIAS, cutoff):
                    # No signals or relations point at these models, so this is one DELETE.
                    model.objects.filter(pk__in=ids).delete()
                total += len(ids)
        counts[label] = total
    # The oldest links, now all tombstones, give way to one signed anchor (the last MAC and the count).
    chain_maintenance.compact(cutoff=cutoff)
    return counts
