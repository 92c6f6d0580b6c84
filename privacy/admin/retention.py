"""The retention review: purge runs and what expires soon."""

import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit.admin import ReadOnlyAdminMixin
from privacy import retention, services
from privacy.models import (
    PurgeRun,
)

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
