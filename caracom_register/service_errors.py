"""A service's refusal shown on the form that asked for it, in every form and admin page of ours."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def validation_messages(errors):
    """The finished messages of a list of ValidationErrors.

    A service formats its message before raising (`_("… %(value)s …") % {...}`), so the text may hold a
    literal `%` from the input ("100%"); Django's own iteration applies `params` only when there are some,
    where formatting every message again would fail on that `%`.
    """
    return [message for error in errors for message in ValidationError(error)]


def add_validation_errors(form, exc):
    """Put a service's ValidationError on the form: each field's errors on it, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields and name != NON_FIELD_ERRORS else None
            _add_new(form, field, validation_messages(errors))
    else:
        _add_new(form, None, validation_messages(exc.error_list))


def _add_new(form, field, messages):
    # The form's own validation may already say the same (a rival's row it now sees): say it once.
    shown = form.errors.get(field or NON_FIELD_ERRORS, [])
    messages = [message for message in messages if message not in shown]
    if messages:
        form.add_error(field, messages)


class ServiceErrorsAdminMixin:
    """An add or change page whose save a service refuses shows the refusal on the form, not a server error.

    The admin validates the form, then calls the service in `save_model()`; between the two a concurrent
    writer can take a unique key, and a service may check rules the form cannot. The failed save is rolled
    back (the page runs in a transaction) and the page runs once more with the refusal added to the form's
    validation: nothing of the failed save remains and the user sees their input with the error on its field.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # Only the save (save_model, save_related: the services) raises it here; form validation keeps its own.
            if getattr(request, "_service_refusal", None) is not None:
                raise
            request._service_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                add_validation_errors(self, refusal)

        return RefusedForm
