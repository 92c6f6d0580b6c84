"""A QuerySet for audited models whose bulk writes are logged like saves.

django-auditlog only sees signals; `update()`, `bulk_create()` and
`bulk_update()` send none. Here each writes one entry per row it actually
changed (with the changed fields), in the same transaction as the write, and
the paths that cannot be logged row by row (bulk_create with conflict
handling) are refused.
"""

import csv
import datetime
import io
import json

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import get_field_value, get_mask_function, is_primitive, model_instance_diff, track_field
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import GroupManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils.encoding import smart_str

from audit import context
from audit.declarations import get_audited

CHUNK = 500


class AuditBypassError(Exception):
    """A write path that would change audited rows without an audit entry."""


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _CreatedChanges:
    """The `changes` of a CREATE entry, read straight from the new row's field values.

    Gives what `model_instance_diff(None, new)` gives (same fields, exclusions,
    masking and value conversion), but works out the field list once per batch
    instead of once per row: seeding a million logged rows spent most of its
    time there.
    """

    def __init__(self, model, use_json):
        from auditlog.registry import auditlog

        config = auditlog.get_model_fields(model)
        fields = [f for f in model._meta.get_fields() if track_field(f)]
        if config["include_fields"]:
            fields = [f for f in fields if f.name in config["include_fields"]]
        if config["exclude_fields"]:
            fields = [f for f in fields if f.name not in config["exclude_fields"]]
        self.fields = fields
        self.masked = set(config["mask_fields"] or ())
        self.mask = get_mask_function(config.get("mask_callable")) if self.masked else None
        self.use_json = use_json
        # What get_field_value() returns for a missing old instance.
        self.old = None if use_json else "None"

    def _value(self, instance, field):
        # Plain columns are read directly; anything get_field_value() converts goes through it.
        if self.use_json and field.concrete and not field.is_relation and not isinstance(field, self._converted):
            return instance.__dict__.get(field.attname)
        return get_field_value(instance, field, self.use_json)

    _converted = (models.DateTimeField, models.JSONField)

    def __call__(self, instance):
        diff = {}
        old = self.old
        for field in self.fields:
            value = self._value(instance, field)
            if value == old:
                continue
            if field.name in self.masked:
                diff[field.name] = (self.mask(smart_str(old)), self.mask(smart_str(value)))
            elif not self.use_json:
                diff[field.name] = (smart_str(old), smart_str(value))
            else:
                diff[field.name] = (old, value if is_primitive(value) else smart_str(value))
        return diff or None


def build_entries(model, pairs, action):
    """LogEntry objects (unsaved) for (old, new) instance pairs; rows without changes are skipped."""
    config = get_audited(model)
    content_type = ContentType.objects.get_for_model(model)
    actor = context.current_actor()
    cid = get_cid()
    use_json = settings.AUDITLOG_STORE_JSON_CHANGES
    created_changes = _CreatedChanges(model, use_json)
    entries = []
    for old, new, fields in pairs:
        if old is None and new is not None and not fields:
            changes = created_changes(new)
        else:
            changes = model_instance_diff(old, new, fields_to_check=fields, use_json_for_changes=use_json)
        if not changes:
            continue
        instance = new if new is not None else old
        pk = instance.pk
        entry = LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk if isinstance(pk, int) else None,
            object_repr=config.repr_for(instance) if config else str(instance),
            action=action,
            changes=changes,
            cid=cid,
        )
        context.stamp(entry, actor)
        entries.append(entry)
    return entries


def _copy_value(field, entry):
    value = getattr(entry, field.attname)
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder or DjangoJSONEncoder)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def insert_entries(entries, *, using):
    """Insert unsaved LogEntry objects; on PostgreSQL with COPY, several times faster than bulk_create.

    Bulk writes of a million rows spend most of their time inserting their
    entries; COPY skips the per-value SQL compilation and quoting.
    """
    if not entries:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        LogEntry.objects.using(using).bulk_create(entries, batch_size=2000)
        return
    fields = [f for f in LogEntry._meta.concrete_fields if not f.primary_key]
    buffer = io.StringIO()
    # QUOTE_NOTNULL leaves None unquoted, which CSV COPY reads as NULL ("" stays an empty string).
    writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL)
    for entry in entries:
        writer.writerow([_copy_value(field, entry) for field in fields])
    buffer.seek(0)
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor:  # audit: log write (the entries themselves)
        cursor.cursor.copy_expert(statement, buffer)


