"""The privacy app's answers to the register's questions (customers.guards): a restricted contact is only
stored (Art. 18), and a contact in an open request is evidence until the request is answered."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers import guards
from privacy.selectors import contact_is_restricted, open_requests, restricted_exists


def refuse_edit_of_restricted(contact) -> str | None:
    if contact_is_restricted(contact):
        return _(
            "This contact is restricted (GDPR Art. 18): it is only stored and cannot be edited here. "
            "The privacy officer corrects it through the data subject request."
        )
    return None


def refuse_delete_in_open_request(contact) -> str | None:
    if contact.pk is not None and open_requests().filter(matched_contacts=contact.pk).exists():
        return _(
            "Contact #%(id)s is part of an open data subject request and cannot be deleted until it is closed."
        ) % {"id": contact.pk}
    return None


def refuse_delete_of_restricted(contact) -> str | None:
    if contact_is_restricted(contact):
        return _("Contact #%(id)s is restricted (GDPR Art. 18): it is only stored, not deleted by hand.") % {
            "id": contact.pk
        }
    return None


def register_guards() -> None:
    guards.register_edit_guard(refuse_edit_of_restricted)
    guards.register_delete_guard(refuse_delete_in_open_request)
    guards.register_delete_guard(refuse_delete_of_restricted)
    guards.register_restriction_marker(guards.Marker(expression=restricted_exists, label=gettext_lazy("Restricted")))
