"""Business rules of the privacy notice and of data subject requests, one module per subject.

Every public service is re-exported here, so callers (other apps, commands, operators' scripts) import
`from privacy.services import subject_erase` without knowing which room it lives in.
"""

from privacy.models import DUE_SOON_DAYS
from privacy.services.announcements import AnnouncementCounts, announcement_counts, notice_announce
from privacy.services.consent import consent_record, refusable_purposes
from privacy.services.disclosures import (
    SUBJECT_RECIPIENT,
    contacts_disclosed,
    recipient_notification_record,
    recipients_to_inform_prepare,
)
from privacy.services.erasure import ErasureOutcome, subject_erase
from privacy.services.erasure_letter import letter_erasure_confirmation, letters_minimise_for
from privacy.services.erasure_plan import ErasurePlan, KeptContact, erasure_plan
from privacy.services.export import CSV_EXTRA_COLUMNS, EXPORT_FORMAT, SubjectExport, subject_export
from privacy.services.ledger import ReapplyOutcome, contacts_erase, erasures_reapply
from privacy.services.letter_render import PdfUnavailable, RenderedLetter, letter_html, letter_pdf
from privacy.services.letters import letter_create, letter_kinds_for, letter_preview, letter_record_posted
from privacy.services.lookup import LOOKUP_LIMIT, SubjectLookupResult, access_record_contact, subject_lookup
from privacy.services.marketing import (
    DIRECT_MARKETING,
    MARKETING_CSV_COLUMNS,
    marketing_audience,
    marketing_audience_csv,
)
from privacy.services.notice import notice_current, notice_draft_from, notice_history, notice_publish
from privacy.services.outbox import OutboxRun, letter_send_again, outbox_mark_uncertain, outbox_send
from privacy.services.rectification import contact_rectify
from privacy.services.reminders import DeadlineDigest, deadline_digest, deadlines_remind
from privacy.services.request_rules import (
    ANSWER_WITHIN_MONTHS,
    LONGEST_EXTENSION_MONTHS,
    request_due_on,
    request_latest_due_on,
)
from privacy.services.requests import (
    REQUEST_INTAKE_FIELDS,
    request_check_intake,
    request_complete,
    request_extend,
    request_match,
    request_match_add,
    request_refuse,
    request_register,
    request_update,
    request_verify_identity,
)
from privacy.services.restriction import contact_restrict, contact_restriction_lift
from privacy.services.retention import (
    PURGE_BATCH_SIZE,
    PURGE_LOCK_KEY,
    PurgeAlreadyRunning,
    PurgePlan,
    audit_as_of,
    retention_plan,
    retention_purge,
)

__all__ = [
    "ANSWER_WITHIN_MONTHS",
    "CSV_EXTRA_COLUMNS",
    "DIRECT_MARKETING",
    "DUE_SOON_DAYS",
    "EXPORT_FORMAT",
    "LONGEST_EXTENSION_MONTHS",
    "LOOKUP_LIMIT",
    "MARKETING_CSV_COLUMNS",
    "PURGE_BATCH_SIZE",
    "PURGE_LOCK_KEY",
    "REQUEST_INTAKE_FIELDS",
    "SUBJECT_RECIPIENT",
    "AnnouncementCounts",
    "DeadlineDigest",
    "ErasureOutcome",
    "ErasurePlan",
    "KeptContact",
    "OutboxRun",
    "PdfUnavailable",
    "PurgeAlreadyRunning",
    "PurgePlan",
    "ReapplyOutcome",
    "RenderedLetter",
    "SubjectExport",
    "SubjectLookupResult",
    "access_record_contact",
    "announcement_counts",
    "audit_as_of",
    "consent_record",
    "contact_rectify",
    "contact_restrict",
    "contact_restriction_lift",
    "contacts_disclosed",
    "contacts_erase",
    "deadline_digest",
    "deadlines_remind",
    "erasure_plan",
    "erasures_reapply",
    "letter_create",
    "letter_erasure_confirmation",
    "letter_html",
    "letter_kinds_for",
    "letter_pdf",
    "letter_preview",
    "letter_record_posted",
    "letter_send_again",
    "letters_minimise_for",
    "marketing_audience",
    "marketing_audience_csv",
    "notice_announce",
    "notice_current",
    "notice_draft_from",
    "notice_history",
    "notice_publish",
    "outbox_mark_uncertain",
    "outbox_send",
    "recipient_notification_record",
    "recipients_to_inform_prepare",
    "refusable_purposes",
    "request_check_intake",
    "request_complete",
    "request_due_on",
    "request_extend",
    "request_latest_due_on",
    "request_match",
    "request_match_add",
    "request_refuse",
    "request_register",
    "request_update",
    "request_verify_identity",
    "retention_plan",
    "retention_purge",
    "subject_erase",
    "subject_export",
    "subject_lookup",
]
