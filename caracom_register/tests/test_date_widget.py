"""One date widget and format for every date field: typed 30.11.2026, 1.12.2026 or ISO, in both languages."""

import datetime

import pytest
from django import forms
from django.utils import translation

from caracom_register.widgets import DateWidget


class DayForm(forms.Form):
    day = forms.DateField(widget=DateWidget)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30.11.2026", datetime.date(2026, 11, 30)),
        ("1.12.2026", datetime.date(2026, 12, 1)),
        ("2026-12-01", datetime.date(2026, 12, 1)),
    ],
)
def test_a_date_is_accepted_in_finnish_form_and_in_iso_in_both_languages(language, typed, expected):
    with translation.override(language):
        form = DayForm({"day": typed})

        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == expected


@pytest.mark.parametrize("typed", ["31.11.2026", "11/30/2026", "30.11.", "tomorrow"])
def test_a_date_that_is_not_a_day_is_refused_with_the_field_error(typed):
    with translation.override("fi"):
        form = DayForm({"day": typed})

        assert not form.is_valid()
        assert "day" in form.errors


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_date_field_shows_its_value_in_the_form_it_is_typed_in(language):
    with translation.override(language):
        html = DayForm(initial={"day": datetime.date(2026, 11, 30)}).as_p()

    assert 'value="30.11.2026"' in html


def test_the_date_widget_is_a_text_field_never_the_browsers_iso_only_date_input():
    html = DayForm().as_p()

    assert 'type="text"' in html
    assert 'type="date"' not in html
    assert "vDateField" in html


def test_the_date_widget_points_to_no_time_zone_note():
    html = DayForm().as_p()

    assert "timezone_warning" not in html


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_date_is_shown_as_day_month_year_in_both_languages(language):
    from django.template import Context, Template

    with translation.override(language):
        shown = Template("{{ day|date }} {{ day|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"day": datetime.date(2026, 12, 1)})
        )

    assert shown == "1.12.2026 1.12.2026"
