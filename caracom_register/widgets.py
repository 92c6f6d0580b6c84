from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms import ModelMultipleChoiceField


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
