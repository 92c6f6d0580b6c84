"""What redaction and the purge do to the chain, so that both still verify.

Redaction deletes the per-entry secrets (crypto-shredding): the redacted entry's values can no
longer be confirmed, and its skeleton and commitment still verify. The purge turns the links of
the entries it deletes into signed tombstones (entries past retention can sit anywhere in the
chain); once the oldest links are all tombstones, it removes them and leaves a signed anchor (the
last MAC removed and the count), from which verification starts.
"""

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from audit.chain.append import anchor_signature, chain_lock
from audit.chain.guard import purge_allowed
from audit.chain.keys import chain_key, mac
from audit.models import ChainAnchor, ChainLink
from caracom_register.queries import keys_in

COMPACT_BATCH = 50_000
SHRED_BATCH = 10_000


def tombstone_mac(key, position, link_mac, purged_at) -> bytes:
    return mac(key, b"purged", str(position).encode(), bytes(link_mac), purged_at.isoformat().encode())


def shred_secrets(*, table, entry_ids, using=DEFAULT_DB_ALIAS) -> int:
    """Delete the per-entry secrets of these entries; by the (table, entry) index, one array of ids per batch.

    Call inside guard.redaction_allowed(): on PostgreSQL the trigger refuses it otherwise.
    """
    entry_ids, shredded = list(entry_ids), 0
    for start in range(0, len(entry_ids), SHRED_BATCH):
        links = ChainLink.objects.using(using).filter(table=table)
        shredded += links.filter(keys_in("entry_id", entry_ids[start : start + SHRED_BATCH])).update(secret=None)
    return shredded


def tombstone(*, table, entry_ids, cutoff, using=DEFAULT_DB_ALIAS) -> int:
    """Mark the links of entries about to be purged; call in the purge's transaction, before the delete."""
    key = chain_key()
    purged_at = timezone.now()
    links = list(ChainLink.objects.using(using).filter(table=table, entry_id__in=list(entry_ids)).only("mac"))
    for link in links:
        link.purged_at = purged_at
        link.purge_mac = tombstone_mac(key, link.position, link.mac, purged_at)
        link.secret = None
    with purge_allowed(using, cutoff):
        ChainLink.objects.using(using).bulk_update(links, ["purged_at", "purge_mac", "secret"], batch_size=1000)
    return len(links)


def compact(*, cutoff, using=DEFAULT_DB_ALIAS) -> ChainAnchor | None:
    """Remove the leading run of tombstones and record a signed anchor in their place."""
    key = chain_key()
    with transaction.atomic(using=using):
        chain_lock(using)
        anchor = ChainAnchor.objects.using(using).order_by("-position").first()
        start = anchor.position if anchor else 0
        links = ChainLink.objects.using(using).filter(position__gt=start)
        first_live = links.filter(purged_at__isnull=True).order_by("position").values_list("position", flat=True)
        first_live = first_live.first()
        last = links.order_by("-position") if first_live is None else links.filter(position__lt=first_live)
        last = last.order_by("-position").values_list("position", "mac").first()
        if last is None:
            return None
        end, end_mac = last[0], bytes(last[1])
        removed = 0
        with purge_allowed(using, cutoff):
            for low in range(start, end, COMPACT_BATCH):
                removed += (
                    ChainLink.objects.using(using)
                    .filter(position__gt=low, position__lte=min(low + COMPACT_BATCH, end))
                    .delete()[0]
                )
        created_at = timezone.now()
        total = (anchor.removed if anchor else 0) + removed
        return ChainAnchor.objects.using(using).create(
            position=end,
            mac=end_mac,
            removed=total,
            created_at=created_at,
            signature=anchor_signature(key, end, end_mac, total, created_at),
        )
