"""Data subject requests: type, channel, status, identity verification, deadlines and the refusal ground."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedManager

# --- Data subject requests (privacy notice § 11-12, GDPR Art. 12-22) ---------------------------------------

ERASED = "[erased]"


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access (Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (Art. 16)")
    ERASURE = "erasure", _("Erasure (Art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (Art. 18)")
    PORTABILITY = "portability", _("Data portability (Art. 20)")
    OBJECTION = "objection", _("Objection (Art. 21)")
    CONSENT = "consent", _("Consent withdrawal or change (Art. 7(3))")


class RequestChannel(models.TextChoices):
    LETTER = "letter", _("In writing: letter")
    EMAIL = "email", _("In writing: email")
    IN_PERSON = "in_person", _("In person")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Identity verified")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.VERIFIED, RequestStatus.IN_PROGRESS)


# Open requests due within this many days are highlighted and counted on the home page.
DUE_SOON_DAYS = 7
VERIFIED_REQUEST_STATUSES = (RequestStatus.VERIFIED, RequestStatus.IN_PROGRESS)


class VerificationMethod(models.TextChoices):
    ID_IN_PERSON = "id_in_person", _("Identity document seen in person")
    REGISTERED_EMAIL = "registered_email", _("Reply from the email address in the register")
    SIGNED_LETTER = "signed_letter", _("Signed letter matching the register")
    OTHER = "other", _("Other (describe in the note)")


class RefusalArticle(models.TextChoices):
    ART_11_2 = "art_11_2", _("Art. 11(2): the data subject cannot be identified")
    ART_12_5 = "art_12_5", _("Art. 12(5): manifestly unfounded or excessive")
    ART_12_6 = "art_12_6", _("Art. 12(6): identity could not be confirmed")
    ART_15_4 = "art_15_4", _("Art. 15(4): would adversely affect the rights of others")
    ART_17_3_B = "art_17_3_b", _("Art. 17(3)(b): legal obligation to keep the data")
    ART_17_3_E = "art_17_3_e", _("Art. 17(3)(e): establishment, exercise or defence of legal claims")
    ART_21_1 = "art_21_1", _("Art. 21(1): compelling legitimate grounds override the objection")
    OTHER = "other", _("Other legal ground (name it in the text)")


class ResponseLanguage(models.TextChoices):
    FI = "fi", _("Finnish")
    EN = "en", _("English")


class DataSubjectRequest(models.Model):
    """One request from a data subject, from intake to its answer; the proof that it was handled."""

    # Erasure replaces these with ERASED; what remains proves who did what and when.
    PERSONAL_DATA_FIELDS = (
        "requester_name",
        "requester_email",
        "requester_contact",
        "description",
        "verification_note",
    )

    request_type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=RequestChannel.choices)
    received_on = models.DateField(_("received on"))
    requester_name = models.CharField(_("requester's name"), max_length=200, help_text=_("As given in the request."))
    requester_email = models.EmailField(
        _("requester's email"),
        max_length=254,
        blank=True,
        error_messages={"invalid": _("Enter a valid email address.")},
    )
    requester_contact = models.TextField(
        _("other contact details"), blank=True, help_text=_("Postal address or phone as given in the request.")
    )
    description = models.TextField(_("what is asked"), blank=True)
    response_language = models.CharField(
        _("response language"), max_length=2, choices=ResponseLanguage.choices, default=ResponseLanguage.FI
    )
    matched_contacts = models.ManyToManyField(
        "customers.Contact",
        verbose_name=_("matched contacts"),
        blank=True,
        related_name="data_subject_requests",
        help_text=_("The register's records of this person. None is a valid outcome."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED, db_index=True
    )
    due_on = models.DateField(_("due on"), db_index=True)
    extension_reason = models.TextField(_("why the deadline was extended"), blank=True)
    extension_told_on = models.DateField(_("subject told of the extension on"), null=True, blank=True)
    verification_method = models.CharField(
        _("identity verified by"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    verification_note = models.CharField(
        _("verification note"),
        max_length=200,
        blank=True,
        help_text=_("What was checked, not the evidence itself (never an ID document number)."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    refusal_article = models.CharField(
        _("refusal: GDPR article"), max_length=20, choices=RefusalArticle.choices, blank=True
    )
    refusal_ground = models.TextField(_("refusal: legal ground"), blank=True)
    outcome = models.TextField(
        _("what was done"), blank=True, help_text=_("What was done and what was kept. Never personal data.")
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["due_on", "id"]
        permissions = [
            ("handle_datasubjectrequest", _("Can look up, export, erase and restrict for a data subject request")),
        ]

    def __str__(self):
        # Never the requester's name: this text goes into the audit trail and admin history.
        return _("Request #%(id)s (%(type)s)") % {"id": self.pk, "type": self.get_request_type_display()}

    @property
    def is_open(self):
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def is_verified(self):
        return self.status in VERIFIED_REQUEST_STATUSES or (
            self.status == RequestStatus.COMPLETED and self.verified_at is not None
        )

    @property
    def is_erased(self):
        return self.requester_name == ERASED