class AuditedQuerySet(models.QuerySet):
    def _audited(self):
        return get_audited(self.model) is not None and not auditlog_disabled.get()

    def _plain(self):
        # A QuerySet of the same rows that does not log again.
        return models.QuerySet(self.model, using=self.db)

    def _fetch(self, pks, related=()):
        found = {}
        for chunk in _chunks(pks):
            qs = self._plain().filter(pk__in=chunk)
            if related:
                qs = qs.select_related(*related)
            found.update((obj.pk, obj) for obj in qs)
        return found

    def update(self, **kwargs):
        if not self._audited():
            return super().update(**kwargs)
        if self.query.is_sliced:
            raise TypeError("Cannot update a query once a slice has been taken.")
        related = get_audited(self.model).repr_related
        fields = [self.model._meta.get_field(name).name for name in kwargs]
        db = router.db_for_write(self.model, instance=None) if self._db is None else self._db
        with transaction.atomic(using=db, savepoint=False):
            rows = self.using(db).order_by()
            features = transaction.get_connection(db).features
            if features.has_select_for_update:
                # Lock the rows so the "before" values are the ones this update overwrites.
                rows = rows.select_for_update(of=("self",) if features.has_select_for_update_of else ())
            pks = list(rows.values_list("pk", flat=True))
            if not pks:
                return 0
            before = self._fetch(pks, related)
            updated = 0
            for chunk in _chunks(pks):
                updated += self._plain().using(db).filter(pk__in=chunk).update(**kwargs)
            after = self._fetch(pks, related)
            pairs = [(before[pk], after[pk], fields) for pk in pks if pk in before and pk in after]
            LogEntry.objects.using(db).bulk_create(build_entries(self.model, pairs, LogEntry.Action.UPDATE))
        return updated

    update.alters_data = True

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs):
        if not self._audited():
            return super().bulk_create(
                objs,
                batch_size=batch_size,
                ignore_conflicts=ignore_conflicts,
                update_conflicts=update_conflicts,
                **kwargs,
            )
        if ignore_conflicts or update_conflicts:
            raise AuditBypassError(
                f"bulk_create(ignore_conflicts/update_conflicts) on audited model {self.model._meta.label} is "
                "refused: the database does not report which rows it skipped or overwrote, so they cannot be "
                "logged. Use get_or_create()/update_or_create() or plain bulk_create()."
            )
        db = self.db
        with transaction.atomic(using=db, savepoint=False):
            created = super().bulk_create(objs, batch_size=batch_size, **kwargs)
            if any(obj.pk is None for obj in created):
                raise AuditBypassError(
                    f"bulk_create() on {self.model._meta.label}: the database returned no primary keys, "
                    "so the new rows cannot be logged; nothing was saved."
                )
            pairs = [(None, obj, None) for obj in created]
            insert_entries(build_entries(self.model, pairs, LogEntry.Action.CREATE), using=db)
        return created

    bulk_create.alters_data = True
    # bulk_update() is Django's own: it calls update() per batch, which logs.


AuditedManager = models.Manager.from_queryset(AuditedQuerySet, "AuditedManager")


class AuditedGroupManager(GroupManager.from_queryset(AuditedQuerySet)):
    """Group's manager with logged bulk writes; installed on auth.Group by audit.apps."""

    def deconstruct(self):
        # Migrations keep seeing django.contrib.auth's own manager.
        return GroupManager().deconstruct()

    def __eq__(self, other):
        return isinstance(other, GroupManager) and self._constructor_args == other._constructor_args

    __hash__ = GroupManager.__hash__
