import datetime

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from customers.models import LegalBasis, Source
from privacy.models import (
    Consent,
    ConsentMethod,
    ConsentState,
    DataSubjectRequest,
    Letter,
    LetterKind,
    NoticeDataCategory,
    NoticePurpose,
    NoticeRecipient,
    NoticeSource,
    NoticeStatus,
    PrivacyNoticeVersion,
    ProcessingRestriction,
    RefusalArticle,
    RequestChannel,
    RequestStatus,
    RequestType,
    ResponseLanguage,
    VerificationMethod,
)


class PrivacyNoticeVersionFactory(factory.django.DjangoModelFactory):
    """A complete draft; pass status/effective_on/published_at for a published one."""

    class Meta:
        model = PrivacyNoticeVersion

    number = factory.Sequence(lambda n: 100 + n)
    status = NoticeStatus.DRAFT
    controller_name = "Testiyhtiö Oy"
    controller_street_address = "Testikatu 1"
    controller_postal_code = "00100"
    controller_city = "Helsinki"
    controller_phone = "+358 40 000 0000"
    contact_name = "Tessa Tietosuoja"
    contact_street_address = "Testikatu 1"
    contact_postal_code = "00100"
    contact_city = "Helsinki"
    contact_email = "privacy@testi.example"
    services_context_fi = "Palvelut."
    services_context_en = "Services."
    data_subjects_fi = "Yhteyshenkilöt."
    data_subjects_en = "Contact persons."
    transfers_fi = "Ei siirtoja."
    transfers_en = "No transfers."
    security_fi = "Suojaus."
    security_en = "Security."
    retention_months_after_relationship = 24
    audit_log_retention_days = 730
    retention_fi = "Säilytys."
    retention_en = "Retention."
    rights_fi = "Oikeudet."
    rights_en = "Rights."
    requests_fi = "Pyynnöt."
    requests_en = "Requests."
    supervisory_authority_fi = "Tietosuojavaltuutettu"
    supervisory_authority_en = "Data Protection Ombudsman"
    supervisory_authority_url = "https://tietosuoja.fi/"
    changes_fi = "Muutokset."
    changes_en = "Changes."


class PublishedNoticeVersionFactory(PrivacyNoticeVersionFactory):
    status = NoticeStatus.PUBLISHED
    effective_on = datetime.date(2026, 1, 1)
    published_at = factory.LazyFunction(timezone.now)
    change_summary_fi = "Muutettu."
    change_summary_en = "Changed."


class NoticePurposeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticePurpose

    version = factory.SubFactory(PrivacyNoticeVersionFactory)
    code = factory.Sequence(lambda n: f"purpose_{n}")
    title_fi = "Tarkoitus"
    title_en = "Purpose"
    legal_basis = LegalBasis.LEGITIMATE_INTEREST


class NoticeDataCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeDataCategory

    version = factory.SubFactory(PrivacyNoticeVersionFactory)
    code = factory.Sequence(lambda n: f"category_{n}")
    title_fi = "Yhteystiedot"
    title_en = "Contact details"


class NoticeSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeSource

    version = factory.SubFactory(PrivacyNoticeVersionFactory)
    code = Source.DATA_SUBJECT
    title_fi = "Rekisteröity"
    title_en = "The data subject"


class NoticeRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeRecipient

    version = factory.SubFactory(PrivacyNoticeVersionFactory)
    name = "Palvelin Oy"
    role_fi = "Palvelimet"
    role_en = "Servers"


class DataSubjectRequestFactory(factory.django.DjangoModelFactory):
    """A request as logged at intake; use VerifiedRequestFactory for one whose identity is checked."""

    class Meta:
        model = DataSubjectRequest
        skip_postgeneration_save = True

    request_type = RequestType.ACCESS
    channel = RequestChannel.EMAIL
    received_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.received_on + relativedelta(months=1))
    requester_name = "Maija Meikäläinen"
    requester_email = factory.Sequence(lambda n: f"requester{n}@example.fi")
    description = "Mitä tietoja minusta on?"
    response_language = ResponseLanguage.FI

    @factory.post_generation
    def contacts(request, create, extracted, **kwargs):
        if create and extracted:
            request.matched_contacts.set(extracted)


class VerifiedRequestFactory(DataSubjectRequestFactory):
    status = RequestStatus.VERIFIED
    verification_method = VerificationMethod.ID_IN_PERSON
    verified_at = factory.LazyFunction(timezone.now)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    contact = factory.SubFactory("customers.tests.factories.ContactFactory")
    purpose = "direct_marketing"
    state = ConsentState.GIVEN
    decided_on = factory.LazyFunction(timezone.localdate)
    method = ConsentMethod.EMAIL


class ProcessingRestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessingRestriction

    contact = factory.SubFactory("customers.tests.factories.ContactFactory")
    reason = "Accuracy contested"


class RefusedRequestFactory(VerifiedRequestFactory):
    status = RequestStatus.REFUSED
    refusal_article = RefusalArticle.ART_12_5
    refusal_ground = "Sama pyyntö on tehty kolme kertaa tässä kuussa."
    closed_at = factory.LazyFunction(timezone.now)


class LetterFactory(factory.django.DjangoModelFactory):
    """A queued email letter without a PDF; tests of the letters themselves go through letter_create."""

    class Meta:
        model = Letter

    request = factory.SubFactory(RefusedRequestFactory)
    kind = LetterKind.REFUSAL
    language = ResponseLanguage.FI
    to_address = factory.Sequence(lambda n: f"vastaanottaja{n}@example.fi")
    to_masked = "v***@e***.fi"
    subject = "Päätös pyyntöösi"
    body_text = "Hyvä vastaanottaja, päätös on liitteenä.\n"
    message_id = factory.Sequence(lambda n: f"<letter-{n}@caracom.fi>")
