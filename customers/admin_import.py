"""The contact list's "Import" page: upload, preview what would change, then import (or see every error)."""

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.import_files import ImportFileError
from customers.importing import IMPORT_PERMISSIONS, ImportRefused, contacts_import
from customers.models import Source

# The preview step carries the file back in a hidden field: the browser already has it, the server keeps no copy
# of personal data between the two steps. Larger lists go through the import_contacts command.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (separated by ; or ,) or Excel workbook (XLSX); the first row names the columns."),
    )
    source = forms.ChoiceField(
        label=capfirst(gettext_lazy("source")), choices=Source.choices, initial=Source.CUSTOMER_COMPANY
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; at most %(max)s bytes here. Import larger lists with import_contacts.")
                % {"size": upload.size, "max": MAX_UPLOAD_BYTES}
            )
        return upload


class ImportConfirmForm(forms.Form):
    content = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)
    source = forms.ChoiceField(widget=forms.HiddenInput, choices=Source.choices)

    def clean_content(self):
        try:
            data = base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("The file was not carried over intact; upload it again.")) from None
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large; upload it again."))
        return data


class ContactImportAdminMixin:
    """Adds the import page to the contact admin."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="customers_contact_import"), *super().get_urls()]

    def has_import_permission(self, request):
        return request.user.has_perms(IMPORT_PERMISSIONS)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import contact persons"),
            "opts": self.model._meta,
            "errors": [],
        }
        if request.method == "POST" and request.POST.get("step") == "confirm":
            confirm = ImportConfirmForm(request.POST)
            if confirm.is_valid():
                data = confirm.cleaned_data
                outcome = self._run_import(request, data["content"], data["file_name"], data["source"], False, context)
                if outcome is not None:
                    messages.success(
                        request,
                        _(
                            "Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                            "%(companies)s new companies."
                        )
                        % {
                            "file": data["file_name"],
                            "created": len(outcome.created),
                            "updated": len(outcome.updated),
                            "unchanged": len(outcome.unchanged),
                            "companies": outcome.companies_created,
                        },
                    )
                    return HttpResponseRedirect(reverse("admin:customers_contact_changelist"))
            else:
                context["errors"] = [e for errors in confirm.errors.values() for e in errors]
            upload = ImportUploadForm()
        elif request.method == "POST":
            upload = ImportUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                data = file.read()
                source = upload.cleaned_data["source"]
                report = self._run_import(request, data, file.name, source, True, context)
                if report is not None:
                    context["report"] = report
                    context["confirm"] = ImportConfirmForm(
                        initial={"content": base64.b64encode(data).decode(), "file_name": file.name, "source": source}
                    )
                    context["file_name"] = file.name
        else:
            upload = ImportUploadForm()
        context["form"] = upload
        return TemplateResponse(request, "admin/customers/contact/import.html", context)

    def _run_import(self, request, data, file_name, source, dry_run, context):
        try:
            return contacts_import(data=data, file_name=file_name, user=request.user, source=source, dry_run=dry_run)
        except ImportFileError as exc:
            context["errors"] = exc.errors
        except ImportRefused as exc:
            context["errors"] = exc.report.errors
            context["row_count"] = exc.report.rows
        return None


class ContactImportAdmin(admin.ModelAdmin):
    """The record of each import, read-only: who, when, which file, what it did (no personal data)."""

    list_display = (
        "imported_at",
        "imported_by",
        "file_name",
        "source",
        "rows",
        "contacts_created",
        "contacts_updated",
        "contacts_unchanged",
        "companies_created",
    )
    list_filter = ("source",)
    list_select_related = ("imported_by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
