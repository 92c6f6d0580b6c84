"""Appending new entries to the chain, one writer at a time.

On PostgreSQL a transaction-scoped advisory lock serialises the append: the next writer reads the
head only after the previous one committed, so concurrent transactions never fork the chain and a
rolled-back append leaves no hole. The lock is held until the writing transaction commits, so
audited writes queue at their end (docs/audit.md). SQLite allows one writer at a time anyway.
"""

import os

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from audit.chain.content import MODELS, dumps, parts, read_rows, sealed_keys_for
from audit.chain.keys import GENESIS, chain_key, mac
from audit.models import ChainAnchor, ChainLink

TABLES = {model: table for table, model in MODELS.items()}

# Any fixed 64-bit number, distinct from the retention purge's.
CHAIN_LOCK_KEY = 0x43415241_43484149  # "CARA" "CHAI"


def chain_lock(using):
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def chain_head(using) -> tuple[int, bytes]:
    """(position, MAC) of the newest link, or of the latest purge anchor, or the start."""
    last = ChainLink.objects.using(using).order_by("-position").values_list("position", "mac").first()
    if last is None:
        last = ChainAnchor.objects.using(using).order_by("-position").values_list("position", "mac").first()
    if last is None:
        return 0, GENESIS
    return last[0], bytes(last[1])


def link_mac(key, prev_mac, skeleton, commitment) -> bytes:
    return mac(key, b"link", bytes(prev_mac), skeleton, bytes(commitment))


def anchor_signature(key, position, anchor_mac, removed, created_at) -> bytes:
    return mac(key, b"anchor", dumps([position, bytes(anchor_mac).hex(), removed, created_at.isoformat()]))


def chain_append(*, table, ids, using=DEFAULT_DB_ALIAS) -> int:
    """Chain the freshly written rows `ids` of `table` (ChainLink.Table), in id order. Returns links added."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    key = chain_key()
    with transaction.atomic(using=using):
        chain_lock(using)
        position, prev = chain_head(using)
        # Read back from the database, so the content chained is exactly what verification reads.
        rows = read_rows(table, ids, using)
        links = []
        for entry_id in ids:
            row = rows[entry_id]
            sealed = sealed_keys_for(table, row)
            skeleton, private = parts(table, row, sealed)
            secret = os.urandom(32)
            commitment = mac(secret, private)
            position += 1
            entry_mac = link_mac(key, prev, skeleton, commitment)
            links.append(
                ChainLink(
                    position=position,
                    table=table,
                    entry_id=entry_id,
                    sealed_keys=sealed,
                    secret=secret,
                    commitment=commitment,
                    prev_mac=prev,
                    mac=entry_mac,
                )
            )
            prev = entry_mac
        ChainLink.objects.using(using).bulk_create(links, batch_size=2000)
    return len(links)


def chain_saved_entry(sender, instance, created, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save of LogEntry and SecurityEvent: chain each new one in the transaction that wrote it."""
    if created:
        chain_append(table=TABLES[sender], ids=[instance.pk], using=using)
