import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from audit.admin import ReadOnlyAdminMixin
from caracom_register.widgets import ValidatedAutocompleteMixin
from customers.models import Contact
from privacy import retention, services
from privacy.models import (
    OPEN_REQUEST_STATUSES,
    VERIFIED_REQUEST_STATUSES,
    Consent,
    ConsentMethod,
    ConsentState,
    DataSubjectRequest,
    NoticeDataCategory,
    NoticePurpose,
    NoticeRecipient,
    NoticeSource,
    PrivacyNoticeVersion,
    ProcessingRestriction,
    PurgeRun,
    RefusalArticle,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from privacy.records import processing_record_markdown


class PublishForm(forms.Form):
    effective_on = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Today or later; the notice page switches to this version on that day."),
    )


class FrozenWhenPublishedInline(admin.StackedInline):
    extra = 0

    def _editable(self, obj):
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class PurposeInline(FrozenWhenPublishedInline):
    model = NoticePurpose
    fields = (
        ("position", "code"),
        ("title_fi", "title_en"),
        ("description_fi", "description_en"),
        ("legal_basis", "can_be_refused"),
    )


class DataCategoryInline(FrozenWhenPublishedInline):
    model = NoticeDataCategory
    fields = (("position", "code"), ("title_fi", "title_en"), ("description_fi", "description_en"))


class SourceInline(FrozenWhenPublishedInline):
    model = NoticeSource
    fields = (("position", "code"), ("title_fi", "title_en"))


class RecipientInline(FrozenWhenPublishedInline):
    model = NoticeRecipient
    fields = (("position", "name", "country", "is_processor"), ("role_fi", "role_en"))


