"""Duplicate contact persons: who looks like whom, and why.

Candidates (privacy notice § 10: no outdated or incorrect personal data is kept, and a person in the register
twice is both):

* the same email (case-insensitive) in different companies (within one company it is refused outright),
* the same phone number (stored in E.164, so 045 639 3329 and +358 45 639 3329 are the same),
* the same name within one company,
* a near-identical name within one company: trigram similarity of the names with accents folded, so
  "Meikäläinen Maija" and "Maija Meikalainen" match. PostgreSQL computes it with pg_trgm's similarity();
  SQLite (development copies) with the same trigram rule in Python.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from customers.models import Contact

SIMILARITY_THRESHOLD = 0.7
# A phone shared by more contacts than this is a switchboard, not a duplicate.
MAX_GROUP = 20

REASONS = {
    "email": _("same email in another company"),
    "phone": _("same phone"),
    "name": _("same name in the same company"),
    "similar_name": _("similar name in the same company"),
}

_FOLD_FROM = "ÄÖÅÜÉÈÁÀäöåüéèáà"
_FOLD_TO = "AOAUEEAAaoaueeaa"
_FOLD = str.maketrans(_FOLD_FROM, _FOLD_TO)


@dataclass
class DuplicatePair:
    first_id: int
    second_id: int
    reasons: set = field(default_factory=set)

    @property
    def reason_labels(self):
        return [str(REASONS[reason]) for reason in sorted(self.reasons)]


def fold(text):
    return (text or "").translate(_FOLD).lower()


def trigrams(text):
    """pg_trgm's trigrams: each word lower-cased, padded with two spaces before and one after."""
    grams = set()
    for word in re.split(r"[^\w]+", fold(text)):
        if word:
            padded = f"  {word} "
            grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(first, second):
    """pg_trgm's similarity(): shared trigrams over all trigrams of both."""
    a, b = trigrams(first), trigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _pairs_in_groups(rows, reason, pairs, *, other_company_only=False):
    groups = defaultdict(list)
    for pk, key, company_id in rows:
        groups[key].append((pk, company_id))
    for members in groups.values():
        if len(members) > MAX_GROUP:
            continue
        for (a, company_a), (b, company_b) in combinations(sorted(members), 2):
            if other_company_only and company_a == company_b:
                continue
            pairs.setdefault((a, b), DuplicatePair(a, b)).reasons.add(reason)


def _exact_pairs(pairs):
    contacts = Contact.objects.order_by()
    emails = (
        contacts.exclude(email="")
        .annotate(key=Upper("email"))
        .values("key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("key")
    )
    rows = contacts.annotate(key=Upper("email")).filter(key__in=emails).values_list("pk", "key", "company_id")
    _pairs_in_groups(rows, "email", pairs, other_company_only=True)

    phones = contacts.exclude(phone="").values("phone").annotate(n=Count("pk")).filter(n__gt=1).values("phone")
    rows = contacts.filter(phone__in=phones).values_list("pk", "phone", "company_id")
    _pairs_in_groups(rows, "phone", pairs)

    # Grouped in Python: SQLite's lower() knows ASCII only, and "MEIKÄLÄINEN" is "meikäläinen" here too.
    rows = (
        (pk, (company_id, first.lower(), last.lower()), company_id)
        for pk, company_id, first, last in contacts.values_list("pk", "company_id", "first_name", "last_name")
    )
    _pairs_in_groups(rows, "name", pairs)


_SIMILAR_SQL = """
SELECT a.id, b.id
FROM customers_contact a
JOIN customers_contact b ON b.company_id = a.company_id AND b.id > a.id
WHERE similarity(
    lower(translate(a.first_name || ' ' || a.last_name, %(fold_from)s, %(fold_to)s)),
    lower(translate(b.first_name || ' ' || b.last_name, %(fold_from)s, %(fold_to)s))
) >= %(threshold)s
"""


def _similar_pairs(pairs):
    if connection.vendor == "postgresql":
        params = {"fold_from": _FOLD_FROM, "fold_to": _FOLD_TO, "threshold": SIMILARITY_THRESHOLD}
        with connection.cursor() as cursor:  # audit: read-only SQL
            cursor.execute(_SIMILAR_SQL, params)
            found = cursor.fetchall()
    else:
        by_company = defaultdict(list)
        for pk, company_id, first, last in Contact.objects.order_by("company_id", "pk").values_list(
            "pk", "company_id", "first_name", "last_name"
        ):
            by_company[company_id].append((pk, f"{first} {last}"))
        found = [
            (a, b)
            for members in by_company.values()
            for (a, name_a), (b, name_b) in combinations(members, 2)
            if similarity(name_a, name_b) >= SIMILARITY_THRESHOLD
        ]
    for a, b in found:
        pairs.setdefault((a, b), DuplicatePair(a, b)).reasons.add("similar_name")


def duplicate_pairs() -> list[DuplicatePair]:
    """Every candidate pair in the register, the lower id first, ordered by ids."""
    pairs = {}
    _exact_pairs(pairs)
    _similar_pairs(pairs)
    return [pairs[key] for key in sorted(pairs)]


def contact_duplicates_of(*, contact) -> list[tuple[Contact, list[str]]]:
    """Existing contacts a new or changed contact looks like, with why (for the warning on the contact form)."""
    condition = Q()
    if contact.email:
        condition |= Q(email__iexact=contact.email) & ~Q(company_id=contact.company_id)
    if contact.phone:
        condition |= Q(phone=contact.phone)
    if contact.company_id:
        condition |= Q(company_id=contact.company_id)
    if not condition:
        return []
    candidates = Contact.objects.filter(condition).exclude(pk=contact.pk).select_related("company")[:500]
    name = f"{contact.first_name} {contact.last_name}"
    found = []
    for other in candidates:
        reasons = []
        if contact.email and other.email.lower() == contact.email.lower() and other.company_id != contact.company_id:
            reasons.append("email")
        if contact.phone and other.phone == contact.phone:
            reasons.append("phone")
        if other.company_id == contact.company_id:
            if (other.first_name.lower(), other.last_name.lower()) == (
                contact.first_name.lower(),
                contact.last_name.lower(),
            ):
                reasons.append("name")
            elif similarity(name, f"{other.first_name} {other.last_name}") >= SIMILARITY_THRESHOLD:
                reasons.append("similar_name")
        if reasons:
            found.append((other, [str(REASONS[reason]) for reason in reasons]))
    return found
