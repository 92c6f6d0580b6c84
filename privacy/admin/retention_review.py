"""The retention review page: who expires as of a chosen day, why and since when, and holding them before a purge.

The page is a dry run in the browser: it reads the same selectors the purge deletes by and changes
nothing, except the legal hold the Privacy officer sets from the list (through the customers service).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caracom_register.service_errors import add_validation_errors
from caracom_register.widgets import DateWidget
from customers.models import Company, Contact
from customers.services import legal_hold_set
from privacy import retention, services
from privacy.models import PurgeRun

PAGE_SIZE = 50


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), widget=DateWidget, required=False)


class HoldForm(forms.Form):
    legal_hold_until = forms.DateField(label=gettext_lazy("Hold until"), widget=DateWidget)
    legal_hold_reason = forms.CharField(
        label=gettext_lazy("Reason for the hold"),
        max_length=500,
        help_text=gettext_lazy("The contract or law that requires keeping the records."),
    )


def _day(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def contact_expiry(contact, months):
    """(why, retention ended on) for an expired contact: the earlier of its own end and its company's."""
    starts = []
    if contact.ended_on:
        starts.append(
            (contact.ended_on, _("No longer the company's contact since %(day)s") % {"day": _day(contact.ended_on)})
        )
    if contact.company.relationship_end:
        starts.append(
            (
                contact.company.relationship_end,
                _("The customer relationship ended on %(day)s") % {"day": _day(contact.company.relationship_end)},
            )
        )
    start, why = min(starts, key=lambda item: item[0])
    return why, retention.add_months(start, months)


def company_expiry(company, months):
    why = _("The customer relationship ended on %(day)s") % {"day": _day(company.relationship_end)}
    return why, retention.add_months(company.relationship_end, months)


def retention_review(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    can_hold = request.user.has_perm("customers.manage_legal_hold")
    as_of_form = AsOfForm(request.GET or None)
    as_of = today
    if as_of_form.is_valid() and as_of_form.cleaned_data["as_of"]:
        as_of = as_of_form.cleaned_data["as_of"]
    hold_form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_hold:
            raise PermissionDenied
        contacts = list(Contact.objects.filter(pk__in=_keys(request.POST.getlist("contact"))))
        companies = list(Company.objects.filter(pk__in=_keys(request.POST.getlist("company"))))
        if hold_form.is_valid():
            try:
                held = legal_hold_set(
                    contacts=contacts,
                    companies=companies,
                    until=hold_form.cleaned_data["legal_hold_until"],
                    reason=hold_form.cleaned_data["legal_hold_reason"],
                )
            except ValidationError as exc:
                add_validation_errors(hold_form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s record is now under a legal hold until %(day)s; the purge keeps it.",
                        "%(count)s records are now under a legal hold until %(day)s; the purge keeps them.",
                        held,
                    )
                    % {"count": held, "day": _day(hold_form.cleaned_data["legal_hold_until"])},
                )
                return redirect(request.get_full_path())
    months = retention.settings.RETENTION_MONTHS_AFTER_RELATIONSHIP
    contact_page = Paginator(
        retention.expired_contacts(as_of).select_related("company").order_by("last_name", "first_name", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("contacts_page"))
    company_page = Paginator(retention.expired_companies(as_of).order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("companies_page")
    )
    held_contacts, held_companies = retention.active_holds(today)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Retention review"),
        "opts": model_admin.model._meta,
        "today": today,
        "as_of": as_of,
        "is_today": as_of == today,
        "as_of_form": as_of_form if as_of_form.is_bound else AsOfForm(initial={"as_of": today}),
        "hold_form": hold_form,
        "can_hold": can_hold,
        "due_now": services.retention_plan(as_of=as_of),
        "contact_page": contact_page,
        "contact_rows": [(c, *contact_expiry(c, months)) for c in contact_page],
        "company_page": company_page,
        "company_rows": [(c, *company_expiry(c, months)) for c in company_page],
        "held_contacts": held_contacts[:PAGE_SIZE],
        "held_companies": held_companies[:PAGE_SIZE],
        "runs": PurgeRun.objects.all()[:10],
        "interrupted_runs": PurgeRun.objects.filter(outcome=PurgeRun.Outcome.INTERRUPTED)[:10],
        "media": as_of_form.media,
        "review_url": reverse("admin:privacy_retention_review"),
    }
    return TemplateResponse(request, "admin/privacy/retention_review.html", context)


def _keys(values):
    return [int(v) for v in values if v.isdigit() and len(v) < 19]
