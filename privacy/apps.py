from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_audit():
    """Every change to the notice is audited (privacy notice § 9, § 13)."""
    from audit.registry import register_audited
    from privacy.models import NOTICE_PART_MODELS, PrivacyNoticeVersion

    for model in (PrivacyNoticeVersion, *NOTICE_PART_MODELS):
        register_audited(model)
    register_data_subject_request_audit()


def register_data_subject_request_audit():
    """Requests, consents and restrictions are audited; every status change is on the record (issue #6)."""
    from audit.registry import register_audited
    from privacy.models import Consent, DataSubjectRequest, ProcessingRestriction

    register_audited(
        DataSubjectRequest,
        m2m_fields=("matched_contacts",),
        # The m2m entries name the matched contacts, so erasure redacts them too.
        personal_fields=(*DataSubjectRequest.PERSONAL_DATA_FIELDS, "matched_contacts"),
        object_repr=lambda request: f"DataSubjectRequest #{request.pk}",
    )
    register_audited(Consent)
    register_audited(ProcessingRestriction)
    register_letter_audit()


def register_letter_audit():
    """Letters are in the request's trail (status, attempts, delivery), never their address or text."""
    from audit.registry import register_audited
    from privacy.models import Letter

    register_audited(
        Letter,
        exclude_fields=Letter.PERSONAL_DATA_FIELDS,
        personal_fields=("to_masked",),
        object_repr=lambda letter: f"Letter #{letter.pk}",
    )


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy notice")

    def ready(self):
        from privacy import checks  # noqa: F401  (registers the system checks)

        register_audit()
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from privacy.request_context import tag_log_entry

        pre_save.connect(tag_log_entry, sender=LogEntry, dispatch_uid="privacy.tag_log_entry")
