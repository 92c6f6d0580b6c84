"""Questions the register asks before a contact is changed or deleted by hand, answered by other apps.

The register keeps companies and contacts; data subject requests, restrictions (Art. 18) and consents belong to
the privacy app, which sits above it. Some of the register's rules depend on that state: a restricted contact
is only stored, so staff cannot edit it; a contact in an open request or restricted cannot be deleted. Rather
than importing the privacy app (which would make the register know the compliance workflow and close an
import cycle), the register asks through this registry, and the privacy app fills it from its
``AppConfig.ready()``. With nothing registered (the register on its own) every answer is "no objection".

A registry rather than a restriction flag stored on the contact: the restriction's record (who, why, which
request, when lifted) is the privacy app's, and a copy on the contact could disagree with it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Expression, Value

# A guard returns why the contact must not be changed (or deleted) now, or None.
Guard = Callable[[object], str | None]


@dataclass(frozen=True)
class Marker:
    """A state shown beside a contact in the lists: a queryset expression and the label to show."""

    expression: Callable[[], Expression]
    label: str


_edit_guards: list[Guard] = []
_delete_guards: list[Guard] = []
_restriction_marker: list[Marker] = []


def register_edit_guard(guard: Guard) -> None:
    if guard not in _edit_guards:
        _edit_guards.append(guard)


def register_delete_guard(guard: Guard) -> None:
    if guard not in _delete_guards:
        _delete_guards.append(guard)


def register_restriction_marker(marker: Marker) -> None:
    _restriction_marker[:] = [marker]


def edit_refusal(contact) -> str | None:
    """Why staff may not change this contact by hand now (e.g. it is restricted), or None."""
    if contact is None or contact.pk is None:
        return None
    return next((reason for guard in _edit_guards if (reason := guard(contact))), None)


def delete_refusal(contact) -> str | None:
    """Why this contact may not be deleted by hand now, from the other apps' guards, or None."""
    return next((reason for guard in _delete_guards if (reason := guard(contact))), None)


def restriction_expression() -> Expression:
    """A boolean expression for annotating contacts: True while the contact is marked restricted."""
    if _restriction_marker:
        return _restriction_marker[0].expression()
    return Value(False, output_field=BooleanField())


def restriction_label() -> str:
    return str(_restriction_marker[0].label) if _restriction_marker else ""
