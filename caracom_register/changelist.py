"""Changelists for tables of a million rows: the database is cheap there, rendering is not.

With estimated counts and indexed queries (customers.admin, audit.admin) a page's
queries take a few milliseconds; what remains is Django's per-cell rendering.
`items_for_result` works every cell out from scratch (which kind of column it is,
which CSS classes, a URL reversed for each row's link) and the template then loops
over every cell. `FastChangeList` works each column out once per page and renders
each row to one string; the markup is the same as the stock admin's, byte for
byte (caracom_register/tests/test_changelist.py compares the two).

It also lets a ModelAdmin declare `ordering_ties`: a column sorted from the
header (?o=-1) becomes "last_name DESC, first_name DESC, id DESC" instead of the
admin's "last_name DESC, id DESC", which no index can serve without sorting.
"""

import datetime

from django.contrib.admin.templatetags.admin_list import _coerce_field_name, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

# Stands in for the primary key in a change URL reversed once per page (admin URLs
# take any path segment as the object id).
_PK_PLACEHOLDER = "caracom-pk-placeholder"


class FastChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        ties = getattr(self.model_admin, "ordering_ties", None)
        if not ties:
            return ordering
        pk_name = self.lookup_opts.pk.name
        expanded, seen = [], set()
        for term in ordering:
            if not isinstance(term, str):
                expanded.append(term)
                continue
            prefix, name = ("-", term[1:]) if term.startswith("-") else ("", term)
            for part in (name, *ties.get(name, ())):
                key = pk_name if part == "pk" else part
                # A later term on a column already sorted on changes nothing; dropping it keeps
                # the ORDER BY identical to the index's column list.
                if key not in seen:
                    seen.add(key)
                    expanded.append(prefix + part)
        return expanded

    def fast_result_context(self):
        """The context of admin/fast_change_list_results.html, or None where the stock renderer must run.

        Editable lists, popups and to_field lookups keep Django's own code path:
        they add form fields and JavaScript hooks to the cells.
        """
        if self.formset is not None or self.is_popup or self.to_field:
            return None
        columns = self._columns()
        if columns is None:
            return None
        link_for = self._link_maker()
        # Every cell escapes its own content (_cell), as format_html does in the stock renderer.
        rows = [
            mark_safe("".join(column(obj, link_for) for column in columns))  # noqa: S308
            for obj in self.result_list
        ]
        headers = list(result_headers(self))
        return {
            "result_headers": headers,
            "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
            "rows": rows,
        }

    def _link_maker(self):
        try:
            template = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(_PK_PLACEHOLDER,),
                current_app=self.model_admin.admin_site.name,
            )
        except NoReverseMatch:
            return None
        template = add_preserved_filters({"preserved_filters": self.preserved_filters, "opts": self.opts}, template)
        template = escape(template)
        pk_attname = self.pk_attname

        def link_for(obj):
            pk = getattr(obj, pk_attname)
            if not isinstance(pk, int):
                # Other keys need the admin's quoting; take the stock path for them.
                url = add_preserved_filters(
                    {"preserved_filters": self.preserved_filters, "opts": self.opts}, self.url_for_result(obj)
                )
                return escape(url)
            return template.replace(_PK_PLACEHOLDER, str(pk))

        return link_for

    def _columns(self):
        """One renderer per column, each worked out once; None if a column needs the stock renderer."""
        columns = []
        first = True
        empty = self.model_admin.get_empty_value_display()
        for index, name in enumerate(self.list_display):
            linked = _link_in_col(first, name, self)
            # The stock renderer makes the first linked cell a <th>, the row's header.
            column = self._column(index, name, linked, empty, header_cell=linked and first)
            if column is None:
                return None
            columns.append(column)
            if linked:
                first = False
        return columns

    def _column(self, index, name, linked, empty, header_cell):
        classes = [f"field-{_coerce_field_name(name, index)}"]
        field = None
        if isinstance(name, str):
            try:
                field = _get_non_gfk_field(self.model._meta, name)
            except FieldDoesNotExist:
                field = None
            except FieldIsAForeignKeyColumnName:
                return None
        if field is not None and not field.auto_created:
            value_of = _field_value(field, name, empty, linked)
            if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
                classes.append("nowrap")
            dated = False
        else:
            if callable(name):
                attr = name
            elif isinstance(name, str) and hasattr(self.model_admin, name) and name != "__str__":
                attr = getattr(self.model_admin, name)
            else:
                # Model methods, properties and related lookups ("company__name"): the stock path.
                return None
            if name == "action_checkbox":
                classes = ["action-checkbox"]
            value_of = _callable_value(
                attr, getattr(attr, "empty_value_display", empty), getattr(attr, "boolean", False)
            )
            dated = True
        return _cell(classes, value_of, linked, header_cell=header_cell, dated=dated)


def _link_in_col(is_first, field_name, cl):
    # The stock rule (admin_list.items_for_result): links go to list_display_links,
    # or to the first column when it is empty.
    if cl.list_display_links is None:
        return False
    if is_first and not cl.list_display_links:
        return True
    return field_name in cl.list_display_links


def _field_value(field, name, empty, linked):
    if isinstance(field.remote_field, models.ManyToOneRel):

        def value_of(obj):
            related = getattr(obj, name)
            return (empty if related is None else related), None

    else:

        def value_of(obj):
            return display_for_field(getattr(obj, name), field, empty, avoid_link=linked), None

    return value_of


def _callable_value(attr, empty, boolean):
    def value_of(obj):
        value = attr(obj)
        return display_for_value(value, empty, boolean), value

    return value_of


def _cell(classes, value_of, linked, *, header_cell, dated):
    base_class = " ".join(classes)
    nowrap_class = " ".join([*classes, "nowrap"])
    tag = "th" if header_cell else "td"

    def render(obj, link_for):
        shown, raw = value_of(obj)
        css = nowrap_class if dated and isinstance(raw, datetime.date | datetime.time) else base_class
        content = conditional_escape(shown)
        if linked and link_for is not None:
            content = f'<a href="{link_for(obj)}">{content}</a>'
        return f'<{tag} class="{css}">{content}</{tag}>'

    return render


class FastRowsAdminMixin:
    """A ModelAdmin whose changelist renders its rows with FastChangeList."""

    change_list_template = "admin/fast_change_list.html"
    # {"last_name": ("first_name", "id")}: sorting on a column sorts on its ties too (see FastChangeList).
    ordering_ties = {}

    def get_changelist(self, request, **kwargs):
        return FastChangeList
