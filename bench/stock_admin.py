"""The baseline: the same models and columns in the admin as Django and django-auditlog ship it, untuned.

Same list columns and search fields as the register's admin, but no estimated
count, no index-aware search, no deferred-join paging, and django-auditlog's
own LogEntry admin. Mounted at /stock-admin/ by bench.urls only.
"""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from customers.models import Company, Contact

site = admin.AdminSite(name="stock_admin")


class StockContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("first_name", "last_name", "title", "email", "phone", "legal_basis", "source", "ended_on")


@admin.register(Company, site=site)
class StockCompanyAdmin(admin.ModelAdmin):
    # Django would pick the register's own list template (admin/customers/company/...) by its name: the baseline
    # is the stock page.
    change_list_template = "admin/change_list.html"
    list_display = ("name", "business_id", "city", "relationship_end")
    search_fields = ("name", "business_id", "city")
    list_filter = ("source",)
    inlines = [StockContactInline]


@admin.register(Contact, site=site)
class StockContactAdmin(admin.ModelAdmin):
    change_list_template = "admin/change_list.html"
    list_display = ("name", "company", "email", "phone")
    search_fields = ("first_name", "last_name", "email", "phone", "company__name")
    list_filter = ("source", "legal_basis")

    @admin.display(ordering="last_name")
    def name(self, obj):
        return str(obj)


site.register(LogEntry, LogEntryAdmin)
