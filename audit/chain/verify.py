"""Walking the chain: the first entry that fails, and why.

The walk follows chain positions, never ids or timestamps (concurrent transactions commit out of
order; an imported entry may carry an old time), in batches, so memory stays flat. Entries that
have no place in the chain (inserted with SQL) are found with one anti-join at the end.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef

from audit.chain.append import anchor_signature, link_mac
from audit.chain.content import LOG, MODELS, describe, is_redacted, parts, read_rows
from audit.chain.keys import GENESIS, chain_key, mac, same
from audit.chain.maintenance import tombstone_mac
from audit.models import ChainAnchor, ChainLink

CHANGED, MISSING, INSERTED, REORDERED = "changed", "missing", "inserted", "reordered"
LINK_FIELDS = ("position", "table", "entry_id", "sealed_keys", "secret", "commitment", "prev_mac", "mac")
LINK_FIELDS += ("purged_at", "purge_mac")


def _aware(value):
    # SQLite hands back the stored UTC time without its zone (as text or a naive datetime).
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _links_after(position, batch_size, using):
    """The next links in chain order; plain SQL, as millions of them are read (the ORM's per-row work doubled it)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(ChainLink._meta.get_field(name).column) for name in LINK_FIELDS)
    statement = (
        f"SELECT {columns} FROM {quote(ChainLink._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('position')} > %s ORDER BY {quote('position')} LIMIT %s"
    )
    with connection.cursor() as cursor:  # audit: read-only SQL (the verification walks the chain)
        cursor.execute(statement, [position, batch_size])
        links = [dict(zip(LINK_FIELDS, values, strict=True)) for values in cursor.fetchall()]
    for link in links:
        link["purged_at"] = _aware(link["purged_at"])
    return links


@dataclass
class Failure:
    reason: str  # changed | missing | inserted | reordered
    message: str
    table: str | None = None
    entry_id: int | None = None
    position: int | None = None


@dataclass
class Report:
    checked: int = 0
    redacted: int = 0
    purged: int = 0
    start_position: int = 0
    head_position: int = 0
    failure: Failure | None = None
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        return self.failure is None

    def as_dict(self):
        return {"ok": self.ok, **asdict(self)}


def _fail(report, reason, message, table=None, entry_id=None, position=None):
    name = None if table is None else ("log_entry" if table == LOG else "security_event")
    report.failure = Failure(reason, message, name, entry_id, position)
    return report


def _starting_point(key, since, using, report):
    """(position before the first link to check, the MAC it must chain to), or None after a failure."""
    anchor = ChainAnchor.objects.using(using).order_by("-position").first()
    if anchor is not None:
        expected = anchor_signature(key, anchor.position, anchor.mac, anchor.removed, anchor.created_at)
        if not same(anchor.signature, expected):
            _fail(report, CHANGED, f"The purge anchor at position {anchor.position} is not signed with this key.")
            return None
    if since is not None:
        first = ChainLink.objects.using(using).filter(chained_at__gte=since).order_by("position").first()
        if first is not None:
            # What came before is not checked: the first link's own claim is the starting point.
            return first.position - 1, bytes(first.prev_mac)
    if anchor is not None:
        return anchor.position, bytes(anchor.mac)
    return 0, GENESIS


def _broken_link(report, link, using):
    """The link does not chain to the one before it: was that one moved elsewhere or removed?"""
    moved = ChainLink.objects.using(using).filter(mac=bytes(link["prev_mac"])).values_list("position", flat=True)
    moved = moved.first()
    what = describe(link["table"], link["entry_id"])
    if moved is not None:
        message = (
            f"Order changed: {what} (position {link['position']}) was chained after the entry now at position {moved}."
        )
        return _fail(report, REORDERED, message, link["table"], link["entry_id"], link["position"])
    message = f"Entry missing: the entry chained just before {what} (position {link['position']}) is gone."
    return _fail(report, MISSING, message, link["table"], link["entry_id"], link["position"])


def _check_entry(report, key, link, row):
    table, entry_id, position = link["table"], link["entry_id"], link["position"]
    what = describe(table, entry_id)
    if row is None:
        message = f"Entry missing: {what} (position {position}) was deleted; its chain link remains."
        return _fail(report, MISSING, message, table, entry_id, position)
    skeleton, private = parts(table, row, link["sealed_keys"])
    secret = link["secret"]
    if secret is not None:
        if not same(mac(bytes(secret), private), link["commitment"]):
            message = f"Content changed: the personal values or text of {what} (position {position}) were altered."
            return _fail(report, CHANGED, message, table, entry_id, position)
    elif is_redacted(table, row):
        report.redacted += 1
    else:
        message = f"Content changed: the secret of {what} (position {position}) was removed, but it was not redacted."
        return _fail(report, CHANGED, message, table, entry_id, position)
    if not same(link_mac(key, link["prev_mac"], skeleton, link["commitment"]), link["mac"]):
        message = (
            f"Content changed: {what} (position {position}) does not match its MAC (its time, action, actor, "
            "object or changes were altered, or the link was forged)."
        )
        return _fail(report, CHANGED, message, table, entry_id, position)
    return None


def _find_inserted(report, since, using):
    for table, model in MODELS.items():
        linked = ChainLink.objects.using(using).filter(table=table, entry_id=OuterRef("pk"))
        rows = model._base_manager.using(using).filter(~Exists(linked))
        if since is not None:
            rows = rows.filter(timestamp__gte=since)
        entry_id = rows.order_by("pk").values_list("pk", flat=True).first()
        if entry_id is not None:
            message = f"Entry inserted: {describe(table, entry_id)} has no place in the chain."
            return _fail(report, INSERTED, message, table, entry_id)
    return None


def chain_verify(*, since=None, batch_size=5000, using=DEFAULT_DB_ALIAS) -> Report:
    """Check every link from the latest purge anchor (or from the first link chained at `since`)."""
    key = chain_key()
    report = Report()
    start = _starting_point(key, since, using, report)
    if start is None:
        return report
    position, prev = start
    report.start_position = position
    while True:
        links = _links_after(position, batch_size, using)
        if not links:
            break
        wanted = {table: [] for table in MODELS}
        for link in links:
            if link["purged_at"] is None:
                wanted[link["table"]].append(link["entry_id"])
        rows = {table: read_rows(table, ids, using) for table, ids in wanted.items()}
        for link in links:
            if link["position"] != position + 1:
                message = (
                    f"Entry missing: positions {position + 1}-{link['position'] - 1} are gone, before "
                    f"{describe(link['table'], link['entry_id'])}."
                )
                return _fail(report, MISSING, message, link["table"], link["entry_id"], link["position"])
            if not same(link["prev_mac"], prev):
                return _broken_link(report, link, using)
            if link["purged_at"] is not None:
                expected = tombstone_mac(key, link["position"], link["mac"], link["purged_at"])
                if not same(link["purge_mac"], expected):
                    what = describe(link["table"], link["entry_id"])
                    message = f"Entry missing: {what} is marked purged without a valid signature."
                    return _fail(report, MISSING, message, link["table"], link["entry_id"], link["position"])
                report.purged += 1
            elif _check_entry(report, key, link, rows[link["table"]].get(link["entry_id"])):
                return report
            report.checked += 1
            position, prev = link["position"], bytes(link["mac"])
    report.head_position = position
    _find_inserted(report, since, using)
    return report
