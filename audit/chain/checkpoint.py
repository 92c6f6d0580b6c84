"""Signed heads of the chain, kept outside the database.

The chain alone cannot show that its newest entries were deleted (the rest still verifies), nor
stop someone who holds the key from rewriting it. A checkpoint written elsewhere every day (the
position, MAC and entry of the head, and the time, signed) can: the chain must still reach that
position with that MAC.
"""

import json
import os
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from audit.chain.append import chain_head
from audit.chain.content import describe, dumps
from audit.chain.keys import chain_key, mac, same
from audit.models import ChainAnchor, ChainLink


class CheckpointError(ValueError):
    pass


def _signature(key, body) -> str:
    return mac(key, b"checkpoint", dumps(body)).hex()


def checkpoint_head(*, using=DEFAULT_DB_ALIAS) -> dict:
    """The signed head of the chain now."""
    position, head_mac = chain_head(using)
    link = ChainLink.objects.using(using).filter(position=position).values_list("table", "entry_id").first()
    body = {
        "position": position,
        "mac": head_mac.hex(),
        "count": position,
        "entry": describe(*link) if link else None,
        "time": timezone.now().isoformat(),
    }
    return {**body, "signature": _signature(chain_key(), body)}


def checkpoint_write(*, path, using=DEFAULT_DB_ALIAS) -> dict:
    """Append the signed head to `path` as one JSON line, flushed to disk before returning."""
    checkpoint = checkpoint_head(using=using)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(checkpoint, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def checkpoint_read(path) -> dict:
    """The last checkpoint in the file at `path`, its signature checked."""
    try:
        lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as error:
        raise CheckpointError(f"Cannot read the checkpoint file {path}: {error.strerror}.") from error
    if not lines:
        raise CheckpointError(f"The checkpoint file {path} is empty.")
    try:
        checkpoint = json.loads(lines[-1])
        body = {name: checkpoint[name] for name in ("position", "mac", "count", "entry", "time")}
        signature = checkpoint["signature"]
    except (ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"The last line of {path} is not a checkpoint ({error}).") from error
    if not same(bytes.fromhex(_signature(chain_key(), body)), bytes.fromhex(str(signature))):
        raise CheckpointError(f"The last checkpoint in {path} is not signed with this AUDIT_CHAIN_KEY.")
    return checkpoint


def checkpoint_compare(checkpoint, *, using=DEFAULT_DB_ALIAS) -> str | None:
    """None when the chain still holds the checkpoint's head; otherwise what is wrong."""
    position, expected = checkpoint["position"], checkpoint["mac"]
    found = ChainLink.objects.using(using).filter(position=position).values_list("mac", flat=True).first()
    if found is None:
        found = ChainAnchor.objects.using(using).filter(position=position).values_list("mac", flat=True).first()
    if found is not None:
        if bytes(found).hex() != expected:
            return (
                f"The chain at position {position} differs from the checkpoint of {checkpoint['time']}: "
                "it was rewritten since."
            )
        return None
    anchor = ChainAnchor.objects.using(using).order_by("-position").values_list("position", flat=True).first()
    if anchor is not None and position < anchor:
        return None  # purged since; the signed anchor stands in for it
    head, _ = chain_head(using)
    return (
        f"Entries missing at the end: the checkpoint of {checkpoint['time']} names position {position} "
        f"({checkpoint['entry']}), but the chain ends at position {head}."
    )
