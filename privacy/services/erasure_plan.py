"""What an erasure would do, read before it is done: the erase page shows it and asks to confirm.

Read-only. It applies the same rule as `subject_erase` (a legal hold on the contact or its company
keeps the contact), so what the officer confirms is what happens.
"""

from dataclasses import dataclass, field

from privacy.models import ERASED, OPEN_REQUEST_STATUSES, DataSubjectRequest
from privacy.services.erasure import _hold_of


@dataclass
class KeptContact:
    contact: object
    until: object
    reason: str


@dataclass
class ErasurePlan:
    erased: list = field(default_factory=list)  # contacts deleted for good
    kept: list = field(default_factory=list)  # KeptContact: a legal hold keeps them
    other_requests: list = field(default_factory=list)  # earlier requests whose personal details are removed
    open_requests: list = field(default_factory=list)  # other open requests about the same people


def erasure_plan(*, request: DataSubjectRequest, today) -> ErasurePlan:
    plan = ErasurePlan()
    for contact in request.matched_contacts.select_related("company").order_by("last_name", "first_name", "pk"):
        hold = _hold_of(contact, today)
        if hold:
            plan.kept.append(KeptContact(contact=contact, until=hold[0], reason=hold[1]))
        else:
            plan.erased.append(contact)
    if plan.erased:
        others = (
            DataSubjectRequest.objects.filter(matched_contacts__in=plan.erased)
            .exclude(pk=request.pk)
            .exclude(requester_name=ERASED)
            .distinct()
            .order_by("received_on", "pk")
        )
        plan.other_requests = list(others)
        plan.open_requests = [r for r in plan.other_requests if r.status in OPEN_REQUEST_STATUSES]
    return plan
