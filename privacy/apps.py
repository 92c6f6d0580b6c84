from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy notice")

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from privacy import checks  # noqa: F401  (registers the system checks)
        from privacy.audit_trail import register_audit_trail
        from privacy.guards import register_guards
        from privacy.request_context import tag_log_entry

        register_audit_trail()
        register_guards()
        pre_save.connect(tag_log_entry, sender=LogEntry, dispatch_uid="privacy.tag_log_entry")
