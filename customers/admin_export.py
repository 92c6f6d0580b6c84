""" "Export CSV" and "Export XLSX" on the company and contact lists: the rows of the current filter and search."""

from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path

from customers.exporting import EXPORT_FORMATS, register_export


class ListExportAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_export"
        return [path("export/<str:fmt>/", view, name=name), *super().get_urls()]

    def export_view(self, request, fmt):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in EXPORT_FORMATS:
            raise Http404
        changelist = self.get_changelist_instance(request)
        search = request.GET.get(SEARCH_VAR, "").strip()
        # The filters as chosen, the search only as its number of words: the words can be a person's name.
        details = {
            "list": self.model._meta.label,
            "filters": {key: value for key, value in sorted(request.GET.items()) if key != SEARCH_VAR},
            "search_words": len(search.split()),
        }
        export = register_export(queryset=changelist.queryset, fmt=fmt, details=details)
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
        return response
