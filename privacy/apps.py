from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_audit():
    """Every change to the notice is audited (privacy notice § 9, § 13)."""
    from audit.registry import register_audited
    from privacy.models import NOTICE_PART_MODELS, PrivacyNoticeVersion

    for model in (PrivacyNoticeVersion, *NOTICE_PART_MODELS):
        register_audited(model)


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy notice")

    def ready(self):
        from privacy import checks  # noqa: F401  (registers the system checks)

        register_audit()
