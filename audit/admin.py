"""The audit log in the admin: read-only, for the Privacy officer and superusers.

Built to stay fast at millions of rows: no date hierarchy (SELECT DISTINCT
over the table), no full COUNT(*) per page, filters whose choices come from
small tables, and a search that only does indexed equality lookups.
"""

import datetime
from urllib.parse import urlencode

from auditlog.models import LogEntry
from auditlog.render import render_logentry_changes_html
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.context import ANONYMOUS_ACTOR, FALLBACK_ACTOR, service_email
from audit.declarations import audited_models
from audit.models import SecurityEvent
from audit.services import access_record
from caracom_register.changelist import FastRowsAdminMixin

COUNT_CAP = 10_000


class EstimatedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows; an unfiltered list on PostgreSQL uses the planner's estimate."""

    @cached_property
    def count(self):
        qs = self.object_list
        # values("pk"): annotations (a per-row subquery count) are not computed just to be counted.
        capped = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
        if capped <= COUNT_CAP:
            return capped
        connection = connections[qs.db]
        if connection.vendor == "postgresql" and not qs.query.where:
            with connection.cursor() as cursor:  # audit: read-only SQL (planner statistics)
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > COUNT_CAP:
                return int(row[0])
        return COUNT_CAP


def _field_label(model, name):
    """The field's name as its form shows it ("no longer a contact since"), not its code name (ended_on)."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, LookupError, FieldDoesNotExist):
        return name


class ReadOnlyAdminMixin:
    """Nobody, superusers included, adds, changes or deletes through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PeriodFilter(admin.SimpleListFilter):
    title = _("date")
    parameter_name = "period"

    PERIODS = {"today": 0, "7d": 7, "30d": 30, "365d": 365}

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("7d", _("Past 7 days")),
            ("30d", _("Past 30 days")),
            ("365d", _("Past year")),
        ]

    def queryset(self, request, queryset):
        days = self.PERIODS.get(self.value())
        if days is None:
            return queryset
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days)
        return queryset.filter(timestamp__gte=start)


class ModelFilter(admin.SimpleListFilter):
    title = _("model")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        # The registry, not SELECT DISTINCT content_type over the whole log.
        types = ContentType.objects.get_for_models(*audited_models())
        return sorted(((str(ct.pk), model._meta.verbose_name) for model, ct in types.items()), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(content_type_id=int(self.value()))
        return queryset


class ActorFilter(admin.SimpleListFilter):
    title = _("actor")
    parameter_name = "actor_email"

    def lookups(self, request, model_admin):
        emails = list(get_user_model().objects.order_by("email").values_list("email", flat=True))
        for name in (FALLBACK_ACTOR, ANONYMOUS_ACTOR):
            if service_email(name) not in emails:
                emails.append(service_email(name))
        return [(email, email) for email in emails]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(actor_email=self.value())
        return queryset


class IndexedSearchMixin:
    """Search by object id, actor email or correlation id: indexed equality only, never LIKE '%…%'."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(**self.search_lookup(term)), False


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(FastRowsAdminMixin, ReadOnlyAdminMixin, IndexedSearchMixin, admin.ModelAdmin):
    # Fits 1280 px with the sidebar open: the model by its own name (not "app | model"), and the object's
    # id only on the entry's page (searching by id still works).
    list_display = ("timestamp", "action", "model", "object_repr", "actor_email", "changed_fields")
    # The history link adds ?object_pk=…, a plain field lookup the changelist applies itself.
    list_filter = ("action", ActorFilter, ModelFilter, PeriodFilter)
    list_select_related = ("content_type",)
    search_fields = ("object_pk", "actor_email")
    search_help_text = _("An object id (e.g. 42), an actor's email address, or a correlation id.")
    ordering = ("-timestamp",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 100
    fields = (
        "timestamp",
        "action",
        "content_type",
        "object_pk",
        "object_repr",
        "actor_email",
        "actor",
        "remote_addr",
        "cid",
        "change_table",
        "additional_data",
    )
    readonly_fields = fields

    def search_lookup(self, term):
        if term.isdigit():
            return {"object_pk": term}
        if "@" in term:
            return {"actor_email": term.lower()}
        return {"cid": term}

    @admin.display(description=_("model"), ordering="content_type")
    def model(self, obj):
        model = obj.content_type.model_class() if obj.content_type_id else None
        return capfirst(model._meta.verbose_name) if model else obj.content_type.name

    @admin.display(description=_("changed fields"))
    def changed_fields(self, obj):
        if not isinstance(obj.changes, dict):
            return ""
        model = obj.content_type.model_class() if obj.content_type_id else None
        return ", ".join(_field_label(model, name) for name in obj.changes)

    @admin.display(description=_("changes"))
    def change_table(self, obj):
        return render_logentry_changes_html(obj)


@admin.register(SecurityEvent)
class SecurityEventAdmin(FastRowsAdminMixin, ReadOnlyAdminMixin, IndexedSearchMixin, admin.ModelAdmin):
    list_display = ("timestamp", "kind", "factor", "email", "actor_email", "remote_addr")
    list_filter = ("kind", "factor", PeriodFilter)
    search_fields = ("email",)
    search_help_text = _("The exact email address used to sign in.")
    ordering = ("-timestamp",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 100
    readonly_fields = ("timestamp", "kind", "factor", "email", "user", "actor_email", "actor", "remote_addr")

    def search_lookup(self, term):
        return {"email": term.lower()}


def audit_history_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    query = urlencode({"content_type": content_type.pk, "object_pk": obj.pk})
    return f"{reverse('admin:auditlog_logentry_changelist')}?{query}"


class AuditHistoryLinkMixin:
    """Adds an "Audit log" button to the change page for those who may read the log."""

    change_form_template = "admin/audit/change_form_with_history.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and request.user.has_perm("auditlog.view_logentry"):
            context["audit_history_url"] = audit_history_url(obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class AccessLoggedAdminMixin:
    """Opening an object's change page is logged as an ACCESS entry."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "GET":
            access_record(instance=obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
