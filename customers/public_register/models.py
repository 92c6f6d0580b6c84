"""What the trade register said about a company when it was last asked.

One row per company: the status the register gives (the flags staff review), and the register's name and
address as fetched, so that a person can accept them field by field, or the nightly sync can apply them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    RESTRUCTURING = "restructuring", _("In restructuring")
    LIQUIDATION = "liquidation", _("In liquidation")
    BANKRUPTCY = "bankruptcy", _("In bankruptcy")
    CEASED = "ceased", _("Ceased")
    NOT_FOUND = "not_found", _("Unknown to the trade register")


# The statuses that put a company on the relationship review: staff decide whether the relationship ended.
FLAGGED_STATUSES = (
    RegisterStatus.CEASED,
    RegisterStatus.BANKRUPTCY,
    RegisterStatus.LIQUIDATION,
    RegisterStatus.RESTRUCTURING,
    RegisterStatus.NOT_FOUND,
)


class PublicRegisterCheck(models.Model):
    # The register's copy of a sole trader's name and address identifies a person, as the company's own does.
    PERSONAL_DATA_FIELDS = ("name", "street_address", "postal_code", "city")

    company = models.OneToOneField(
        "customers.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="public_register_check",
    )
    business_id = models.CharField(_("business ID"), max_length=9)
    checked_at = models.DateTimeField(_("fetched from the trade register"))
    status = models.CharField(_("trade register status"), max_length=20, choices=RegisterStatus.choices)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # Wider than the company's fields: see services._check_values.
    name = models.CharField(_("name"), max_length=500, blank=True)
    street_address = models.CharField(_("street address"), max_length=500, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    accepted_fetch_at = models.DateTimeField(
        _("details accepted from the fetch of"),
        null=True,
        blank=True,
        help_text=_("The fetch whose values were last saved to the company (source: public register)."),
    )

    class Meta:
        verbose_name = _("trade register check")
        verbose_name_plural = _("trade register checks")
        indexes = [
            # The sync's "last checked more than N days ago", and the review's status filter.
            models.Index(fields=["checked_at"], name="customers_prc_checked_at"),
            models.Index(fields=["status"], name="customers_prc_status"),
        ]

    def __str__(self):
        return f"{self.business_id} ({self.get_status_display()})"

    @property
    def is_flagged(self):
        return self.status in FLAGGED_STATUSES

    def personal_data(self):
        return {name: getattr(self, name) for name in self.PERSONAL_DATA_FIELDS}
