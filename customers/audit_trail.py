"""The register's models in the audit trail: every change to a company or a contact is logged."""

from django.core.exceptions import ObjectDoesNotExist

from audit.registry import register_audited
from customers.models import Company, Contact


def contact_repr(contact):
    # The log names a contact by id and company, never by name: a name in an entry would outlive erasure.
    try:
        company = contact.company.name
    except ObjectDoesNotExist:
        return f"Contact #{contact.pk}"
    return f"Contact #{contact.pk} ({company})"


def register_audit_trail():
    register_audited(Company)
    register_audited(Contact, object_repr=contact_repr, repr_related=("company",))
