"""Texts of Django's admin that read badly in Finnish, listed here so our catalogue can say them better.

Our locale/ comes before Django's own catalogue, so a msgid listed here and
translated in locale/fi wins. Two kinds:

* admin titles that put a model name after a verb ("Muokkaa yhteyshenkilö" lacks the partitive);
* the field labels Django's change history stores in English and translates only when shown
  ("Changed Title, Phone and City"): capitalised verbose names of the register's fields.
"""

from django.utils.translation import gettext_noop

ADMIN_TITLES = (
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
)

HISTORY_FIELD_LABELS = (
    gettext_noop("Business ID"),
    gettext_noop("City"),
    gettext_noop("Country"),
    gettext_noop("Customer relationship ended"),
    gettext_noop("Customer relationship started"),
    gettext_noop("First name"),
    gettext_noop("Last name"),
    gettext_noop("Legal hold reason"),
    gettext_noop("Legal hold until"),
    gettext_noop("Postal code"),
    gettext_noop("Source"),
    gettext_noop("Street address"),
    gettext_noop("Title"),
    gettext_noop("Matched contacts"),
)

# django-auditlog ships no Finnish: its column headers and action names, as its models spell them.
AUDITLOG_LABELS = (
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("content type"),
    gettext_noop("object pk"),
    gettext_noop("object id"),
    gettext_noop("object representation"),
    gettext_noop("action"),
    gettext_noop("change message"),
    gettext_noop("Correlation ID"),
    gettext_noop("remote address"),
    gettext_noop("remote port"),
    gettext_noop("timestamp"),
    gettext_noop("additional data"),
    gettext_noop("actor email"),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("Created {repr:s}"),
    gettext_noop("Updated {repr:s}"),
    gettext_noop("Deleted {repr:s}"),
    gettext_noop("Logged {repr:s}"),
    gettext_noop("Field"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("Relationship"),
    gettext_noop("Action"),
    gettext_noop("Objects"),
)

# Django's own texts its Finnish catalogue leaves untranslated: the blank choice of every select and the
# admin's button for running an action.
DJANGO_UNTRANSLATED = (
    gettext_noop("- Select an option -"),
    gettext_noop("Run"),
)
