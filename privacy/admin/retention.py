"""The retention review: purge runs and what expires soon."""

from django.contrib import admin
from django.urls import path

from audit.admin import ReadOnlyAdminMixin
from privacy.admin.retention_review import retention_review
from privacy.models import (
    PurgeRun,
)


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
        """Who expires as of a chosen day, why and since when; holds set from the list (privacy notice § 10)."""
        return retention_review(self, request)
