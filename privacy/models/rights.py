"""What a data subject's rights leave in the register: consents and objections per purpose, and
restrictions of processing."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedManager
from privacy.models.requests import DataSubjectRequest


class ConsentState(models.TextChoices):
    GIVEN = "given", _("Consent given")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    OBJECTED = "objected", _("Objected (Art. 21)")


class ConsentMethod(models.TextChoices):
    LETTER = "letter", _("In writing: letter")
    EMAIL = "email", _("In writing: email")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    FORM = "form", _("Online form")


class Consent(models.Model):
    """A contact's current say on one refusable purpose of the privacy notice; the audit trail keeps the history."""

    PERSONAL_DATA_FIELDS = ("note",)

    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.SlugField(_("purpose"), max_length=50, help_text=_("The code of a privacy notice purpose."))
    state = models.CharField(_("state"), max_length=20, choices=ConsentState.choices)
    decided_on = models.DateField(_("given or withdrawn on"))
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    request = models.ForeignKey(
        DataSubjectRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("consent or objection")
        verbose_name_plural = _("consents and objections")
        ordering = ["contact_id", "purpose"]
        permissions = [("export_marketing_audience", _("Can download the direct marketing audience"))]
        constraints = [models.UniqueConstraint(fields=["contact", "purpose"], name="privacy_consent_one_per_purpose")]

    def __str__(self):
        return f"Consent #{self.pk} ({self.purpose}: {self.state})"

    @property
    def allows_processing(self):
        return self.state == ConsentState.GIVEN


class ProcessingRestriction(models.Model):
    """Art. 18: while active the contact is only stored, never edited by staff nor used for marketing."""

    PERSONAL_DATA_FIELDS = ("reason",)

    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="restrictions"
    )
    reason = models.TextField(_("reason"))
    request = models.ForeignKey(
        DataSubjectRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restrictions",
    )
    restricted_at = models.DateTimeField(_("restricted at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    subject_informed_on = models.DateField(
        _("subject informed of the lifting on"), null=True, blank=True, help_text=_("Art. 18(3).")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("processing restriction")
        verbose_name_plural = _("processing restrictions")
        ordering = ["-restricted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(lifted_at__isnull=True),
                name="privacy_one_active_restriction",
                violation_error_message=_("This contact is already restricted."),
            )
        ]

    def __str__(self):
        return f"Restriction #{self.pk} (contact #{self.contact_id})"

    @property
    def is_active(self):
        return self.lifted_at is None
