"""Consents, objections and restrictions, read-only: they change only through a request's actions."""

from django.contrib import admin

from audit.admin import ReadOnlyAdminMixin
from privacy.models import (
    Consent,
    ProcessingRestriction,
)


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
