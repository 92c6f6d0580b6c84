"""Letters to data subjects and the outbox they leave through.

Every letter is one row: what it is, in which language, to whom, and how far its delivery got. The row is
the outbox entry too, so a letter cannot be "sent" without a record of it, and a crashed sender leaves a row
that says so.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedManager
from privacy.models.notice import PrivacyNoticeVersion
from privacy.models.requests import DataSubjectRequest, ResponseLanguage


class LetterKind(models.TextChoices):
    ACCESS = "access", _("Access: the data and the information (Art. 15)")
    RECTIFICATION = "rectification", _("Rectification done (Art. 16)")
    ERASURE = "erasure", _("Erasure done (Art. 17)")
    RESTRICTION_APPLIED = "restriction_applied", _("Restriction applied (Art. 18)")
    RESTRICTION_LIFTED = "restriction_lifted", _("Restriction lifted (Art. 18(3))")
    CONSENT = "consent", _("Consent or objection recorded (Art. 7(3), 21)")
    REFUSAL = "refusal", _("Refusal, with the ground and the right to complain (Art. 12(4))")
    EXTENSION = "extension", _("Extension of the deadline (Art. 12(3))")
    IDENTITY = "identity", _("Request for further identity information (Art. 12(6))")
    ANNOUNCEMENT = "announcement", _("Announcement of a changed privacy notice (§ 13)")
    DEADLINE_DIGEST = "deadline_digest", _("Deadline reminder to the Privacy officer")


# The letters that answer a request (the rest go to contacts or staff).
REQUEST_LETTER_KINDS = (
    LetterKind.ACCESS,
    LetterKind.RECTIFICATION,
    LetterKind.ERASURE,
    LetterKind.RESTRICTION_APPLIED,
    LetterKind.RESTRICTION_LIFTED,
    LetterKind.CONSENT,
    LetterKind.REFUSAL,
    LetterKind.EXTENSION,
    LetterKind.IDENTITY,
)


class LetterDelivery(models.TextChoices):
    EMAIL = "email", _("Email")
    POST = "post", _("Post")


class LetterStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    UNCERTAIN = "uncertain", _("Outcome unknown: check before sending again")
    FAILED = "failed", _("Failed")
    TO_POST = "to_post", _("To be posted")
    POSTED = "posted", _("Sent by post")


class Letter(models.Model):
    """One letter and its place in the outbox."""

    # What identifies the person; cleared when a letter is minimised (after an erasure confirmation went out,
    # or when the person is erased), leaving the masked address and its keyed digest as proof.
    PERSONAL_DATA_FIELDS = ("to_address", "to_name", "subject", "note", "body_html", "body_text", "pdf", "attachment")

    request = models.ForeignKey(
        DataSubjectRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    notice_version = models.ForeignKey(
        PrivacyNoticeVersion,
        verbose_name=_("privacy notice version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        # Erasing or purging a contact takes its announcements with it (and redacts their trail).
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letters",
    )
    kind = models.CharField(_("letter"), max_length=30, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=ResponseLanguage.choices)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=LetterDelivery.choices, default=LetterDelivery.EMAIL
    )
    to_address = models.TextField(_("to"), blank=True)
    to_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    to_masked = models.CharField(_("to (masked)"), max_length=254, blank=True)
    to_digest = models.CharField(_("to (keyed digest)"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    note = models.TextField(_("note in the letter"), blank=True)
    body_html = models.TextField(_("letter (HTML)"), blank=True)
    body_text = models.TextField(_("letter (plain text)"), blank=True)
    pdf = models.BinaryField(_("letter (PDF)"), blank=True, default=b"")
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    # The access letter carries the copy of the data (Art. 15(3)) as the export ZIP.
    attachment_name = models.CharField(_("attachment"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment content"), blank=True, default=b"")
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    posted_on = models.DateField(_("sent by post on"), null=True, blank=True)
    minimise_after_delivery = models.BooleanField(_("keep only the proof once delivered"), default=False)
    minimised_at = models.DateTimeField(_("minimised at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="privacy_letter_due")]
        constraints = [
            # § 13: one announcement of a notice version per person, however often the run is resumed.
            models.UniqueConstraint(
                fields=["notice_version", "contact"],
                condition=models.Q(kind="announcement"),
                name="privacy_one_announcement_per_contact",
            )
        ]

    def __str__(self):
        # Never the address: this text goes into the audit trail.
        return _("Letter #%(id)s (%(kind)s)") % {"id": self.pk, "kind": self.get_kind_display()}

    @property
    def is_minimised(self):
        return self.minimised_at is not None

    @property
    def is_delivered(self):
        return self.status in (LetterStatus.SENT, LetterStatus.POSTED)
