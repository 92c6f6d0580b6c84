import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import Country, CountryField

from caracom_register.dates import date_bounds_error
from caracom_register.folding import fold
from customers.querysets import FoldedColumnsManager
from customers.validators import normalize_phone, validate_business_id, validate_postal_code


@functools.cache
def _country_codes():
    return frozenset(code for code, _name in countries)


class CountryCodeField(CountryField):
    """django-countries' field, validated by a set lookup.

    The stock validation walks the translated list of 250 countries for every value (about 2 ms a row: minutes
    in a 100,000-row import); the codes are the same in every language, so one set answers it.
    """

    def validate(self, value, model_instance):
        code = str(value or "")
        if not code:
            if not self.blank:
                raise ValidationError(self.error_messages["blank"], code="blank")
            return
        if code not in _country_codes():
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": code})


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


def check_dates_in_bounds(instance, names):
    """Every date field named is within the register's days (caracom_register.dates), or a field error each."""
    errors = {
        name: error
        for name in names
        if isinstance(value := getattr(instance, name), datetime.date) and (error := date_bounds_error(value))
    }
    if errors:
        raise ValidationError(errors)


class PersonalDataModel(models.Model):
    """A model that declares, once, which of its fields hold personal data.

    Export, erasure and audit masking all read `PERSONAL_DATA_FIELDS`; a new
    personal field is added there and every one of them follows.
    """

    PERSONAL_DATA_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def personal_data(self):
        # A country field reads as a Country object; its stored code is the value.
        return {
            name: value.code if isinstance(value := getattr(self, name), Country) else value
            for name in self.PERSONAL_DATA_FIELDS
        }

    def clean_postal_code(self):
        """The postal code follows its country's rule (customers.validators.POSTAL_CODE_RULES)."""
        try:
            validate_postal_code(self.postal_code, str(self.country or ""))
        except ValidationError as exc:
            raise ValidationError({"postal_code": exc.error_list}) from None


class FoldedSearchMixin(models.Model):
    """Shadow columns holding text folded for search (caracom_register.folding), refolded on every write.

    `FOLDED_FIELDS` maps each folded column to the fields it folds. The columns
    are derived copies, not data of their own: never shown, exported or logged
    (the audit trail skips them), and gone with the row.
    """

    FOLDED_FIELDS: dict[str, tuple[str, ...]] = {}

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        self.fold_search_columns()
        if update_fields is not None:
            update_fields = set(update_fields)
            update_fields |= {column for column, sources in self.FOLDED_FIELDS.items() if update_fields & set(sources)}
        super().save(*args, update_fields=update_fields, **kwargs)

    def fold_search_columns(self):
        for column, sources in self.FOLDED_FIELDS.items():
            setattr(self, column, fold(" ".join(str(getattr(self, name) or "") for name in sources)))


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


class Company(FoldedSearchMixin, PersonalDataModel, LegalHoldMixin):
    # A sole trader's company name and address identify a person, so they are
    # treated as personal data too (exported with a contact, masked in logs).
    PERSONAL_DATA_FIELDS = ("name", "street_address", "postal_code", "city")
    FOLDED_FIELDS = {"name_folded": ("name",)}

    name = models.CharField(_("name"), max_length=200)
    name_folded = models.TextField(editable=False, default="", db_default="")
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("Finnish business ID (Y-tunnus), e.g. 1234567-1. Optional."),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryCodeField(_("country"), default="FI")
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

    # Bulk writes (update, bulk_create, bulk_update) are logged like saves, and refold.
    objects = FoldedColumnsManager()

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
        check_dates_in_bounds(self, ("relationship_start", "relationship_end", "legal_hold_until"))
        self.country = str(self.country or "").strip().upper()
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
        self.clean_postal_code()
        self.refuse_taken_business_id()

    def refuse_taken_business_id(self):
        if self.business_id and Company.objects.filter(business_id=self.business_id).exclude(pk=self.pk).exists():
            # Said on the field (the database constraint would only say it for the whole form).
            raise ValidationError(
                {
                    "business_id": _("Another company already has the business ID “%(value)s”.")
                    % {"value": self.business_id}
                }
            )

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError:
            # A colleague saved the same business ID after clean() looked: say it on the field all the same.
            self.refuse_taken_business_id()
            raise

    @property
    def is_active_customer(self):
        return self.relationship_end is None or self.relationship_end >= timezone.localdate()


class Contact(FoldedSearchMixin, PersonalDataModel, LegalHoldMixin):
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
    FOLDED_FIELDS = {"name_folded": ("first_name", "last_name")}

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    name_folded = models.TextField(editable=False, default="", db_default="")
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
    country = CountryCodeField(_("country"), default="FI")
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

    objects = FoldedColumnsManager()

    class Meta:
        verbose_name = _("contact person")
        # A legal hold overrides the retention rules and keeps a record from deletion: setting or lifting one
        # is the privacy officer's call, not everyday editing.
        permissions = [("manage_legal_hold", _("Can set or lift a legal hold on contacts and companies"))]
        verbose_name_plural = _("contact persons")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            # The list's order, carrying the columns a search matches: a common search word's page is read
            # from this index alone, walking it in order (customers/admin_search.py). PostgreSQL only.
            models.Index(
                fields=["last_name", "first_name", "id"],
                include=["name_folded", "email", "company"],
                name="customers_contact_name_cover",
            ),
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
        country = str(self.country or "").strip().upper()
        self.country = country
        try:
            self.phone = normalize_phone(self.phone, region=country if len(country) == 2 else "FI")
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
        check_dates_in_bounds(self, ("ended_on", "legal_hold_until"))
        if self.ended_on and self.ended_on > timezone.localdate():
            raise ValidationError(
                {
                    "ended_on": _("“%(date)s” is in the future: record the end only once the person has left.")
                    % {"date": date_format(self.ended_on, "SHORT_DATE_FORMAT")}
                }
            )
        self.clean_legal_hold()
        self.clean_postal_code()
        self.refuse_taken_email()

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError:
            # A colleague saved the same email in the company after clean() looked: say it on the field.
            self.refuse_taken_email()
            raise

    def refuse_taken_email(self):
        if (
            self.email
            and self.company_id
            and not self._state.__dict__.get("email_unique_checked")
            and Contact.objects.filter(company_id=self.company_id, email=self.email).exclude(pk=self.pk).exists()
        ):
            raise ValidationError(
                {
                    "email": _("This company already has a contact person with the email address “%(value)s”.")
                    % {"value": self.email}
                }
            )


class ContactImport(models.Model):
    """One contact list brought in from a file: who, when, which file and how many rows; no personal data."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    contacts_created = models.PositiveIntegerField(_("contacts created"), default=0)
    contacts_updated = models.PositiveIntegerField(_("contacts updated"), default=0)
    contacts_unchanged = models.PositiveIntegerField(_("contacts unchanged"), default=0)
    companies_created = models.PositiveIntegerField(_("companies created"), default=0)

    class Meta:
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return _("Import #%(id)s") % {"id": self.pk}
