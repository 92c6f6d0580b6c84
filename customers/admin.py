from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin import AccessLoggedAdminMixin, AuditHistoryLinkMixin
from caracom_register.service_errors import ServiceErrorsAdminMixin
from caracom_register.widgets import ValidatedAutocompleteMixin
from customers import guards, services
from customers.admin_bulk import mark_contacts_ended, mark_relationships_ended
from customers.admin_duplicates import DuplicatesAdminMixin
from customers.admin_export import ListExportAdminMixin
from customers.admin_import import ContactImportAdmin, ContactImportAdminMixin
from customers.admin_search import FastChangelistMixin, IndexedSearchMixin, PhoneAwareSearchMixin
from customers.models import Company, Contact, ContactImport, active_customer_q
from customers.public_register.admin import PublicRegisterAdminMixin, PublicRegisterStatusFilter

LEGAL_HOLD_FIELDS = ("legal_hold_until", "legal_hold_reason")


def without_empty_readonly_sections(request, fieldsets, obj):
    """No section of read-only blanks: the record's dates on a new record, a hold Staff cannot set and is not there."""
    hidden = set()
    if obj is None:
        hidden.add(_("Record"))
    if not request.user.has_perm("customers.manage_legal_hold") and not (obj and obj.legal_hold_until):
        hidden.add(_("Legal hold"))
    return [(name, options) for name, options in fieldsets if name not in hidden]


def legal_hold_readonly(request, readonly):
    """Legal-hold fields are shown to everyone but changed only with customers.manage_legal_hold."""
    if request.user.has_perm("customers.manage_legal_hold"):
        return readonly
    return (*readonly, *LEGAL_HOLD_FIELDS)


