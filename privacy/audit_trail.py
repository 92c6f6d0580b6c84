"""The privacy app's models in the audit trail: the notice (§ 9, § 13), requests, consents and restrictions,
so every status change of a request is on the record."""

from audit.registry import register_audited
from privacy.models import (
    NOTICE_PART_MODELS,
    Consent,
    DataSubjectRequest,
    Letter,
    PrivacyNoticeVersion,
    ProcessingRestriction,
)


def register_audit_trail():
    for model in (PrivacyNoticeVersion, *NOTICE_PART_MODELS):
        register_audited(model)
    register_audited(
        DataSubjectRequest,
        m2m_fields=("matched_contacts",),
        # The m2m entries name the matched contacts, so erasure redacts them too.
        personal_fields=(*DataSubjectRequest.PERSONAL_DATA_FIELDS, "matched_contacts"),
        object_repr=lambda request: f"DataSubjectRequest #{request.pk}",
    )
    register_audited(Consent)
    register_audited(ProcessingRestriction)
    # Letters are in the request's trail (status, attempts, delivery), never their address or text.
    register_audited(
        Letter,
        exclude_fields=Letter.PERSONAL_DATA_FIELDS,
        personal_fields=("to_masked",),
        object_repr=lambda letter: f"Letter #{letter.pk}",
    )
