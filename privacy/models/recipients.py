"""Art. 19: the recipients to inform after a rectification, erasure or restriction, and what was done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy.models.requests import DataSubjectRequest


class RecipientNotification(models.Model):
    class Action(models.TextChoices):
        RECTIFICATION = "rectification", _("rectification")
        ERASURE = "erasure", _("erasure")
        RESTRICTION = "restriction", _("restriction")

    class Source(models.TextChoices):
        DISCLOSURE = "disclosure", _("received the data in an export")
        NOTICE = "notice", _("standing recipient in the privacy notice")

    request = models.ForeignKey(
        DataSubjectRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="recipient_notifications"
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    source = models.CharField(_("why listed"), max_length=20, choices=Source.choices)
    action = models.CharField(_("what to tell"), max_length=20, choices=Action.choices)
    # Ids only: the contacts may be erased, the duty to inform stays.
    contact_ids = models.JSONField(_("contacts"), default=list, blank=True)
    notified_on = models.DateField(_("informed on"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=200, blank=True)
    impossible_reason = models.TextField(_("why impossible or disproportionate"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient to inform")
        verbose_name_plural = _("recipients to inform")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.recipient} ({self.get_action_display()})"

    @property
    def is_done(self):
        return self.notified_on is not None or bool(self.impossible_reason)