class RelationshipStatusFilter(admin.SimpleListFilter):
    title = _("relationship status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("ended", _("Ended"))]

    def queryset(self, request, queryset):
        active = active_customer_q(timezone.localdate())
        if self.value() == "active":
            return queryset.filter(active)
        if self.value() == "ended":
            return queryset.exclude(active)
        return queryset


def delete_selected_unless_kept(modeladmin, request, queryset):
    """Django's "delete selected", refused up front with each reason when a selected contact must be kept.

    Django's own action would answer a bare 403 (the kept contact is one the user "may not delete"),
    saying neither which contact nor why.
    """
    refusals = [
        reason for contact in queryset.select_related("company") if (reason := services.contact_delete_refusal(contact))
    ]
    if refusals:
        for reason in refusals:
            messages.error(request, reason)
        messages.error(request, _("Nothing was deleted: some of the selected contacts must be kept."))
        return None
    return delete_selected(modeladmin, request, queryset)


delete_selected_unless_kept.allowed_permissions = delete_selected.allowed_permissions
delete_selected_unless_kept.short_description = delete_selected.short_description
# Under the site action's name, so it takes that action's place on the contact list.
delete_selected_unless_kept.__name__ = "delete_selected"


class ContactInline(admin.TabularInline):
    """A company's contacts on its page: new ones are added here, existing ones are shown read-only.

    An existing contact is changed or deleted on its own page, where the
    restriction (GDPR Art. 18) and legal-hold rules apply and opening it is
    logged as an access. Read-only rows render no form widgets: a company
    with hundreds of contacts stays a quick page (an editable row costs eleven
    widgets, each rendered through a template) and a small POST.
    """

    model = Contact
    extra = 0
    show_change_link = True
    # Five columns fit the company page at 1280 px with the sidebar open (eight ran 2,000 px wide and hid
    # the phone's error). A new contact gets the model's legal basis and source; they, the address and
    # the end date are set on the contact's own page.
    fields = ("first_name", "last_name", "title", "email", "phone")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(
    ServiceErrorsAdminMixin,
    ListExportAdminMixin,
    PublicRegisterAdminMixin,
    AuditHistoryLinkMixin,
    FastChangelistMixin,
    admin.ModelAdmin,
):
    change_list_template = "admin/customers/company/change_list.html"
    actions = [mark_relationships_ended]
    list_display = ("name", "business_id", "city", "relationship_status", "contact_count")
    search_fields = ("name", "business_id", "city")
    # Choices and fixed lookups only: no filter that asks the table for its distinct values.
    list_filter = (RelationshipStatusFilter, "source", PublicRegisterStatusFilter)
    inlines = [ContactInline]
    readonly_fields = ("created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return legal_hold_readonly(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return without_empty_readonly_sections(request, super().get_fieldsets(request, obj), obj)

    fieldsets = (
        (None, {"fields": ("name", "business_id", "source")}),
        (_("Address"), {"fields": ("street_address", "postal_code", "city", "country")}),
        (_("Customer relationship"), {"fields": ("relationship_start", "relationship_end")}),
        (_("Legal hold"), {"fields": ("legal_hold_until", "legal_hold_reason")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        # A correlated count is computed for the page's rows only; a JOIN ... GROUP BY
        # would aggregate every contact of every company for each page.
        contacts = (
            Contact.objects.filter(company=OuterRef("pk"))
            .order_by()
            .values("company")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_contact_count=Coalesce(Subquery(contacts, output_field=IntegerField()), 0))
        )

    @admin.display(description=_("relationship"), ordering="relationship_end")
    def relationship_status(self, obj):
        if obj.is_active_customer:
            return _("Active")
        return _("Ended on %(date)s") % {"date": date_format(obj.relationship_end, "SHORT_DATE_FORMAT")}

    @admin.display(description=_("contacts"), ordering="_contact_count")
    def contact_count(self, obj):
        return obj._contact_count

    def save_model(self, request, obj, form, change):
        data = {name: getattr(obj, name) for name in services.COMPANY_EDITABLE_FIELDS}
        if change:
            services.company_update(company=obj, **data)
        else:
            obj.pk = services.company_create(**data).pk

    def construct_change_message(self, request, form, formsets, add=False):
        # Django's admin history stores each inline object's str(): for a contact, the person's name, in a
        # company's row where erasure and the purge would never look. Name inline contacts by id instead.
        message = super().construct_change_message(request, form, formsets, add)
        labels = {}
        for formset in formsets or ():
            objects = [*formset.new_objects, *(obj for obj, _ in formset.changed_objects), *formset.deleted_objects]
            labels |= {str(obj): f"{obj._meta.object_name} #{obj.pk}" for obj in objects}
        for entry in message:
            for detail in entry.values():
                if isinstance(detail, dict) and detail.get("object") in labels:
                    detail["object"] = labels[detail["object"]]
        return message

    def save_formset(self, request, form, formset, change):
        # Inline contacts go through the same service as the contact page.
        for contact in formset.save(commit=False):
            data = {name: getattr(contact, name) for name in services.CONTACT_EDITABLE_FIELDS}
            if contact.pk:
                services.contact_update(contact=contact, **data)
            else:
                contact.pk = services.contact_create(**data).pk
        for contact in formset.deleted_objects:
            services.contact_delete(contact=contact)


@admin.register(Contact)
class ContactAdmin(
    ServiceErrorsAdminMixin,
    ContactImportAdminMixin,
    ListExportAdminMixin,
    DuplicatesAdminMixin,
    ValidatedAutocompleteMixin,
    AccessLoggedAdminMixin,
    AuditHistoryLinkMixin,
    FastChangelistMixin,
    PhoneAwareSearchMixin,
    IndexedSearchMixin,
    admin.ModelAdmin,
):
    change_list_template = "admin/customers/contact/change_list.html"
    list_display = ("name", "restriction_marker", "company", "email", "phone")
    list_select_related = ("company",)
    # Sorting by name sorts like the default ordering, so the name index serves both directions.
    ordering_ties = {"last_name": ("first_name", "id")}
    # Names and company names are matched folded: "meikalainen" finds "Meikäläinen".
    search_fields = ("name_folded", "email", "phone", "company__name_folded")
    list_filter = ("source", "legal_basis")
    actions = [delete_selected_unless_kept, mark_contacts_ended]
    autocomplete_fields = ("company",)
    readonly_fields = ("created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return legal_hold_readonly(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return without_empty_readonly_sections(request, super().get_fieldsets(request, obj), obj)

    fieldsets = (
        (None, {"fields": ("company", "first_name", "last_name", "title")}),
        (_("Contact details"), {"fields": ("email", "phone", "street_address", "postal_code", "city", "country")}),
        (_("Processing"), {"fields": ("legal_basis", "source", "ended_on")}),
        (_("Legal hold"), {"fields": ("legal_hold_until", "legal_hold_reason")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj):
        return str(obj)

    class Media:
        css = {"all": ("privacy/requests.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_restricted=guards.restriction_expression())

    @admin.display(description=_("restriction"), ordering="_restricted")
    def restriction_marker(self, obj):
        if getattr(obj, "_restricted", False):
            return format_html('<span class="contact-restricted">{}</span>', guards.restriction_label())
        return ""

    # A contact another app guards (e.g. restricted) is read-only for everyone here: the privacy officer
    # rectifies it from the request, so the change is tied to that request.
    def has_change_permission(self, request, obj=None):
        return self.refusal(request, obj, guards.edit_refusal) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.refusal(request, obj, services.contact_delete_refusal):
            return False
        return super().has_delete_permission(request, obj)

    @staticmethod
    def refusal(request, obj, ask):
        """`ask(obj)`, asked once per request: the admin asks for the same contact's permissions six times a page,
        and each answer is a query or two (restrictions, open requests). A request changes none of them before
        it has asked."""
        if obj is None or obj.pk is None:
            return ask(obj)
        answers = request.__dict__.setdefault("_contact_refusals", {})
        key = (ask, obj.pk)
        if key not in answers:
            answers[key] = ask(obj)
        return answers[key]

    def delete_queryset(self, request, queryset):
        # "Delete selected" goes through the same rule as the delete page: all or nothing.
        contacts = list(queryset.select_related("company"))
        refusals = [reason for contact in contacts if (reason := services.contact_delete_refusal(contact))]
        if refusals:
            for reason in refusals:
                messages.error(request, reason)
            raise PermissionDenied(_("Nothing was deleted: some of the selected contacts must be kept."))
        for contact in contacts:
            services.contact_delete(contact=contact)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        refusal = self.refusal(request, obj, guards.edit_refusal) if request.method == "GET" else None
        if refusal:
            messages.warning(request, refusal)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = {name: getattr(obj, name) for name in services.CONTACT_EDITABLE_FIELDS}
        if change:
            services.contact_update(contact=obj, **data)
        else:
            obj.pk = services.contact_create(**data).pk

    def delete_model(self, request, obj):
        services.contact_delete(contact=obj)


admin.site.register(ContactImport, ContactImportAdmin)
