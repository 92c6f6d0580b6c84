"""The subject lookup: the contacts a data subject may be, found by email, name or phone."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import access_record
from caracom_register.folding import fold
from customers.models import Contact
from customers.validators import phone_search_variant
from privacy.models import (
    DataSubjectRequest,
)
from privacy.services.request_rules import _valid_email

# A lookup shows at most this many contacts (and requests): a person is found by a whole email, phone or
# name; a term matching more is too loose to be one person, and showing (and logging as accessed) thousands
# of records to find one took longer than the server's worker timeout.
LOOKUP_LIMIT = 50

# A name of fewer letters ("a", "li") is part of too many names to look for one person.
NAME_MIN_LETTERS = 3


@dataclass
class SubjectLookupResult:
    contacts: list
    requests: list
    # More matched than LOOKUP_LIMIT: only the first are shown; the search must be refined.
    more_contacts: bool = False
    more_requests: bool = False


def _name_term(name):
    if len(name.replace(" ", "")) < NAME_MIN_LETTERS:
        raise ValidationError(
            {
                "name": ngettext(
                    "“%(value)s” is too short to find one person: give at least %(count)s letter of the name.",
                    "“%(value)s” is too short to find one person: give at least %(count)s letters of the name.",
                    NAME_MIN_LETTERS,
                )
                % {"value": name, "count": NAME_MIN_LETTERS}
            }
        )
    return name


def subject_lookup(*, email="", name="", phone="") -> SubjectLookupResult:
    """The contacts (with their company) and past requests matching any of the terms; those shown are logged.

    Email and name ignore case, a name also accents (Meikalainen finds Meikäläinen); a phone number matches
    however it is written (045 639 3329 or +358456393329). At most LOOKUP_LIMIT contacts and requests are
    returned (`more_*` says there were more); only the contacts returned are logged as accessed.
    """
    email, name, phone = (email or "").strip(), (name or "").strip(), (phone or "").strip()
    if not (email or name or phone):
        raise ValidationError(_("Give an email address, a name or a phone number to look for."))
    if name:
        name = _name_term(name)
    contact_q, request_q = Q(pk__in=[]), Q(pk__in=[])
    if email:
        email = _valid_email(email)
        contact_q |= Q(email__iexact=email)
        request_q |= Q(requester_email__iexact=email)
    if name:
        words = name.split()
        name_q = Q()
        for word in words:
            name_q &= Q(name_folded__contains=fold(word))
        contact_q |= name_q
        request_q |= Q(requester_name__icontains=name)
    if phone:
        variant = phone_search_variant(phone)
        if variant is None:
            raise ValidationError(
                {
                    "phone": _("“%(value)s” is not a phone number; give it as +358 45 639 3329 or 045 639 3329.")
                    % {"value": phone[:50]}
                }
            )
        contact_q |= Q(phone=variant)
        request_q |= Q(requester_contact__contains=variant)
    contacts = list(
        Contact.objects.filter(contact_q).select_related("company").order_by("last_name", "pk")[: LOOKUP_LIMIT + 1]
    )
    more_contacts = len(contacts) > LOOKUP_LIMIT
    contacts = contacts[:LOOKUP_LIMIT]
    for contact in contacts:
        access_record_contact(contact)
    requests = list(
        DataSubjectRequest.objects.filter(request_q | Q(matched_contacts__in=[c.pk for c in contacts]))
        .distinct()
        .order_by("-received_on", "-pk")[: LOOKUP_LIMIT + 1]
    )
    return SubjectLookupResult(
        contacts=contacts,
        requests=requests[:LOOKUP_LIMIT],
        more_contacts=more_contacts,
        more_requests=len(requests) > LOOKUP_LIMIT,
    )


def access_record_contact(contact):
    access_record(instance=contact)
