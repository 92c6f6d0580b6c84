"""A QuerySet for audited models whose bulk writes are logged like saves.

django-auditlog only sees signals; `update()`, `bulk_create()` and
`bulk_update()` send none. Here each writes one entry per row it actually
changed (with the changed fields), in the same transaction as the write, and
the paths that cannot be logged row by row (bulk_create with conflict
handling) are refused.
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import GroupManager
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction

from audit import context

CHUNK = 500


class AuditBypassError(Exception):
    """A write path that would change audited rows without an audit entry."""


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def build_entries(model, pairs, action):
    """LogEntry objects (unsaved) for (old, new) instance pairs; rows without changes are skipped."""
    from audit.registry import get_audited

    config = get_audited(model)
    content_type = ContentType.objects.get_for_model(model)
    actor = context.current_actor()
    cid = get_cid()
    entries = []
    for old, new, fields in pairs:
        changes = model_instance_diff(
            old, new, fields_to_check=fields, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
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


class AuditedQuerySet(models.QuerySet):
    def _audited(self):
        from audit.registry import get_audited

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
        from audit.registry import get_audited

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
            LogEntry.objects.using(db).bulk_create(build_entries(self.model, pairs, LogEntry.Action.CREATE))
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