@admin.register(PrivacyNoticeVersion)
class PrivacyNoticeVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "effective_on", "published_at", "published_by")
    list_filter = ("status",)
    # "Delete selected" would sweep published versions too; drafts are deleted one by one.
    actions = None
    inlines = [PurposeInline, DataCategoryInline, SourceInline, RecipientInline]
    readonly_fields = ("number", "status", "effective_on", "published_at", "published_by")
    change_form_template = "admin/privacy/privacynoticeversion/change_form.html"
    change_list_template = "admin/privacy/privacynoticeversion/change_list.html"
    fieldsets = (
        (None, {"fields": ("number", "status", "effective_on", "published_at", "published_by")}),
        (gettext_lazy("What changed (§ 13)"), {"fields": ("change_summary_fi", "change_summary_en")}),
        (
            gettext_lazy("Controller (§ 1)"),
            {
                "fields": (
                    "controller_name",
                    "controller_business_id",
                    "controller_street_address",
                    ("controller_postal_code", "controller_city"),
                    "controller_phone",
                )
            },
        ),
        (
            gettext_lazy("Contact person for the register (§ 2)"),
            {
                "fields": (
                    "contact_name",
                    "contact_street_address",
                    ("contact_postal_code", "contact_city"),
                    ("contact_phone", "contact_email"),
                )
            },
        ),
        (
            gettext_lazy("Services and whose data (§ 3)"),
            {"fields": ("services_context_fi", "services_context_en", "data_subjects_fi", "data_subjects_en")},
        ),
        (
            gettext_lazy("Transfers outside the EU/EEA (§ 8)"),
            {"fields": ("transfers_outside_eea", "transfers_fi", "transfers_en")},
        ),
        (gettext_lazy("Security (§ 9)"), {"fields": ("security_fi", "security_en")}),
        (
            gettext_lazy("Retention (§ 9, § 10)"),
            {
                "fields": (
                    ("retention_months_after_relationship", "audit_log_retention_days"),
                    "retention_fi",
                    "retention_en",
                )
            },
        ),
        (
            gettext_lazy("Rights and requests (§ 11, § 12)"),
            {
                "fields": (
                    "rights_fi",
                    "rights_en",
                    "requests_fi",
                    "requests_en",
                    ("supervisory_authority_fi", "supervisory_authority_en"),
                    "supervisory_authority_url",
                )
            },
        ),
        (gettext_lazy("Changes (§ 13)"), {"fields": ("changes_fi", "changes_en")}),
    )

    # A version is born only as a copy ("new draft from this version"), so
    # its number comes from the service and no half-empty notice appears.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/publish/", wrap(self.publish_view), name=f"{prefix}_publish"),
            path("<int:pk>/new-draft/", wrap(self.new_draft_view), name=f"{prefix}_new_draft"),
            path("record-of-processing/", wrap(self.processing_record_view), name=f"{prefix}_record"),
            path(
                "<int:pk>/record-of-processing/",
                wrap(self.processing_record_view),
                name=f"{prefix}_version_record",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, version):
        return reverse("admin:privacy_privacynoticeversion_change", args=[version.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm("privacy.publish_privacynoticeversion"),
            "can_copy": request.user.has_perm("privacy.add_privacynoticeversion"),
            "can_download_record": request.user.has_perm("privacy.download_processing_record"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_download_record": request.user.has_perm("privacy.download_processing_record"),
        }
        return super().changelist_view(request, extra_context)

    def publish_view(self, request, pk):
        if not request.user.has_perm("privacy.publish_privacynoticeversion"):
            raise PermissionDenied
        version = get_object_or_404(PrivacyNoticeVersion, pk=pk)
        if version.is_published:
            messages.error(request, _("Version %(number)s is already published.") % {"number": version.number})
            return redirect(self._change_url(version))
        if request.method == "POST":
            form = PublishForm(request.POST)
            if form.is_valid():
                try:
                    services.notice_publish(
                        version=version, effective_on=form.cleaned_data["effective_on"], user=request.user
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    messages.success(
                        request,
                        _("Version %(number)s is published and in force from %(date)s.")
                        % {"number": version.number, "date": form.cleaned_data["effective_on"].isoformat()},
                    )
                    return redirect(self._change_url(version))
        else:
            form = PublishForm(initial={"effective_on": timezone.localdate()})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Publish version %(number)s") % {"number": version.number},
            "version": version,
            "form": form,
        }
        return TemplateResponse(request, "admin/privacy/privacynoticeversion/publish.html", context)

    def new_draft_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("privacy.add_privacynoticeversion"):
            raise PermissionDenied
        version = get_object_or_404(PrivacyNoticeVersion, pk=pk)
        draft = services.notice_draft_from(version=version)
        messages.success(
            request,
            _("Draft version %(number)s was created from version %(source)s. Edit it, then publish it.")
            % {"number": draft.number, "source": version.number},
        )
        return redirect(self._change_url(draft))

    def processing_record_view(self, request, pk=None):
        if not request.user.has_perm("privacy.download_processing_record"):
            raise PermissionDenied
        if pk is None:
            version = services.notice_current()
            if version is None:
                raise Http404(_("No privacy notice version is in force."))
        else:
            version = get_object_or_404(PrivacyNoticeVersion, pk=pk)
        language = (get_language() or "en")[:2]
        response = HttpResponse(
            processing_record_markdown(version=version, language=language),
            content_type="text/markdown; charset=utf-8",
        )
        filename = f"record-of-processing-v{version.number}-{language}.md"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


REVIEW_HORIZONS = (30, 60, 90)
REVIEW_LIST_LIMIT = 200


@admin.register(PurgeRun)
class PurgeRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The purge's own record: read-only, for the privacy officer."""

    list_display = (
        "started_at",
        "as_of",
        "dry_run",
        "outcome",
        "contacts_deleted",
        "companies_deleted",
        "audit_entries_deleted",
        "audit_entries_redacted",
        "finished_at",
    )
    list_filter = ("outcome", "dry_run")
    change_list_template = "admin/privacy/purgerun/change_list.html"

    def get_urls(self):
        review = self.admin_site.admin_view(self.retention_review_view)
        return [path("review/", review, name="privacy_retention_review"), *super().get_urls()]

    def retention_review_view(self, request):
        """What expires next, which holds keep what, and the last runs (privacy notice § 10 review)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        horizons = []
        previous = today
        for days in REVIEW_HORIZONS:
            end = today + datetime.timedelta(days=days)
            contacts, companies = retention.expiring_between(previous, end)
            horizons.append(
                {
                    "days": days,
                    "from": previous,
                    "until": end,
                    "contact_count": contacts.count(),
                    "company_count": companies.count(),
                    "contacts": contacts.select_related("company").order_by("pk")[:REVIEW_LIST_LIMIT],
                    "companies": companies.order_by("pk")[:REVIEW_LIST_LIMIT],
                }
            )
            previous = end
        held_contacts, held_companies = retention.active_holds(today)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext_lazy("Retention review"),
            "opts": self.model._meta,
            "today": today,
            "due_now": services.retention_plan(as_of=today),
            "horizons": horizons,
            "held_contacts": held_contacts[:REVIEW_LIST_LIMIT],
            "held_companies": held_companies[:REVIEW_LIST_LIMIT],
            "list_limit": REVIEW_LIST_LIMIT,
            "runs": PurgeRun.objects.all()[:10],
        }
        return TemplateResponse(request, "admin/privacy/retention_review.html", context)


# --- Data subject requests (issue #6) ----------------------------------------------------------------------


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
        fields = (*services.REQUEST_INTAKE_FIELDS, "matched_contacts")
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"})}

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
            _add_errors(self, exc)
        return cleaned


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, [e.message % (e.params or {}) for e in errors])
    else:
        form.add_error(None, exc.messages)


class VerifyForm(forms.Form):
    verification_method = forms.ChoiceField(label=gettext_lazy("How was the identity verified?"))
    verification_note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("What was checked, not the evidence itself (never an ID document number)."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verification_method"].choices = VerificationMethod.choices


class ExtendForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("New due date"), widget=forms.DateInput(attrs={"type": "date"}))
    extension_reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, required=False)
    extension_told_on = forms.DateField(
        label=gettext_lazy("Subject told on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = _("At the latest %(date)s (three months after receipt).") % {
            "date": services.request_latest_due_on(dsr.received_on).isoformat()
        }


class RefuseForm(forms.Form):
    refusal_article = forms.ChoiceField(label=gettext_lazy("GDPR article"), required=False)
    refusal_ground = forms.CharField(label=gettext_lazy("Legal ground"), widget=forms.Textarea, required=False)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refusal_article"].choices = [("", "---------"), *RefusalArticle.choices]


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea,
        required=False,
        help_text=gettext_lazy("What was done and what was kept. Never personal data."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)


class ExportForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address to export"),
        help_text=gettext_lazy("The export covers every contact with this address and the request's matched contacts."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        first = dsr.matched_contacts.exclude(email="").order_by("pk").first()
        self.fields["email"].initial = dsr.requester_email or (first.email if first else "")


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I have checked the matched contacts: erase them for good (contacts under a legal hold are kept)."
        )
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)


class RestrictForm(forms.Form):
    contact = forms.ModelChoiceField(label=gettext_lazy("Contact"), queryset=Contact.objects.none())
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, required=False)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = dsr.matched_contacts.select_related("company")


class LiftForm(forms.Form):
    restriction = forms.ModelChoiceField(
        label=gettext_lazy("Restriction"), queryset=ProcessingRestriction.objects.none()
    )
    subject_informed_on = forms.DateField(
        label=gettext_lazy("Subject informed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Art. 18(3): the subject is told before the restriction is lifted."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restriction"].queryset = ProcessingRestriction.objects.filter(
            contact__in=dsr.matched_contacts.all(), lifted_at__isnull=True
        )


class ConsentForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Contacts"), queryset=Contact.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"))
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=ConsentState.choices)
    method = forms.ChoiceField(label=gettext_lazy("How"), choices=ConsentMethod.choices)
    decided_on = forms.DateField(label=gettext_lazy("On"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = dsr.matched_contacts.select_related("company")
        self.fields["contacts"].initial = list(dsr.matched_contacts.values_list("pk", flat=True))
        self.fields["purpose"].choices = [(p.code, p.localized("title")) for p in services.refusable_purposes()]
        self.fields["decided_on"].initial = timezone.localdate()
        if dsr.request_type == RequestType.OBJECTION:
            self.fields["state"].initial = ConsentState.OBJECTED
        elif dsr.request_type == RequestType.CONSENT:
            self.fields["state"].initial = ConsentState.WITHDRAWN


class LookupForm(forms.Form):
    email = forms.CharField(label=gettext_lazy("Email"), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False)


@dataclass(frozen=True)
class RequestAction:
    form: type
    title: object
    run: object
    label: object


def _run_verify(request, dsr, data):
    services.request_verify_identity(
        request=dsr, method=data["verification_method"], note=data["verification_note"], by=request.user
    )
    return _("The requester's identity is recorded as verified.")


def _run_extend(request, dsr, data):
    dsr = services.request_extend(
        request=dsr, due_on=data["due_on"], reason=data["extension_reason"], subject_told_on=data["extension_told_on"]
    )
    return _("The deadline is now %(date)s.") % {"date": dsr.due_on.isoformat()}


def _run_refuse(request, dsr, data):
    services.request_refuse(
        request=dsr, article=data["refusal_article"], ground=data["refusal_ground"], by=request.user
    )
    return _("The request is refused. Tell the subject the ground and the right to complain to the Ombudsman.")


def _run_complete(request, dsr, data):
    services.request_complete(request=dsr, outcome=data["outcome"], by=request.user)
    return _("The request is completed.")


def _run_export(request, dsr, data):
    export = services.subject_export(email=data["email"], request=dsr)
    response = HttpResponse(export.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _run_erase(request, dsr, data):
    outcome = services.subject_erase(request=dsr, by=request.user)
    return outcome.summary


def _run_restrict(request, dsr, data):
    services.contact_restrict(request=dsr, contact=data["contact"], reason=data["reason"])
    return _("Contact #%(id)s is restricted.") % {"id": data["contact"].pk}


def _run_lift(request, dsr, data):
    services.contact_restriction_lift(
        request=dsr, restriction=data["restriction"], subject_informed_on=data["subject_informed_on"]
    )
    return _("The restriction is lifted; the subject was informed on %(date)s.") % {
        "date": data["subject_informed_on"].isoformat()
    }


def _run_consent(request, dsr, data):
    saved = services.consent_record(
        contacts=data["contacts"],
        purpose=data["purpose"],
        state=data["state"],
        decided_on=data["decided_on"],
        method=data["method"],
        request=dsr,
        note=data["note"],
    )
    return _("Recorded for %(count)s contact(s).") % {"count": len(saved)}


REQUEST_ACTIONS = {
    "verify": RequestAction(VerifyForm, gettext_lazy("Verify identity"), _run_verify, gettext_lazy("Verify identity")),
    "extend": RequestAction(ExtendForm, gettext_lazy("Extend the deadline"), _run_extend, gettext_lazy("Extend")),
    "refuse": RequestAction(RefuseForm, gettext_lazy("Refuse the request"), _run_refuse, gettext_lazy("Refuse")),
    "complete": RequestAction(
        CompleteForm, gettext_lazy("Complete the request"), _run_complete, gettext_lazy("Complete")
    ),
    "export": RequestAction(ExportForm, gettext_lazy("Export the data (ZIP)"), _run_export, gettext_lazy("Export")),
    "erase": RequestAction(EraseForm, gettext_lazy("Erase the data"), _run_erase, gettext_lazy("Erase")),
    "restrict": RequestAction(
        RestrictForm, gettext_lazy("Restrict processing"), _run_restrict, gettext_lazy("Restrict")
    ),
    "lift": RequestAction(LiftForm, gettext_lazy("Lift a restriction"), _run_lift, gettext_lazy("Lift restriction")),
    "consent": RequestAction(
        ConsentForm, gettext_lazy("Record consent or objection"), _run_consent, gettext_lazy("Consent / objection")
    ),
}


def available_actions(dsr):
    """The buttons that make sense for the request's status and type."""
    if not dsr.is_open:
        return []
    if dsr.status == RequestStatus.RECEIVED:
        names = ["verify", "extend", "refuse"]
        if dsr.request_type in (RequestType.OBJECTION, RequestType.CONSENT):
            names.append("consent")  # withdrawing or objecting needs no identity check
        return names
    names = ["extend", "refuse", "complete", "export"]
    by_type = {
        RequestType.ERASURE: ["erase"],
        RequestType.RESTRICTION: ["restrict", "lift"],
        RequestType.OBJECTION: ["consent", "restrict", "lift"],
        RequestType.CONSENT: ["consent"],
    }
    return names + by_type.get(dsr.request_type, [])


class RequestMedia:
    css = {"all": ("privacy/requests.css",)}


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ValidatedAutocompleteMixin, admin.ModelAdmin):
    form = RequestAdminForm
    list_display = ("__str__", "request_type", "status", "received_on", "deadline", "requester_name", "channel")
    list_filter = (DeadlineFilter, "status", "request_type")
    search_fields = ("requester_name", "requester_email")
    ordering = ("due_on", "id")
    autocomplete_fields = ("matched_contacts",)
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
        "verified_by",
        "verified_at",
        "refusal_article",
        "refusal_ground",
        "outcome",
        "closed_by",
        "closed_at",
    )

    def get_fieldsets(self, request, obj=None):
        intake = (None, {"fields": (*services.REQUEST_INTAKE_FIELDS, "matched_contacts")})
        if obj is None:
            return (intake,)
        return (intake, (_("Handling"), {"fields": self.record_fields}))

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.record_fields

    def has_change_permission(self, request, obj=None):
        # A closed request is the proof of handling: it stays as it was closed.
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("due"), ordering="due_on")
    def deadline(self, obj):
        today = timezone.localdate()
        text = obj.due_on.isoformat()
        if obj.is_open and obj.due_on < today:
            text = _("%(date)s (overdue by %(days)s d)") % {"date": text, "days": (today - obj.due_on).days}
        elif obj.is_open:
            text = _("%(date)s (in %(days)s d)") % {"date": text, "days": (obj.due_on - today).days}
        return format_html('<span class="{}">{}</span>', deadline_css_class(obj, today), text)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.REQUEST_INTAKE_FIELDS}
        if change:
            services.request_update(request=obj, **data)
        else:
            obj.pk = services.request_register(**data).pk
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        services.request_match(request=form.instance, contacts=form.cleaned_data["matched_contacts"])

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("lookup/", wrap(self.lookup_view), name="privacy_subject_lookup"),
            path("marketing-audience.csv", wrap(self.marketing_audience_view), name="privacy_marketing_audience"),
            path("<int:pk>/act/<slug:action>/", wrap(self.action_view), name="privacy_request_action"),
            path("<int:pk>/rectify/<int:contact_pk>/", wrap(self.rectify_view), name="privacy_request_rectify"),
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
                "request_actions": [(name, REQUEST_ACTIONS[name].label) for name in available_actions(dsr)],
                "rectify_contacts": list(dsr.matched_contacts.select_related("company"))
                if dsr.request_type == RequestType.RECTIFICATION and dsr.status in VERIFIED_REQUEST_STATUSES
                else [],
                "can_match": dsr.is_open,
                "deadline_class": deadline_css_class(dsr),
                "restrictions": ProcessingRestriction.objects.filter(request=dsr),
                "consents": dsr.consents.all(),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def action_view(self, request, pk, action):
        self._require_handler(request)
        dsr = get_object_or_404(DataSubjectRequest, pk=pk)
        spec = REQUEST_ACTIONS.get(action)
        if spec is None:
            raise Http404(_("No such action."))
        form = spec.form(request.POST or None, dsr=dsr)
        if request.method == "POST" and form.is_valid():
            try:
                result = spec.run(request, dsr, form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
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
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Contact #%(id)s is corrected; the audit trail links the change to request #%(request)s.")
                    % {"id": contact.pk, "request": dsr.pk},
                )
                return redirect(self._change_url(dsr))
        return self._page(
            request,
            "admin/privacy/datasubjectrequest/action.html",
            _("Rectify contact #%(id)s: %(request)s") % {"id": contact.pk, "request": dsr},
            dsr=dsr,
            form=form,
            submit_label=_("Save the correction"),
        )

    def lookup_view(self, request):
        self._require_handler(request)
        dsr = None
        if request.GET.get("request", "").isdigit():
            dsr = get_object_or_404(DataSubjectRequest, pk=request.GET["request"])
        if request.method == "POST" and dsr is not None:
            chosen = Contact.objects.filter(pk__in=[v for v in request.POST.getlist("contact") if v.isdigit()])
            try:
                services.request_match_add(request=dsr, contacts=chosen)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(count)s contact(s) matched to the request.") % {"count": dsr.matched_contacts.count()}
                )
            return redirect(self._change_url(dsr))
        initial = {"email": dsr.requester_email, "name": dsr.requester_name} if dsr is not None else {}
        form = LookupForm(
            request.GET if any(request.GET.get(k) for k in ("email", "name", "phone")) else None, initial=initial
        )
        result = None
        if form.is_bound and form.is_valid():
            try:
                result = services.subject_lookup(**form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
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
            dsr=dsr,
            can_match=dsr is not None and dsr.is_open,
            matched=matched,
            restricted=restricted,
        )

    def marketing_audience_view(self, request):
        if not request.user.has_perm("privacy.export_marketing_audience"):
            raise PermissionDenied
        response = HttpResponse(services.marketing_audience_csv(), content_type="text/csv; charset=utf-8")
        filename = f"marketing-audience-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ReadOnlyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Changed only through the request's actions, so each change is tied to a request."""


@admin.register(Consent)
class ConsentAdmin(ReadOnlyRecordAdmin):
    list_display = ("__str__", "contact", "purpose", "state", "decided_on", "method", "request")
    list_filter = ("purpose", "state")
    list_select_related = ("contact__company", "request")
    change_list_template = "admin/privacy/consent/change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export_audience": request.user.has_perm("privacy.export_marketing_audience"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(ProcessingRestriction)
class ProcessingRestrictionAdmin(ReadOnlyRecordAdmin):
    list_display = ("__str__", "contact", "restricted_at", "lifted_at", "subject_informed_on", "request")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    list_select_related = ("contact__company", "request")
