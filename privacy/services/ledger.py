"""Erasures that survive a backup restore: what privacy writes to the erasure ledger (audit.ledger), and
`reapply_erasures`, which erases again what a restored backup brought back."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from audit import ledger
from audit.services import erase_objects
from customers.models import Company, Contact

ERASURE, PURGE, RESTRICTION, RECTIFICATION, MERGE = "erasure", "purge", "restriction", "rectification", "merge"
CONTACT, COMPANY = Contact._meta.label_lower, Company._meta.label_lower
# The values that identify a person again in a re-imported copy; all of them are declared personal data.
CONTACT_IDENTIFIERS = ("email", "phone", "name_company")
# A phone number can be a shared switchboard: alone it confirms a primary key, it does not find a copy.
FINDS_A_COPY = ("email", "name_company")
assert {"email", "phone", "first_name", "last_name"} <= set(Contact.PERSONAL_DATA_FIELDS)


def _contact_identifiers(row):
    name = f"{row['first_name']} {row['last_name']}".strip()
    return {
        "email": row["email"],
        "phone": row["phone"],
        "name_company": f"{name}|{row['company__name']}" if name else "",
    }


def _contact_rows(pks):
    fields = ("pk", "first_name", "last_name", "email", "phone", "company__name")
    return Contact._base_manager.filter(pk__in=list(pks)).values(*fields)


def ledger_record_contacts(*, kind, pks, reference) -> int:
    """Append a line per contact, read before it is erased (call in the erasing transaction)."""
    records = [
        {
            "kind": kind,
            "model": CONTACT,
            "pk": row["pk"],
            "identifiers": _contact_identifiers(row),
            "reference": reference,
        }
        for row in _contact_rows(pks)
    ]
    return ledger.ledger_append(records=records)


def ledger_record_companies(*, kind, pks, reference) -> int:
    records = [
        {"kind": kind, "model": COMPANY, "pk": pk, "identifiers": {"name": name}, "reference": reference}
        for pk, name in Company._base_manager.filter(pk__in=list(pks)).values_list("pk", "name")
    ]
    return ledger.ledger_append(records=records)


@transaction.atomic
def contacts_erase(*, pks, reference, kind=ERASURE) -> int:
    """Erase contacts for good (the trail about them redacted) and record each in the ledger; entries redacted."""
    pks = sorted(set(pks))
    if not pks:
        return 0
    # Read for the ledger before the rows go; the ledger line is written before the commit, so an
    # erasure that cannot be recorded does not happen.
    ledger_record_contacts(kind=kind, pks=pks, reference=reference)
    return erase_objects(model=Contact, pks=pks)


@dataclass
class ReapplyOutcome:
    dry_run: bool
    ledger_lines: int = 0
    contacts: list = field(default_factory=list)  # (contact id, ledger line)
    companies: list = field(default_factory=list)  # (company id, ledger line)
    companies_kept: list = field(default_factory=list)  # (company id, ledger line): contacts not erased remain
    restrictions: list = field(default_factory=list)  # (contact id, ledger line, reference): redo by hand
    rectifications: list = field(default_factory=list)  # (contact id, ledger line, reference): redo by hand


def _contacts_matching(line, by_hash, *, copies=True):
    """Contacts in the database that are the ledger line's record: same key and an identifier, or a copy.

    A merged-away contact is matched by its key only: the contact it was merged into carries the same
    identifiers on purpose, and must not be taken for a copy.
    """
    hashes = line["hashes"]
    found = set()
    candidate = Contact._base_manager.filter(pk=line["pk"]).values(
        "pk", "first_name", "last_name", "email", "phone", "company__name"
    )
    for row in candidate:
        values = _contact_identifiers(row)
        if any(hashes.get(name) and hashes[name] == ledger.ledger_hash(name, values[name]) for name in values):
            found.add(row["pk"])
    for name in FINDS_A_COPY if copies else ():
        if hashes.get(name):
            found.update(by_hash.get((name, hashes[name]), ()))
    return found


def _hash_index():
    """Every contact's identifier hashes: one pass over the register, so a copy under a new key is found."""
    index = {}
    rows = Contact._base_manager.values("pk", "first_name", "last_name", "email", "phone", "company__name")
    for row in rows.iterator(chunk_size=5000):
        for name, value in _contact_identifiers(row).items():
            if name in FINDS_A_COPY and (digest := ledger.ledger_hash(name, value)):
                index.setdefault((name, digest), []).append(row["pk"])
    return index


def erasures_reapply(*, dry_run=False) -> ReapplyOutcome:
    """After a backup restore: erase again every ledger record that is back, through the erasure service.

    Restrictions and rectifications recorded in the ledger are listed for the Privacy officer to redo.
    Raises audit.ledger.LedgerError when the ledger is missing, changed or truncated (nothing is done).
    """
    lines = ledger.ledger_read()
    outcome = ReapplyOutcome(dry_run=dry_run, ledger_lines=len(lines))
    by_hash = _hash_index() if lines else {}
    erased = set()
    for line in lines:
        if line["model"] == CONTACT:
            matches = _contacts_matching(line, by_hash) - erased
            if line["kind"] in (ERASURE, PURGE):
                outcome.contacts += [(pk, line["n"]) for pk in sorted(matches)]
                erased |= matches
            elif line["kind"] == MERGE:
                matches = _contacts_matching(line, by_hash, copies=False) - erased
                outcome.contacts += [(pk, line["n"]) for pk in sorted(matches)]
                erased |= matches
            elif line["kind"] == RESTRICTION:
                outcome.restrictions += [(pk, line["n"], line["reference"]) for pk in sorted(matches)]
            elif line["kind"] == RECTIFICATION:
                outcome.rectifications += [(pk, line["n"], line["reference"]) for pk in sorted(matches)]
    for line in lines:
        if line["model"] == COMPANY and line["kind"] == PURGE:
            company = Company._base_manager.filter(pk=line["pk"]).values("pk", "name").first()
            if company and ledger.ledger_hash("name", company["name"]) == line["hashes"].get("name"):
                outcome.companies.append((company["pk"], line["n"]))
    if dry_run:
        return outcome
    with transaction.atomic():
        for line_number in sorted({n for _, n in outcome.contacts}):
            pks = [pk for pk, n in outcome.contacts if n == line_number]
            contacts_erase(pks=pks, reference=f"reapplied from ledger line {line_number}")
        erasing = {pk for pk, _ in outcome.companies}
        remaining = dict(
            Company._base_manager.filter(pk__in=erasing).annotate(n=Count("contacts")).values_list("pk", "n")
        )
        keep = [(pk, n) for pk, n in outcome.companies if remaining.get(pk)]
        outcome.companies_kept = keep
        outcome.companies = [(pk, n) for pk, n in outcome.companies if not remaining.get(pk)]
        gone = [pk for pk, _ in outcome.companies]
        if gone:
            ledger_record_companies(kind=PURGE, pks=gone, reference="reapplied from the ledger")
            erase_objects(model=Company, pks=gone)
    return outcome
