from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_audit():
    """Every change to the notice is audited (issue #5); the audit app may later take this over."""
    from auditlog.registry import auditlog

    from privacy.models import NOTICE_PART_MODELS, PrivacyNoticeVersion

    for model in (PrivacyNoticeVersion, *NOTICE_PART_MODELS):
        if not auditlog.contains(model):
            auditlog.register(model)


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy notice")

    def ready(self):
        from privacy import checks  # noqa: F401  (registers the system checks)

        register_audit()
