"""Bulk actions with a date: "no longer a contact since" on contacts, "relationship ended on" on companies.

Each asks for the date on a page of its own, then changes every selected row through the service (one audit
entry per row); a row the rules refuse stops the whole action and nothing is changed.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from customers.bulk import companies_end_relationship, contacts_end


class BulkDateForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        localize=True,
        help_text=gettext_lazy("For example 30.11.2026."),
        widget=forms.DateInput(attrs={"placeholder": "30.11.2026", "size": 12}),
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(
                _("“%(date)s” is in the future: record the end only once it has happened.")
                % {"date": date.strftime("%d.%m.%Y")}
            )
        return date


def _date_action(modeladmin, request, queryset, *, title, service, done):
    form = BulkDateForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            changed = service(queryset, form.cleaned_data["date"])
        except ValidationError as exc:
            for message in exc.messages:
                modeladmin.message_user(request, message, messages.ERROR)
            modeladmin.message_user(request, _("Nothing was changed."), messages.ERROR)
            return None
        modeladmin.message_user(
            request, done(changed, form.cleaned_data["date"].strftime("%d.%m.%Y")), messages.SUCCESS
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/customers/bulk_date.html", context)


@admin.action(description=gettext_lazy("Mark as no longer a contact since a date"))
def mark_contacts_ended(modeladmin, request, queryset):
    return _date_action(
        modeladmin,
        request,
        queryset,
        title=_("No longer a contact since"),
        service=lambda rows, date: contacts_end(contacts=rows, ended_on=date),
        done=lambda n, date: (
            ngettext(
                "%(count)s contact person marked as no longer a contact since %(date)s.",
                "%(count)s contact persons marked as no longer a contact since %(date)s.",
                n,
            )
            % {"count": n, "date": date}
        ),
    )


@admin.action(description=gettext_lazy("Mark the customer relationship ended on a date"))
def mark_relationships_ended(modeladmin, request, queryset):
    return _date_action(
        modeladmin,
        request,
        queryset,
        title=_("Customer relationship ended"),
        service=lambda rows, date: companies_end_relationship(companies=rows, ended_on=date),
        done=lambda n, date: (
            ngettext(
                "%(count)s company marked as ended on %(date)s.", "%(count)s companies marked as ended on %(date)s.", n
            )
            % {"count": n, "date": date}
        ),
    )
