"""The request page as a guided case: where the request stands and what to do next."""

from django.utils.translation import gettext_lazy as _

from privacy.models import ProcessingRestriction, RequestStatus, RequestType

# What "acting" means for each type, said as the next step once the person is found.
ACT_STEP = {
    RequestType.ACCESS: _("Export the data (ZIP) and send it with the cover letter, then complete the request."),
    RequestType.PORTABILITY: _("Export the data (ZIP) and send it with the cover letter, then complete the request."),
    RequestType.RECTIFICATION: _("Correct the contact person's details, then complete the request."),
    RequestType.ERASURE: _("Erase the data: the erase page shows what is deleted and what is kept."),
    RequestType.RESTRICTION: _("Restrict the processing of the matched contact persons, then complete the request."),
    RequestType.OBJECTION: _("Record the objection for the matched contact persons, then complete the request."),
    RequestType.CONSENT: _("Record the withdrawn or changed consent, then complete the request."),
}


def request_has_acted(dsr):
    return (
        ProcessingRestriction.objects.filter(request=dsr).exists()
        or dsr.consents.exists()
        or dsr.status in (RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED)
    )


def request_steps(dsr):
    """(label, done) for received -> identity verified -> matched -> acted -> answered."""
    matched = dsr.matched_contacts.exists()
    return [
        (_("Received"), True),
        (_("Identity verified"), dsr.is_verified),
        (_("Matched"), matched or not dsr.is_open),
        (_("Acted"), request_has_acted(dsr) or not dsr.is_open),
        (_("Answered"), not dsr.is_open),
    ]


def request_next_step(dsr):
    """One sentence: the next thing the officer does on this request."""
    if not dsr.is_open:
        return _("The request is closed. It stays here unchanged as the proof of how it was handled.")
    no_identity_needed = dsr.request_type in (RequestType.OBJECTION, RequestType.CONSENT)
    if not dsr.matched_contacts.exists():
        return _("Find the person in the register and match their records to the request.")
    if not dsr.is_verified and not no_identity_needed:
        return _("Verify the requester's identity before acting on the request.")
    acted = request_has_acted(dsr)
    if not dsr.is_verified and acted:
        # An objection is recorded before the identity check, but only a verified request can be completed.
        return _("Verify the requester's identity, then tell the subject what was done and complete the request.")
    if acted and dsr.request_type != RequestType.ERASURE:
        return _("Tell the subject what was done, then complete the request.")
    return ACT_STEP[dsr.request_type]
