from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedManager
from customers.validators import normalize_phone, validate_business_id, validate_country_code


class Source(models.TextChoices):
    """Where a record came from (privacy notice § 7)."""

    DATA_SUBJECT = "data_subject", _("The data subject")
    CUSTOMER_COMPANY = "customer_company", _("The customer company")
    PUBLIC_REGISTER = "public_register", _("A public register or source")


class LegalBasis(models.TextChoices):
    """The two legal bases of privacy notice § 5."""

    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (customer relationship)")
    CONTRACT = "contract", _("Performance of a contract")


def active_customer_q(on, prefix=""):
    """Companies (or, with prefix "company__", contacts) in an active customer relationship on a day.

    The relationship is active until and including its end day, like Company.is_active_customer.
    """
    return Q(**{f"{prefix}relationship_end__isnull": True}) | Q(**{f"{prefix}relationship_end__gte": on})


class PersonalDataModel(models.Model):
    """A model that declares, once, which of its fields hold personal data.

    Export, erasure and audit masking all read `PERSONAL_DATA_FIELDS`; a new
    personal field is added there and every one of them follows.
    """

    PERSONAL_DATA_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def personal_data(self):
        return {name: getattr(self, name) for name in self.PERSONAL_DATA_FIELDS}


class LegalHoldMixin(models.Model):
    legal_hold_until = models.DateField(
        _("legal hold until"),
        null=True,
        blank=True,
        help_text=_("Keep this record until this date because a contract or law requires it."),
    )
    legal_hold_reason = models.TextField(
        _("legal hold reason"),
        blank=True,
        help_text=_("The contract or law that requires keeping the record. Required with a hold date."),
    )

    class Meta:
        abstract = True

    def clean_legal_hold(self):
        if self.legal_hold_until and not self.legal_hold_reason.strip():
            raise ValidationError(
                {
                    "legal_hold_reason": _(
                        "A legal hold until %(date)s needs a reason: name the contract or law that requires it."
                    )
                    % {"date": date_format(self.legal_hold_until, "SHORT_DATE_FORMAT")}
                }
            )


class Company(PersonalDataModel, LegalHoldMixin):
    # A sole trader's company name and address identify a person, so they are
    # treated as personal data too (exported with a contact, masked in logs).
    PERSONAL_DATA_FIELDS = ("name", "street_address", "postal_code", "city")

    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("Finnish business ID (Y-tunnus), e.g. 1234567-8. Optional."),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="FI",
        validators=[validate_country_code],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. FI."),
    )
    relationship_start = models.DateField(_("customer relationship started"), default=timezone.localdate)
    relationship_end = models.DateField(
        _("customer relationship ended"),
        null=True,
        blank=True,
        help_text=_("Empty while the customer relationship is active. Personal data is kept 24 months after."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.CUSTOMER_COMPANY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Bulk writes (update, bulk_create, bulk_update) are logged like saves.
    objects = AuditedManager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        # The admin's default ordering, and the retention rules' date columns (privacy.retention).
        indexes = [
            models.Index(fields=["name", "id"], name="customers_company_name_id"),
            models.Index(fields=["relationship_end"], name="customers_company_rel_end"),
            models.Index(fields=["legal_hold_until"], name="customers_company_hold"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business_id"],
                condition=~Q(business_id=""),
                name="customers_company_business_id_unique",
                violation_error_message=_("Another company already has this business ID."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.country = (self.country or "").upper()
        if self.relationship_start and self.relationship_end and self.relationship_end < self.relationship_start:
            raise ValidationError(
                {
                    "relationship_end": _("The relationship cannot end (%(end)s) before it started (%(start)s).")
                    % {
                        "end": date_format(self.relationship_end, "SHORT_DATE_FORMAT"),
                        "start": date_format(self.relationship_start, "SHORT_DATE_FORMAT"),
                    }
                }
            )
        self.clean_legal_hold()
        if self.business_id and Company.objects.filter(business_id=self.business_id).exclude(pk=self.pk).exists():
            # Said on the field (the database constraint would only say it for the whole form).
            raise ValidationError(
                {
                    "business_id": _("Another company already has the business ID “%(value)s”.")
                    % {"value": self.business_id}
                }
            )

    @property
    def is_active_customer(self):
        return self.relationship_end is None or self.relationship_end >= timezone.localdate()


class Contact(PersonalDataModel, LegalHoldMixin):
    """A contact person of a customer company (privacy notice § 6)."""

    PERSONAL_DATA_FIELDS = (
        "first_name",
        "last_name",
        "title",
        "email",
        "phone",
        "street_address",
        "postal_code",
        "city",
        "country",
    )

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("Stored in international form; 045 639 3329 becomes +358456393329."),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FI", validators=[validate_country_code])
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.LEGITIMATE_INTEREST
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.CUSTOMER_COMPANY)
    ended_on = models.DateField(
        _("no longer a contact since"),
        null=True,
        blank=True,
        help_text=_("The day this person stopped being the company's contact; retention starts then."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("contact person")
        # A legal hold overrides the retention rules and keeps a record from deletion: setting or lifting one
        # is the privacy officer's call, not everyday editing.
        permissions = [("manage_legal_hold", _("Can set or lift a legal hold on contacts and companies"))]
        verbose_name_plural = _("contact persons")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="customers_contact_name_id"),
            # Data subject lookups and exports match the email ignoring case (UPPER(email) = UPPER(...)).
            models.Index(Upper("email"), name="customers_contact_email_upper"),
            models.Index(fields=["ended_on"], name="customers_contact_ended_on"),
            models.Index(fields=["legal_hold_until"], name="customers_contact_hold"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=~Q(email=""),
                name="customers_contact_company_email_unique",
                violation_error_message=_("This company already has a contact person with this email address."),
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self):
        return str(self)

    def clean_fields(self, exclude=None):
        # Normalise before the field validators run, so a local number and an
        # upper-case email are stored (and compared for duplicates) in one form.
        errors = {}
        self.email = (self.email or "").strip().lower()
        self.country = (self.country or "").strip().upper()
        try:
            self.phone = normalize_phone(self.phone, region=self.country if len(self.country) == 2 else "FI")
        except ValidationError as exc:
            errors["phone"] = exc.error_list
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        if self.ended_on and self.ended_on > timezone.localdate():
            raise ValidationError(
                {
                    "ended_on": _("“%(date)s” is in the future: record the end only once the person has left.")
                    % {"date": date_format(self.ended_on, "SHORT_DATE_FORMAT")}
                }
            )
        self.clean_legal_hold()
        if (
            self.email
            and self.company_id
            and Contact.objects.filter(company_id=self.company_id, email=self.email).exclude(pk=self.pk).exists()
        ):
            raise ValidationError(
                {
                    "email": _("This company already has a contact person with the email address “%(value)s”.")
                    % {"value": self.email}
                }
            )
