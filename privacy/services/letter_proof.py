"""What is kept of a letter once only the proof may stay: who it went to as a masked address and a keyed
digest, when, and whether it was delivered; never the address, the name or the text."""

from django.utils import timezone
from django.utils.crypto import salted_hmac

from privacy.models import Letter, LetterStatus

# The digest is keyed with SECRET_KEY, so it cannot be reversed by hashing guessed addresses without the key;
# with the key, a later question "did you confirm the erasure to x@y.fi?" is answered by recomputing it.
DIGEST_SALT = "privacy.letter.recipient"


def address_digest(address: str) -> str:
    normalised = " ".join((address or "").split()).lower()
    if not normalised:
        return ""
    return salted_hmac(DIGEST_SALT, normalised, algorithm="sha256").hexdigest()


def address_mask(address: str) -> str:
    """m***@e***.fi for an email address; the first characters of a postal address's first line otherwise."""
    address = " ".join((address or "").split())
    if "@" in address:
        local, _, domain = address.rpartition("@")
        host, dot, tld = domain.rpartition(".")
        return f"{local[:1]}***@{(host or domain)[:1]}***{dot}{tld if host else ''}"
    return f"{address[:3]}***" if address else ""


def letter_minimise(letter: Letter, *, reason: str = "") -> Letter:
    """Clear everything that identifies the person; a letter not yet delivered will not be sent."""
    fields = list(Letter.PERSONAL_DATA_FIELDS)
    for name in fields:
        setattr(letter, name, b"" if name in ("pdf", "attachment") else "")
    letter.minimised_at = timezone.now()
    if letter.status in (LetterStatus.QUEUED, LetterStatus.TO_POST, LetterStatus.UNCERTAIN):
        letter.status = LetterStatus.FAILED
        letter.last_error = reason
        fields += ["status", "last_error"]
    letter.save(update_fields=[*fields, "minimised_at", "updated_at"])
    return letter
