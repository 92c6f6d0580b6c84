from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _install_group_manager():
    """auth.Group is third-party: give it a manager whose bulk writes are logged."""
    from django.contrib.auth.models import Group

    from audit.querysets import AuditedGroupManager

    if isinstance(Group._default_manager, AuditedGroupManager):
        return
    opts = Group._meta
    opts.local_managers = [m for m in opts.local_managers if m.name != "objects"]
    AuditedGroupManager().contribute_to_class(Group, "objects")


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.models import LogEntry
        from auditlog.signals import pre_log
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core import checks
        from django.db.models.signals import pre_delete, pre_save

        from audit import receivers
        from audit.checks import check_audited_models
        from audit.registry import register_third_party_models

        _install_group_manager()
        register_third_party_models()
        pre_save.connect(receivers.prepare_log_entry, sender=LogEntry, dispatch_uid="audit.prepare_log_entry")
        pre_log.connect(receivers.remember_repr, dispatch_uid="audit.remember_repr")
        pre_delete.connect(
            receivers.log_group_memberships_on_delete, sender=Group, dispatch_uid="audit.group_memberships"
        )
        user_logged_in.connect(receivers.record_sign_in, dispatch_uid="audit.sign_in")
        user_logged_out.connect(receivers.record_sign_out, dispatch_uid="audit.sign_out")
        user_login_failed.connect(receivers.record_failed_sign_in, dispatch_uid="audit.sign_in_failed")
        from axes.signals import user_locked_out

        user_locked_out.connect(receivers.record_lockout, dispatch_uid="audit.locked_out")
        checks.register(check_audited_models, "audit")
