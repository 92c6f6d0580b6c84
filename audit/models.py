from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """Sign-ins, sign-outs, failed attempts and credential changes, kept apart from the change log.

    `user` and `email` are the account the event is about; `actor` and
    `actor_email` who caused it (the same person for a sign-in, an
    administrator for a reset). No secret (password, code, key) is ever kept.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_OUT = "sign_out", _("Signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
        SECOND_FACTOR_VERIFIED = "2fa_verified", _("Second factor verified")
        SECOND_FACTOR_FAILED = "2fa_failed", _("Wrong second-factor code")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        SECOND_FACTOR_ADDED = "2fa_added", _("Second factor added")
        SECOND_FACTOR_REMOVED = "2fa_removed", _("Second factor removed")
        LOCKOUT_CLEARED = "lockout_cleared", _("Lockout cleared")

    class Factor(models.TextChoices):
        AUTHENTICATOR = "totp", _("Authenticator app")
        RECOVERY_CODES = "recovery", _("Recovery codes")
        PASSKEY = "passkey", _("Passkey")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    # The address typed in, also for failed attempts with no such user.
    email = models.CharField(_("email address"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Which second factor a second-factor event is about; blank for the others.
    factor = models.CharField(_("second factor"), max_length=10, choices=Factor.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, like the change log's actor: it outlives the user row.
    actor_email = models.CharField(_("by (email address)"), max_length=254, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-timestamp"]
        indexes = [models.Index(fields=["email", "timestamp"], name="audit_secevent_email_ts")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email} {self.timestamp:%Y-%m-%d %H:%M:%S}"
