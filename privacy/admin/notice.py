"""The privacy notice's admin: versions with their purposes, data categories, sources and recipients;
publishing, new drafts and the record of processing activities."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from caracom_register.widgets import DateWidget
from privacy import services
from privacy.admin.announcements import announcement_context, announcement_urls
from privacy.models import (
    NoticeDataCategory,
    NoticePurpose,
    NoticeRecipient,
    NoticeSource,
    PrivacyNoticeVersion,
)
from privacy.records import processing_record_markdown


class PublishForm(forms.Form):
    effective_on = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=DateWidget,
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
        ("profiling_fi", "profiling_en"),
        "automated_decisions",
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
        (
            gettext_lazy("What changed (§ 13)"),
            {"fields": ("change_summary_fi", "change_summary_en", "significant_change")},
        ),
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
            *announcement_urls(self),
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
            **announcement_context(request, object_id),
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
                        % {
                            "number": version.number,
                            "date": date_format(form.cleaned_data["effective_on"], "SHORT_DATE_FORMAT"),
                        },
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
