"""Signal receivers that close django-auditlog's gaps."""

from contextvars import ContextVar

from auditlog.models import LogEntry
from auditlog.receivers import _create_log_entry, check_disable, log_create
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from audit.context import stamp
from audit.declarations import get_audited
from audit.models import SecurityEvent
from audit.services import security_event_record

_OLD_ROW = "_audit_old_row"
_pending_repr: ContextVar = ContextVar("audit_pending_repr", default=None)


class AuditLogImmutableError(RuntimeError):
    pass


@check_disable
def remember_old_row(sender, instance, raw=False, **kwargs):
    """Read the row as it is before the write; log_save compares after the write succeeded."""
    instance.__dict__.pop(_OLD_ROW, None)
    if instance.pk is None:
        return
    # loaddata saves deserialised instances that look new (_state.adding) but
    # overwrite an existing row: those are updates too.
    if instance._state.adding and not raw:
        return
    old = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk).first()
    if old is not None:
        instance.__dict__[_OLD_ROW] = (old, kwargs.get("update_fields"))


@check_disable
def log_save(sender, instance, created, **kwargs):
    pending = instance.__dict__.pop(_OLD_ROW, None)
    if created or pending is None:
        log_create(sender, instance=instance, created=created, **kwargs)
        return
    old, update_fields = pending
    _create_log_entry(
        action=LogEntry.Action.UPDATE,
        instance=instance,
        sender=sender,
        diff_old=old,
        diff_new=instance,
        fields_to_check=update_fields,
        use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
    )


def remember_repr(sender, instance, action, **kwargs):
    """auditlog stores str(instance); keep the audit repr ready for the entry about to be saved."""
    config = get_audited(sender)
    if config is not None and config.object_repr is not None:
        _pending_repr.set((sender, str(instance.pk), config.repr_for(instance)))


def _audit_repr(entry):
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    config = get_audited(model)
    if config is None or config.object_repr is None:
        return None
    pending = _pending_repr.get()
    _pending_repr.set(None)
    if pending is not None and pending[0] is model and pending[1] == str(entry.object_pk):
        return pending[2]
    # Many-to-many entries send no pre_log; the row still exists for them.
    instance = model._base_manager.filter(pk=entry.object_pk).first()
    return config.repr_for(instance) if instance is not None else config.redacted_repr(entry.object_pk)


def prepare_log_entry(sender, instance, **kwargs):
    if not instance._state.adding:
        # Redaction and purge use queryset writes that send no signals; a
        # model save of an existing entry could only be tampering (and would
        # let auditlog's context overwrite the actor).
        raise AuditLogImmutableError("Audit log entries cannot be changed once written.")

    audit_repr = _audit_repr(instance)
    if audit_repr is not None:
        instance.object_repr = audit_repr
    stamp(instance)


def log_group_memberships_on_delete(sender, instance, **kwargs):
    """Deleting a group removes memberships without m2m_changed; log them per user."""
    users = list(instance.user_set.all())
    for user in users:
        LogEntry.objects.log_m2m_changes([instance], user, "delete", "groups")


def record_sign_in(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEvent.Kind.SIGN_IN, request=request, user=user, email=user.email)


def record_sign_out(sender, request, user, **kwargs):
    if user is None:
        return
    security_event_record(kind=SecurityEvent.Kind.SIGN_OUT, request=request, user=user, email=user.email)


def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    tried = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    security_event_record(kind=SecurityEvent.Kind.SIGN_IN_FAILED, request=request, user=None, email=str(tried))


def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes locked an email (from an address) out: that is a security event of its own."""

    security_event_record(kind=SecurityEvent.Kind.LOCKED_OUT, request=request, user=None, email=str(username or ""))
