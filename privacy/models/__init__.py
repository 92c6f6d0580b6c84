"""The privacy notice (tietosuojaseloste) of the customer register as versioned, structured data.

The same rows drive the public notice page, the record of processing activities,
the access responses and the retention checks, so the facts are stated once.
A published version is a legal statement that was in force on given dates: it is
never edited in place; a change is a new version.

One module per subject; every model and choice is re-exported here (Django finds the models through
this package).
"""

from privacy.models.letters import (
    REQUEST_LETTER_KINDS,
    Letter,
    LetterDelivery,
    LetterKind,
    LetterStatus,
)
from privacy.models.notice import (
    NOTICE_LANGUAGES,
    NOTICE_PART_MODELS,
    BilingualModel,
    NoticeDataCategory,
    NoticePart,
    NoticePurpose,
    NoticeRecipient,
    NoticeSource,
    NoticeStatus,
    PrivacyNoticeVersion,
    PrivacyNoticeVersionQuerySet,
    PublishedNoticeLocked,
    localized,
)
from privacy.models.requests import (
    DUE_SOON_DAYS,
    ERASED,
    OPEN_REQUEST_STATUSES,
    VERIFIED_REQUEST_STATUSES,
    DataSubjectRequest,
    RefusalArticle,
    RequestChannel,
    RequestStatus,
    RequestType,
    ResponseLanguage,
    VerificationMethod,
)
from privacy.models.retention import (
    PurgeRun,
)
from privacy.models.rights import (
    Consent,
    ConsentMethod,
    ConsentState,
    ProcessingRestriction,
)

__all__ = [
    "DUE_SOON_DAYS",
    "ERASED",
    "NOTICE_LANGUAGES",
    "NOTICE_PART_MODELS",
    "OPEN_REQUEST_STATUSES",
    "REQUEST_LETTER_KINDS",
    "VERIFIED_REQUEST_STATUSES",
    "BilingualModel",
    "Consent",
    "ConsentMethod",
    "ConsentState",
    "DataSubjectRequest",
    "Letter",
    "LetterDelivery",
    "LetterKind",
    "LetterStatus",
    "NoticeDataCategory",
    "NoticePart",
    "NoticePurpose",
    "NoticeRecipient",
    "NoticeSource",
    "NoticeStatus",
    "PrivacyNoticeVersion",
    "PrivacyNoticeVersionQuerySet",
    "ProcessingRestriction",
    "PublishedNoticeLocked",
    "PurgeRun",
    "RefusalArticle",
    "RequestChannel",
    "RequestStatus",
    "RequestType",
    "ResponseLanguage",
    "VerificationMethod",
    "localized",
]
