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


class ChainLink(models.Model):
    """One audit entry's place in the MAC chain (audit/chain): kept beside django-auditlog's table.

    `commitment` is a MAC of the entry's personal values under the per-entry
    `secret`; redaction deletes the secret (crypto-shredding), so the values
    can no longer be confirmed by guessing, while `mac` still verifies.
    """

    class Table(models.IntegerChoices):
        LOG_ENTRY = 1, _("log entry")
        SECURITY_EVENT = 2, _("security event")

    position = models.BigIntegerField(_("position"), primary_key=True)
    table = models.PositiveSmallIntegerField(_("table"), choices=Table.choices)
    entry_id = models.BigIntegerField(_("entry"))
    sealed_keys = models.CharField(_("sealed keys"), max_length=500, blank=True)
    secret = models.BinaryField(_("secret"), null=True)
    commitment = models.BinaryField(_("commitment"))
    prev_mac = models.BinaryField(_("previous MAC"))
    mac = models.BinaryField(_("MAC"))
    chained_at = models.DateTimeField(_("chained at"), default=timezone.now)
    purged_at = models.DateTimeField(_("purged at"), null=True)
    purge_mac = models.BinaryField(_("purge MAC"), null=True)

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        constraints = [models.UniqueConstraint(fields=["table", "entry_id"], name="audit_chainlink_entry")]
        indexes = [models.Index(fields=["chained_at"], name="audit_chainlink_chained_at")]

    def __str__(self):
        return f"{self.get_table_display()} #{self.entry_id} @ {self.position}"


class ChainAnchor(models.Model):
    """A signed checkpoint left by the purge: the chain's removed prefix ends at `position` with `mac`."""

    position = models.BigIntegerField(_("position"), unique=True)
    mac = models.BinaryField(_("MAC"))
    removed = models.BigIntegerField(_("links removed so far"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    signature = models.BinaryField(_("signature"))

    class Meta:
        verbose_name = _("chain anchor")
        verbose_name_plural = _("chain anchors")

    def __str__(self):
        return f"#{self.position}"


class LedgerHead(models.Model):
    """How long the erasure ledger (a file outside the database) was at the last append, and its last MAC.

    A ledger shorter than this, or without this MAC at this line, was truncated or replaced. After a
    backup restore this row is older than the ledger, which is what the ledger is for.
    """

    lines = models.BigIntegerField(_("lines"))
    mac = models.CharField(_("MAC"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("erasure ledger head")
        verbose_name_plural = _("erasure ledger heads")

    def __str__(self):
        return f"{self.lines}"


class Disclosure(models.Model):
    """Personal data handed out of the register (GDPR Art. 19): to whom, when, by whom, and which rows.

    Generic (content type and ids, no personal values), so any app records its exports here, and the
    record outlives the rows it names: after an erasure it still says whom to inform.
    """

    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor_email = models.CharField(_("disclosed by"), max_length=254)
    recipient = models.CharField(_("recipient"), max_length=200)
    kind = models.CharField(_("what was disclosed"), max_length=100)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("type of record"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("records"))

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-timestamp"]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.timestamp:%Y-%m-%d})"


class DisclosedObject(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="records")
    object_id = models.BigIntegerField(_("record id"), db_index=True)

    class Meta:
        verbose_name = _("disclosed record")
        verbose_name_plural = _("disclosed records")

    def __str__(self):
        return f"#{self.object_id}"
