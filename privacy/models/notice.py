"""The privacy notice as versioned, bilingual records: a published version is frozen, with its purposes,
data categories, sources and recipients."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedManager, AuditedQuerySet
from customers.models import LegalBasis, Source

NOTICE_LANGUAGES = ("en", "fi")


class PublishedNoticeLocked(ValidationError):
    """Raised when something tries to change or delete a published notice version."""


def localized(obj, field, language=None):
    """The `field_fi` or `field_en` value of obj for the given (or active) language.

    Falls back to the other language when the wanted one is empty, so a page
    never shows a hole where one translation is missing.
    """
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    order = [language, *(code for code in NOTICE_LANGUAGES if code != language)]
    for code in order:
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value
    return ""


class BilingualModel(models.Model):
    class Meta:
        abstract = True

    def localized(self, field, language=None):
        return localized(self, field, language)


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PrivacyNoticeVersionQuerySet(AuditedQuerySet):
    # Bulk paths (admin "delete selected", queryset.update) skip Model.save()
    # and Model.delete(), so the same guard is repeated here.
    def _refuse_published(self, action):
        if self.filter(status=NoticeStatus.PUBLISHED).exists():
            raise PublishedNoticeLocked(
                _("A published privacy notice version cannot be %(action)s; create a new version instead.")
                % {"action": action}
            )

    def update(self, **kwargs):
        self._refuse_published(_("changed"))
        return super().update(**kwargs)

    def delete(self):
        self._refuse_published(_("deleted"))
        return super().delete()

    def published(self):
        return self.filter(status=NoticeStatus.PUBLISHED)


class PrivacyNoticeVersion(BilingualModel):
    number = models.PositiveIntegerField(_("version number"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    effective_on = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Set when the version is published.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    change_summary_fi = models.TextField(_("what changed (Finnish)"), blank=True)
    change_summary_en = models.TextField(_("what changed (English)"), blank=True)
    significant_change = models.BooleanField(
        _("significant change"),
        default=False,
        help_text=_("§ 13: a significant change can be announced by email to the contact persons once published."),
    )

    # § 1 controller
    controller_name = models.CharField(_("controller"), max_length=200)
    controller_business_id = models.CharField(_("controller's business ID"), max_length=9, blank=True)
    controller_street_address = models.CharField(_("controller's street address"), max_length=200)
    controller_postal_code = models.CharField(_("controller's postal code"), max_length=20)
    controller_city = models.CharField(_("controller's city"), max_length=100)
    controller_phone = models.CharField(_("controller's phone"), max_length=30)
    # § 2 contact person for the register
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_street_address = models.CharField(_("contact person's street address"), max_length=200)
    contact_postal_code = models.CharField(_("contact person's postal code"), max_length=20)
    contact_city = models.CharField(_("contact person's city"), max_length=100)
    contact_phone = models.CharField(_("contact person's phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact person's email"))
    # § 3 the controller's role and the services
    services_context_fi = models.TextField(_("services and the controller's role (Finnish)"))
    services_context_en = models.TextField(_("services and the controller's role (English)"))
    data_subjects_fi = models.TextField(_("whose data (Finnish)"))
    data_subjects_en = models.TextField(_("whose data (English)"))
    # § 8 transfers
    transfers_outside_eea = models.BooleanField(_("transfers outside the EU/EEA"), default=False)
    transfers_fi = models.TextField(_("transfers outside the EU/EEA (Finnish)"))
    transfers_en = models.TextField(_("transfers outside the EU/EEA (English)"))
    # § 9 security
    security_fi = models.TextField(_("security measures (Finnish)"))
    security_en = models.TextField(_("security measures (English)"))
    # § 10 retention: the numbers are what the purge and the audit-log cleanup use
    retention_months_after_relationship = models.PositiveSmallIntegerField(
        _("retention after the relationship (months)"),
        help_text=_("Must equal the RETENTION_MONTHS_AFTER_RELATIONSHIP setting (a system check compares them)."),
    )
    audit_log_retention_days = models.PositiveIntegerField(
        _("audit log retention (days)"),
        help_text=_("Must equal the AUDIT_LOG_RETENTION_DAYS setting (a system check compares them)."),
    )
    retention_fi = models.TextField(_("retention (Finnish)"))
    retention_en = models.TextField(_("retention (English)"))
    # § 11 rights, § 12 requests
    rights_fi = models.TextField(_("the data subject's rights (Finnish)"))
    rights_en = models.TextField(_("the data subject's rights (English)"))
    requests_fi = models.TextField(_("how to make a request (Finnish)"))
    requests_en = models.TextField(_("how to make a request (English)"))
    supervisory_authority_fi = models.CharField(_("supervisory authority (Finnish)"), max_length=200)
    supervisory_authority_en = models.CharField(_("supervisory authority (English)"), max_length=200)
    supervisory_authority_url = models.URLField(_("supervisory authority's website"))
    # § 13 changes
    changes_fi = models.TextField(_("how changes are announced (Finnish)"))
    changes_en = models.TextField(_("how changes are announced (English)"))

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PrivacyNoticeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy notice version")
        verbose_name_plural = _("privacy notice versions")
        ordering = ["-number"]
        permissions = [
            ("publish_privacynoticeversion", _("Can publish a privacy notice version")),
            ("download_processing_record", _("Can download the record of processing activities")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=NoticeStatus.DRAFT)
                | models.Q(effective_on__isnull=False, published_at__isnull=False),
                name="privacy_published_version_has_dates",
            )
        ]

    def __str__(self):
        if self.is_published:
            return _("Version %(number)s (in force from %(date)s)") % {
                "number": self.number,
                "date": date_format(self.effective_on, "SHORT_DATE_FORMAT"),
            }
        return _("Version %(number)s (draft)") % {"number": self.number}

    def save(self, *args, **kwargs):
        # The stored status decides: the publish step itself turns a stored draft
        # into a published row, after which the row is frozen.
        if self._stored_status() == NoticeStatus.PUBLISHED:
            raise PublishedNoticeLocked(
                _("Version %(number)s is published and cannot be changed; create a new draft from it.")
                % {"number": self.number}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == NoticeStatus.PUBLISHED:
            raise PublishedNoticeLocked(
                _("Version %(number)s is published and cannot be deleted.") % {"number": self.number}
            )
        return super().delete(*args, **kwargs)

    def _stored_status(self):
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def is_published(self):
        return self.status == NoticeStatus.PUBLISHED

    @property
    def controller_address(self):
        return f"{self.controller_street_address}, {self.controller_postal_code} {self.controller_city}"

    @property
    def contact_address(self):
        return f"{self.contact_street_address}, {self.contact_postal_code} {self.contact_city}"


class NoticePart(BilingualModel):
    """A row of one of the notice's lists; frozen with its version."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = AuditedManager()

    class Meta(BilingualModel.Meta):
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        if self._version_is_published() or self._stored_version_is_published():
            raise PublishedNoticeLocked(
                _("This row belongs to a published privacy notice version and cannot be changed.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_version_is_published():
            raise PublishedNoticeLocked(
                _("This row belongs to a published privacy notice version and cannot be deleted.")
            )
        return super().delete(*args, **kwargs)

    def _version_is_published(self):
        if self.version_id is None:
            return False
        return PrivacyNoticeVersion.objects.filter(pk=self.version_id, status=NoticeStatus.PUBLISHED).exists()

    def _stored_version_is_published(self):
        # Moving a row out of a published version is a change to that version too.
        if self.pk is None:
            return False
        stored = type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
        return (
            stored is not None
            and PrivacyNoticeVersion.objects.filter(pk=stored, status=NoticeStatus.PUBLISHED).exists()
        )


class NoticePurpose(NoticePart):
    """§ 4 and § 5: why the data is processed and on which legal basis."""

    version = models.ForeignKey(PrivacyNoticeVersion, on_delete=models.CASCADE, related_name="purposes")
    code = models.SlugField(_("code"), max_length=50, help_text=_("A stable identifier, e.g. direct_marketing."))
    title_fi = models.CharField(_("title (Finnish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_fi = models.TextField(_("description (Finnish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    can_be_refused = models.BooleanField(
        _("can be refused"),
        default=False,
        help_text=_("The data subject can object to (or withdraw consent for) this purpose at any time."),
    )
    # Art. 4(4) and 22: what the letters say about profiling comes from here, purpose by purpose.
    profiling_fi = models.TextField(
        _("profiling (Finnish)"),
        blank=True,
        help_text=_(
            "If this purpose profiles people (Art. 4(4)): which data is used, how, and to which recipients. "
            "Leave empty when it does not."
        ),
    )
    profiling_en = models.TextField(_("profiling (English)"), blank=True)
    automated_decisions = models.BooleanField(
        _("automated decisions with legal or similar effect"),
        default=False,
        help_text=_("Art. 22: decisions based solely on automated processing that significantly affect a person."),
    )

    class Meta(NoticePart.Meta):
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="privacy_purpose_code_unique")]

    def __str__(self):
        return self.title_en

    @property
    def profiles(self):
        return bool(self.profiling_fi or self.profiling_en)


class NoticeDataCategory(NoticePart):
    """§ 6: the categories of personal data processed."""

    version = models.ForeignKey(PrivacyNoticeVersion, on_delete=models.CASCADE, related_name="data_categories")
    code = models.SlugField(_("code"), max_length=50)
    title_fi = models.CharField(_("title (Finnish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_fi = models.TextField(_("description (Finnish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta(NoticePart.Meta):
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="privacy_category_code_unique")]

    def __str__(self):
        return self.title_en


class NoticeSource(NoticePart):
    """§ 7: where the data comes from; the codes are the ones records carry."""

    version = models.ForeignKey(PrivacyNoticeVersion, on_delete=models.CASCADE, related_name="sources")
    code = models.CharField(_("source"), max_length=20, choices=Source.choices)
    title_fi = models.CharField(_("title (Finnish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    class Meta(NoticePart.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="privacy_source_code_unique")]

    def __str__(self):
        return self.title_en


class NoticeRecipient(NoticePart):
    """§ 8: recipients and processors of the data."""

    version = models.ForeignKey(PrivacyNoticeVersion, on_delete=models.CASCADE, related_name="recipients")
    name = models.CharField(_("name"), max_length=200)
    is_processor = models.BooleanField(_("processor acting on our behalf"), default=True)
    role_fi = models.CharField(_("role (Finnish)"), max_length=200)
    role_en = models.CharField(_("role (English)"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="FI", help_text=_("ISO 3166-1 alpha-2 code."))

    class Meta(NoticePart.Meta):
        verbose_name = _("recipient or processor")
        verbose_name_plural = _("recipients and processors")

    def __str__(self):
        return self.name


NOTICE_PART_MODELS = (NoticePurpose, NoticeDataCategory, NoticeSource, NoticeRecipient)
