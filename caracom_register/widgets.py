from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelMultipleChoiceField
from django.utils.translation import gettext_lazy as _


class ValidatedOptgroupsMixin:
    """An autocomplete that re-renders a rejected form without choking on the rejected value.

    Django's widget looks the submitted value up to show it again; a value that
    is not a key at all ("abc", a 400-digit number) made that lookup raise.
    """

    def optgroups(self, name, value, attr=None):
        field = self.choices.field

        def is_key(candidate):
            try:
                field.to_python([candidate] if isinstance(field, ModelMultipleChoiceField) else candidate)
            except (ValidationError, OverflowError):
                return False
            return True

        return super().optgroups(name, [v for v in value if is_key(v)], attr)


class ValidatedAutocompleteSelect(ValidatedOptgroupsMixin, AutocompleteSelect):
    pass


class ValidatedAutocompleteSelectMultiple(ValidatedOptgroupsMixin, AutocompleteSelectMultiple):
    pass


class ValidatedAutocompleteMixin:
    """For a ModelAdmin with `autocomplete_fields`: use the widget above for them."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ValidatedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ValidatedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class DateWidget(AdminDateWidget):
    """The one date field of the register, in every form of every app.

    A text field in the active language's input format (30.11.2026) with the
    admin's calendar beside it. Never the browser's `type="date"`: that input
    only takes ISO and shows a localised value as empty, so a Finnish form
    could not be saved. Parsing follows DATE_INPUT_FORMATS, which accept
    30.11.2026, 1.12.2026 and 2026-11-30 in both languages.
    """

    def __init__(self, attrs=None, format=None):
        attrs = {"placeholder": _("dd.mm.yyyy"), "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs=attrs, format=format)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # A day has no time zone: the admin's "you are N hours ahead" note it
        # points to is hidden for date fields (static/caracom_register/admin.css).
        context["widget"]["attrs"].pop("aria-describedby", None)
        return context


# For a ModelAdmin: `formfield_overrides = DATE_FIELD_OVERRIDES`.
DATE_FIELD_OVERRIDES = {models.DateField: {"widget": DateWidget}}
