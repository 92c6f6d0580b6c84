"""What other apps say about merging two contact persons, without the register knowing those apps.

The register (customers) knows nothing of data subject requests, restrictions or consents; the privacy app
registers here, from its AppConfig.ready(), a *refusal* (why a contact must not be merged away now, or None)
and a *mover* (move what it keeps about one contact to another). customers.merging asks every refusal before
a merge and runs every mover during it, in the merge's transaction.
"""

_refusals = []
_movers = []


def register_merge_guard(*, refusal=None, mover=None):
    """`refusal(contact) -> str | None`; `mover(*, source, target)`. Registering the same callable twice is a no-op."""
    if refusal is not None and refusal not in _refusals:
        _refusals.append(refusal)
    if mover is not None and mover not in _movers:
        _movers.append(mover)


def merge_refusal(contact) -> str | None:
    for refusal in _refusals:
        reason = refusal(contact)
        if reason:
            return reason
    return None


def move_kept_records(*, source, target) -> None:
    for mover in _movers:
        mover(source=source, target=target)
