"""What the retention purge records about each run."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PurgeRun(models.Model):
    """One run of the retention purge. Holds counts only, never personal data."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: another purge was running")

    as_of = models.DateField(_("as of"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    contacts_deleted = models.PositiveIntegerField(_("contacts deleted"), default=0)
    companies_deleted = models.PositiveIntegerField(_("companies deleted"), default=0)
    audit_entries_deleted = models.PositiveIntegerField(_("audit entries deleted"), default=0)
    audit_entries_redacted = models.PositiveIntegerField(_("audit entries redacted"), default=0)
    error = models.TextField(_("error"), blank=True, help_text=_("The error type and message; never personal data."))

    class Meta:
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.as_of.isoformat()} ({self.get_outcome_display()})"

    def counts(self):
        return {
            "contacts_deleted": self.contacts_deleted,
            "companies_deleted": self.companies_deleted,
            "audit_entries_deleted": self.audit_entries_deleted,
            "audit_entries_redacted": self.audit_entries_redacted,
        }
