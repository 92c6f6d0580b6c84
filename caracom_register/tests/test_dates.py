"""The register's range of days, shared by every date field and command."""

import datetime

from django.utils import translation

from caracom_register.dates import EARLIEST_DATE, date_bounds_error, latest_date, shown_date

ONE_DAY = datetime.timedelta(days=1)


def test_the_first_day_of_the_register_is_accepted():
    assert date_bounds_error(EARLIEST_DATE) is None


def test_the_day_before_the_first_is_too_early():
    assert date_bounds_error(EARLIEST_DATE - ONE_DAY) == (
        "1899-12-31 is too early: give a date on or after 1900-01-01."
    )


def test_the_last_day_ahead_is_accepted():
    assert date_bounds_error(latest_date()) is None


def test_the_day_after_the_last_is_too_far_ahead():
    latest = latest_date()
    assert date_bounds_error(latest + ONE_DAY) == (
        f"{(latest + ONE_DAY).isoformat()} is too far ahead: give a date on or before {latest.isoformat()}."
    )


def test_the_last_day_ahead_is_a_hundred_years_from_today():
    assert latest_date(datetime.date(2026, 11, 30)) == datetime.date(2126, 11, 30)
    assert latest_date(datetime.date(2024, 2, 29)) == datetime.date(2124, 2, 29)


def test_a_date_is_shown_the_finnish_way_in_finnish():
    with translation.override("fi"):
        assert shown_date(datetime.date(2026, 11, 30)) == "30.11.2026"
    assert shown_date(datetime.date(2026, 11, 30)) == "2026-11-30"


def test_a_date_out_of_bounds_is_explained_in_finnish_with_finnish_dates():
    with translation.override("fi"):
        assert date_bounds_error(datetime.date(1, 1, 1)) == (
            "1.1.0001 on liian aikaisin: anna päivämäärä 1.1.1900 tai sen jälkeen."
        )
