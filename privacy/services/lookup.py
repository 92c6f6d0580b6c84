"""The subject lookup: the contacts a data subject may be, found by email, name or phone."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import access_record
from customers.models import Contact
from customers.validators import phone_search_variant
from privacy.models import (
    DataSubjectRequest,
)
from privacy.services.request_rules import _valid_email


@dataclass
class SubjectLookupResult:
    contacts: list
    requests: list


def subject_lookup(*, email="", name="", phone="") -> SubjectLookupResult:
    """Every contact (with its company) and past request matching any of the terms; logged as access.

    Email and name ignore case; a phone number matches however it is written (045 639 3329 or +358456393329).
    """
    email, name, phone = (email or "").strip(), (name or "").strip(), (phone or "").strip()
    if not (email or name or phone):
        raise ValidationError(_("Give an email address, a name or a phone number to look for."))
    contact_q, request_q = Q(pk__in=[]), Q(pk__in=[])
    if email:
        email = _valid_email(email)
        contact_q |= Q(email__iexact=email)
        request_q |= Q(requester_email__iexact=email)
    if name:
        words = name.split()
        name_q = Q()
        for word in words:
            name_q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
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
    contacts = list(Contact.objects.filter(contact_q).select_related("company").order_by("last_name", "pk"))
    for contact in contacts:
        access_record_contact(contact)
    requests = list(
        DataSubjectRequest.objects.filter(request_q | Q(matched_contacts__in=[c.pk for c in contacts]))
        .distinct()
        .order_by("-received_on", "-pk")
    )
    return SubjectLookupResult(contacts=contacts, requests=requests)


def access_record_contact(contact):

    access_record(instance=contact)
