"""The range of days the register accepts, shared by every date a person types or a command is given.

A date field takes any day from 1.1.0001 to 31.12.9999; one typed wrong by a digit or two is accepted,
then breaks the arithmetic on it (a deadline overdue by 739,918 days, a purge whose audit cut-off falls
before year 1 and overflows) or keeps a record for 8,000 years. Nothing of the register happened before
EARLIEST_DATE, and no hold, end or preview reaches further than YEARS_AHEAD.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

EARLIEST_DATE = datetime.date(1900, 1, 1)
YEARS_AHEAD = 100


def shown_date(value: datetime.date) -> str:
    """A date as a person reads it: 30.11.2026 in Finnish, 2026-11-30 in English."""
    if (translation.get_language() or "").startswith("fi"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value.isoformat()


def latest_date(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + relativedelta(years=YEARS_AHEAD)


def date_bounds_error(value, *, earliest=EARLIEST_DATE, latest=None) -> str | None:
    """Why `value` is outside the register's days (`earliest` to `latest`, default YEARS_AHEAD ahead), or None."""
    latest = latest or latest_date()
    if value < earliest:
        return _("%(date)s is too early: give a date on or after %(earliest)s.") % {
            "date": shown_date(value),
            "earliest": shown_date(earliest),
        }
    if value > latest:
        return _("%(date)s is too far ahead: give a date on or before %(latest)s.") % {
            "date": shown_date(value),
            "latest": shown_date(latest),
        }
    return None


def check_date_bounds(value, *, field: str, earliest=EARLIEST_DATE, latest=None) -> None:
    """Raise a ValidationError on `field` when the date (if any) is outside the register's days."""
    if not isinstance(value, datetime.date):
        return
    error = date_bounds_error(value, earliest=earliest, latest=latest)
    if error:
        raise ValidationError({field: error})
