"""The trade register on the company pages: the status flag, the relationship-review filter, fetch and accept."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Company, active_customer_q
from customers.public_register import services
from customers.public_register.client import PublicRegisterError
from customers.public_register.models import FLAGGED_STATUSES, PublicRegisterCheck, RegisterStatus

REVIEW = "review"
ATTRIBUTION = gettext_lazy(
    "Source: Finnish Patent and Registration Office (PRH), the trade register's open data (YTJ), licence CC BY 4.0."
)


class PublicRegisterStatusFilter(admin.SimpleListFilter):
    """The relationship review: companies the register reports as ceased, in an insolvency, or unknown."""

    title = gettext_lazy("trade register status")
    parameter_name = "register_status"

    def lookups(self, request, model_admin):
        return [
            (REVIEW, _("To review: flagged, relationship active")),
            *((status.value, status.label) for status in FLAGGED_STATUSES),
            (RegisterStatus.REGISTERED.value, RegisterStatus.REGISTERED.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == REVIEW:
            return queryset.filter(
                active_customer_q(timezone.localdate()), public_register_check__status__in=FLAGGED_STATUSES
            )
        if value in RegisterStatus.values:
            return queryset.filter(public_register_check__status=value)
        return queryset


class FetchForm(forms.Form):
    business_id = forms.CharField(label=gettext_lazy("business ID"), max_length=20)


class AcceptForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("accept"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )
    fetched_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, differences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = [(d.field, d.label) for d in differences]

    def clean_fetched_at(self):
        try:
            value = datetime.datetime.fromisoformat(self.cleaned_data["fetched_at"])
        except ValueError:
            raise ValidationError(_("The fetch you reviewed is not recognised; fetch again.")) from None
        return value if value.tzinfo else timezone.make_aware(value, datetime.UTC)


class PublicRegisterAdminMixin:
    """Adds the trade-register page to a company, its panel to the change page, its status column to the review."""

    change_form_template = "admin/customers/company/change_form_public_register.html"
    change_list_template = "admin/customers/company/change_list_public_register.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.public_register_view)
        return [
            path("<path:object_id>/trade-register/", view, name="customers_company_public_register"),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if PublicRegisterStatusFilter.parameter_name in request.GET:
            return (*columns, "register_status")
        return columns

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if PublicRegisterStatusFilter.parameter_name in request.GET:
            return queryset.select_related("public_register_check")
        return queryset

    def changelist_view(self, request, extra_context=None):
        if PublicRegisterStatusFilter.parameter_name in request.GET:
            # The status column shows PRH's data: its licence asks for the source beside it.
            extra_context = {**(extra_context or {}), "public_register_attribution": ATTRIBUTION}
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("trade register status"))
    def register_status(self, obj):
        check = getattr(obj, "public_register_check", None)
        if check is None:
            return ""
        if check.status_since:
            return _("%(status)s since %(date)s") % {
                "status": check.get_status_display(),
                "date": _date(check.status_since),
            }
        return check.get_status_display()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            check = PublicRegisterCheck.objects.filter(company=obj).first()
            context["public_register"] = {
                "url": reverse("admin:customers_company_public_register", args=[obj.pk]),
                "check": check,
                "differences": services.register_differences(company=obj, check=check) if check else [],
                "attribution": ATTRIBUTION,
                "can_fetch": self.has_change_permission(request, obj),
            }
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def public_register_view(self, request, object_id):
        company = self.get_object(request, object_id)
        if company is None:
            raise Http404(_("No company with the id “%(id)s”.") % {"id": object_id})
        if not self.has_change_permission(request, company):
            raise PermissionDenied
        here = reverse("admin:customers_company_public_register", args=[company.pk])
        fetch_form = FetchForm(initial={"business_id": company.business_id})
        check = PublicRegisterCheck.objects.filter(company=company).first()
        differences = services.register_differences(company=company, check=check) if check else []
        accept_form = AcceptForm(
            initial={"fetched_at": check.checked_at.isoformat() if check else ""}, differences=differences
        )
        if request.method == "POST" and "fetch" in request.POST:
            fetch_form = FetchForm(request.POST)
            if fetch_form.is_valid():
                try:
                    services.public_register_fetch(company=company, business_id=fetch_form.cleaned_data["business_id"])
                except ValidationError as exc:
                    fetch_form.add_error("business_id", exc.message_dict.get("business_id", exc.messages))
                except PublicRegisterError as exc:
                    messages.error(
                        request,
                        _("The trade register gave no answer (%(reason)s); nothing changed. Try again later.")
                        % {"reason": exc.reason},
                    )
                else:
                    return HttpResponseRedirect(here)
        elif request.method == "POST" and "accept" in request.POST:
            accept_form = AcceptForm(request.POST, differences=differences)
            if accept_form.is_valid():
                try:
                    services.public_register_accept(
                        company=company,
                        fields=accept_form.cleaned_data["fields"],
                        fetched_at=accept_form.cleaned_data["fetched_at"],
                    )
                except ValidationError as exc:
                    accept_form.add_error(None, _labelled_messages(exc))
                else:
                    messages.success(request, _("The details you chose were saved from the trade register."))
                    return HttpResponseRedirect(reverse("admin:customers_company_change", args=[company.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Trade register: %(company)s") % {"company": company},
            "opts": self.model._meta,
            "original": company,
            "company": company,
            "check": check,
            "differences": differences,
            "fetch_form": fetch_form,
            "accept_form": accept_form,
            "rows": _comparison_rows(company, check, differences),
            "attribution": ATTRIBUTION,
        }
        return TemplateResponse(request, "admin/customers/company/public_register.html", context)


def _labelled_messages(error):
    """A ValidationError's messages, each company field's named by its label (the form has no such fields)."""
    if not hasattr(error, "error_dict"):
        return error.messages
    messages_ = []
    for name, errors in error.message_dict.items():
        try:
            label = f"{capfirst(Company._meta.get_field(name).verbose_name)}: "
        except FieldDoesNotExist:
            label = ""
        messages_.extend(f"{label}{message}" for message in errors)
    return messages_


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT")


def _comparison_rows(company, check, differences):
    if check is None:
        return []
    differing = {d.field for d in differences}
    names = ("business_id", *services.REGISTER_FIELDS)
    return [
        {
            "field": name,
            "label": Company._meta.get_field(name).verbose_name,
            "ours": getattr(company, name),
            "theirs": getattr(check, name),
            "differs": name in differing,
        }
        for name in names
    ]
