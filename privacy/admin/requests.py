"""The data subject request's page and list: deadlines in sight, the actions that fit the request."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caracom_register.service_errors import ServiceErrorsAdminMixin, add_validation_errors
from caracom_register.widgets import DateWidget, ValidatedAutocompleteMixin
from customers.models import Contact
from privacy import services
from privacy.admin.letters import letter_urls, letters_context
from privacy.admin.request_actions import REQUEST_ACTIONS, available_actions
from privacy.admin.request_forms import DisclosureRecipientForm, InformRecipientForm, LookupForm, contact_label
from privacy.admin.request_steps import request_next_step, request_steps
from privacy.models import (
    OPEN_REQUEST_STATUSES,
    VERIFIED_REQUEST_STATUSES,
    DataSubjectRequest,
    ProcessingRestriction,
    RecipientNotification,
    RequestType,
)
from privacy.services.erasure_plan import erasure_plan

# --- Data subject requests ----------------------------------------------------------------------


def _consents_in_words(dsr):
    """(contact, purpose title, state) for the request's consents: the purpose's title, not its code."""
    titles = {purpose.code: purpose.localized("title") for purpose in services.refusable_purposes()}
    return [
        (consent.contact, titles.get(consent.purpose, consent.purpose), consent.get_state_display())
        for consent in dsr.consents.select_related("contact")
    ]


def _user_name(user):
    if user is None:
        return "-"
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class DeadlineFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("open", gettext_lazy("Open")),
            ("overdue", gettext_lazy("Overdue")),
            ("due_soon", gettext_lazy("Due within 7 days")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_requests = queryset.filter(status__in=OPEN_REQUEST_STATUSES)
        if self.value() == "open":
            return open_requests
        if self.value() == "overdue":
            return open_requests.filter(due_on__lt=today)
        if self.value() == "due_soon":
            return open_requests.filter(
                due_on__gte=today, due_on__lte=today + datetime.timedelta(days=services.DUE_SOON_DAYS)
            )
        return queryset


def deadline_css_class(dsr, today=None):
    """`dsr-overdue` / `dsr-due-soon` for open requests; the stylesheet colours them (no inline styles: CSP)."""
    today = today or timezone.localdate()
    if not dsr.is_open:
        return "dsr-due dsr-closed"
    if dsr.due_on < today:
        return "dsr-due dsr-overdue"
    if dsr.due_on <= today + datetime.timedelta(days=services.DUE_SOON_DAYS):
        return "dsr-due dsr-due-soon"
    return "dsr-due"


class RequestAdminForm(forms.ModelForm):
    class Meta:
        model = DataSubjectRequest
        # Contacts are matched through the subject lookup, which shows name, email, phone and company
        # (an autocomplete showed names only, so two people of the same name looked the same).
        fields = services.REQUEST_INTAKE_FIELDS
        widgets = {"received_on": DateWidget}

    def clean(self):
        cleaned = super().clean()
        candidate = DataSubjectRequest(
            **{name: cleaned.get(name) for name in services.REQUEST_INTAKE_FIELDS if name in cleaned}
        )
        candidate.requester_email = candidate.requester_email or ""
        candidate.requester_name = (candidate.requester_name or "").strip()
        if self.errors:
            return cleaned
        try:
            services.request_check_intake(request=candidate)
        except ValidationError as exc:
            add_validation_errors(self, exc)
        return cleaned


class RequestMedia:
    css = {"all": ("privacy/requests.css",)}


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ServiceErrorsAdminMixin, ValidatedAutocompleteMixin, admin.ModelAdmin):
    form = RequestAdminForm
    list_display = ("__str__", "request_type", "status", "received_on", "deadline", "requester_name", "channel")
    list_filter = (DeadlineFilter, "status", "request_type")
    search_fields = ("requester_name", "requester_email")
    ordering = ("due_on", "id")
    actions = None
    change_form_template = "admin/privacy/datasubjectrequest/change_form.html"
    change_list_template = "admin/privacy/datasubjectrequest/change_list.html"
    Media = RequestMedia
    record_fields = (
        "status",
        "due_on",
        "extension_reason",
        "extension_told_on",
        "verification_method",
        "verification_note",
        "verifier",
        "verified_at",
        "refusal_article",
        "refusal_ground",
        "outcome",
        "closer",
        "closed_at",
    )

    def get_fieldsets(self, request, obj=None):
        intake = (None, {"fields": services.REQUEST_INTAKE_FIELDS})
        if obj is None:
            return (intake,)
        return (
            intake,
            (_("Matched contact persons"), {"fields": ("matched_people",)}),
            (_("Handling"), {"fields": self.record_fields}),
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("matched_people", *self.record_fields)

    @admin.display(description=gettext_lazy("matched contact persons"))
    def matched_people(self, obj):
        contacts = obj.matched_contacts.select_related("company").order_by("last_name", "first_name", "pk")
        if not contacts:
            return _("None yet: use “Find and match the data subject” above.")
        return format_html_join("", "<div>{}</div>", ((contact_label(contact),) for contact in contacts))

    def has_change_permission(self, request, obj=None):
        # A closed request is the proof of handling: it stays as it was closed.
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    # The colleague's name as text: a link would lead the Privacy officer to the user admin's 403.
    @admin.display(description=gettext_lazy("verified by"))
    def verifier(self, obj):
        return _user_name(obj.verified_by)

    @admin.display(description=gettext_lazy("closed by"))
    def closer(self, obj):
        return _user_name(obj.closed_by)

    @admin.display(description=gettext_lazy("due"), ordering="due_on")
    def deadline(self, obj):
        today = timezone.localdate()
        text = formats.date_format(obj.due_on, "SHORT_DATE_FORMAT")
        if obj.is_open and obj.due_on < today:
            days = (today - obj.due_on).days
            text = ngettext("%(date)s (%(days)s day overdue)", "%(date)s (%(days)s days overdue)", days) % {
                "date": text,
                "days": days,
            }
        elif obj.is_open:
            days = (obj.due_on - today).days
            text = ngettext("%(date)s (in %(days)s day)", "%(date)s (in %(days)s days)", days) % {
                "date": text,
                "days": days,
            }
        return format_html('<span class="{}">{}</span>', deadline_css_class(obj, today), text)

    def _contact_from_lookup(self, request):
        """The contact a lookup result's "create a request for this person" names by id (never by name or
        email: those would stay in access logs)."""
        pk = request.GET.get("contact", "")
        return Contact.objects.select_related("company").filter(pk=pk).first() if pk.isdigit() else None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("contact", None)
        contact = self._contact_from_lookup(request)
        if contact is not None:
            initial.update(
                requester_name=f"{contact.first_name} {contact.last_name}".strip(), requester_email=contact.email
            )
        return initial

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.REQUEST_INTAKE_FIELDS}
        if change:
            services.request_update(request=obj, **data)
        else:
            contact = self._contact_from_lookup(request)
            obj.pk = services.request_register(**data, matched_contacts=[contact] if contact else ()).pk
            obj.refresh_from_db()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("lookup/", wrap(self.lookup_view), name="privacy_subject_lookup"),
            path("marketing-audience.csv", wrap(self.marketing_audience_view), name="privacy_marketing_audience"),
            path("<int:pk>/act/<slug:action>/", wrap(self.action_view), name="privacy_request_action"),
            path("<int:pk>/rectify/<int:contact_pk>/", wrap(self.rectify_view), name="privacy_request_rectify"),
            path("<int:pk>/inform/<int:notification_pk>/", wrap(self.inform_view), name="privacy_request_inform"),
            *letter_urls(self),
            *super().get_urls(),
        ]

    def _require_handler(self, request):
        if not request.user.has_perm("privacy.handle_datasubjectrequest"):
            raise PermissionDenied

    def _change_url(self, dsr):
        return reverse("admin:privacy_datasubjectrequest_change", args=[dsr.pk])

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "media": self.media,
                **context,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dsr = DataSubjectRequest.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = {}
        if dsr is not None and request.user.has_perm("privacy.handle_datasubjectrequest"):
            extra = {
                "request_actions": [
                    (name, REQUEST_ACTIONS[name].label, REQUEST_ACTIONS[name].destructive)
                    for name in available_actions(dsr)
                ],
                "request_steps": request_steps(dsr),
                "next_step": request_next_step(dsr),
                "rectify_contacts": list(dsr.matched_contacts.select_related("company"))
                if dsr.request_type == RequestType.RECTIFICATION and dsr.status in VERIFIED_REQUEST_STATUSES
                else [],
                "can_match": dsr.is_open,
                "deadline_class": deadline_css_class(dsr),
                "restrictions": ProcessingRestriction.objects.filter(request=dsr).select_related("contact"),
                "consents": _consents_in_words(dsr),
                "recipient_notifications": dsr.recipient_notifications.all(),
                **letters_context(dsr),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def action_view(self, request, pk, action):
        self._require_handler(request)
        dsr = get_object_or_404(DataSubjectRequest, pk=pk)
        spec = REQUEST_ACTIONS.get(action)
        # An action that does not fit is not offered as a button; if its address is typed anyway, the
        # service refuses it with its own reason.
        if spec is None:
            raise Http404(_("No such action."))
        # An empty POST (a box left unticked) is still a submission to refuse, not a fresh page.
        form = spec.form(request.POST if request.method == "POST" else None, dsr=dsr)
        if request.method == "POST" and form.is_valid():
            try:
                result = spec.run(request, dsr, form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                if isinstance(result, HttpResponse):
                    return result
                messages.success(request, result)
                return redirect(self._change_url(dsr))
        return self._page(
            request,
            "admin/privacy/datasubjectrequest/action.html",
            f"{spec.title}: {dsr}",
            dsr=dsr,
            form=form,
            action=action,
            submit_label=spec.label,
            destructive=spec.destructive,
            plan=erasure_plan(request=dsr, today=timezone.localdate()) if action == "erase" else None,
        )

    def rectify_view(self, request, pk, contact_pk):
        self._require_handler(request)
        dsr = get_object_or_404(DataSubjectRequest, pk=pk)
        contact = get_object_or_404(dsr.matched_contacts, pk=contact_pk)
        form_class = forms.modelform_factory(Contact, fields=Contact.PERSONAL_DATA_FIELDS)
        form = form_class(request.POST or None, instance=Contact.objects.get(pk=contact.pk))
        if request.method == "POST" and form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.contact_rectify(request=dsr, contact=contact, **changes)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(contact)s is corrected; the audit log links the change to the request. "
                        "Next: tell the subject, then complete the request."
                    )
                    % {"contact": contact},
                )
                return redirect(self._change_url(dsr))
        return self._page(
            request,
            "admin/privacy/datasubjectrequest/action.html",
            _("Correct %(contact)s: %(request)s") % {"contact": contact, "request": dsr},
            dsr=dsr,
            form=form,
            submit_label=_("Save the correction"),
        )

    def lookup_view(self, request):
        """Find the data subject. The terms are posted: in a URL they would land in every access log."""
        self._require_handler(request)
        dsr = None
        if request.GET.get("request", "").isdigit():
            dsr = get_object_or_404(DataSubjectRequest, pk=request.GET["request"])
        if request.method == "POST" and request.POST.get("step") == "match" and dsr is not None:
            chosen = Contact.objects.filter(pk__in=[v for v in request.POST.getlist("contact") if v.isdigit()])
            try:
                services.request_match_add(request=dsr, contacts=chosen)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                count = dsr.matched_contacts.count()
                messages.success(
                    request,
                    ngettext(
                        "%(count)s contact person is now matched to the request. Next: %(next)s",
                        "%(count)s contact persons are now matched to the request. Next: %(next)s",
                        count,
                    )
                    % {"count": count, "next": request_next_step(dsr)},
                )
            return redirect(self._change_url(dsr))
        initial = {"email": dsr.requester_email, "name": dsr.requester_name} if dsr is not None else {}
        form = LookupForm(request.POST if request.method == "POST" else None, initial=initial)
        result = None
        if form.is_bound and form.is_valid():
            try:
                result = services.subject_lookup(**form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
        matched = set(dsr.matched_contacts.values_list("pk", flat=True)) if dsr else set()
        restricted = set(
            ProcessingRestriction.objects.filter(
                contact__in=[c.pk for c in result.contacts] if result else [], lifted_at__isnull=True
            ).values_list("contact_id", flat=True)
        )
        return self._page(
            request,
            "admin/privacy/datasubjectrequest/lookup.html",
            _("Find the data subject"),
            form=form,
            result=result,
            limit=services.LOOKUP_LIMIT,
            dsr=dsr,
            can_match=dsr is not None and dsr.is_open,
            matched=matched,
            restricted=restricted,
        )

    def inform_view(self, request, pk, notification_pk):
        """Art. 19: record that a recipient was informed of the change, or why that was impossible."""
        self._require_handler(request)
        dsr = get_object_or_404(DataSubjectRequest, pk=pk)
        notification = get_object_or_404(RecipientNotification, pk=notification_pk, request=dsr)
        # All fields are optional: an empty POST is still a submission (and an error), not a fresh form.
        form = InformRecipientForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.recipient_notification_record(notification=notification, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Recorded for %(recipient)s.") % {"recipient": notification.recipient})
                return redirect(self._change_url(dsr))
        return self._page(
            request,
            "admin/privacy/datasubjectrequest/action.html",
            _("Inform %(recipient)s of the %(action)s")
            % {"recipient": notification.recipient, "action": notification.get_action_display()},
            dsr=dsr,
            form=form,
            submit_label=_("Record the notification"),
        )

    def marketing_audience_view(self, request):
        if not request.user.has_perm("privacy.export_marketing_audience"):
            raise PermissionDenied
        notice = services.notice_current()
        choices = [r.name for r in notice.recipients.all()] if notice else []
        form = DisclosureRecipientForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                body = services.marketing_audience_csv(recipient=form.cleaned_data["recipient"])
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                response = HttpResponse(body, content_type="text/csv; charset=utf-8")
                filename = f"marketing-audience-{timezone.localdate().isoformat()}.csv"
                response["Content-Disposition"] = f'attachment; filename="{filename}"'
                return response
        return self._page(
            request,
            "admin/privacy/marketing_audience.html",
            _("Download marketing audience (CSV)"),
            form=form,
        )
