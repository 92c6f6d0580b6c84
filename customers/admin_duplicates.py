"""The duplicates page of the contact list, the merge page, and the duplicate warning on a new contact's form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.duplicates import contact_duplicates_of, duplicate_pairs
from customers.merging import KEEP, MERGE_FIELDS, OTHER, contact_merge_refusal, contacts_merge
from customers.models import Contact
from customers.validators import normalize_phone

DUPLICATES_PAGE_LIMIT = 500


class DuplicateWarningForm(forms.ModelForm):
    """A new contact that looks like an existing one is held back once with a warning naming the other record."""

    save_anyway = forms.BooleanField(
        label=gettext_lazy("Save anyway"),
        required=False,
        help_text=gettext_lazy("Tick to save although the contact looks like one already in the register."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None or cleaned.get("save_anyway") or self.errors:
            return cleaned
        probe = Contact(
            company=cleaned.get("company"),
            first_name=cleaned.get("first_name") or "",
            last_name=cleaned.get("last_name") or "",
            email=(cleaned.get("email") or "").strip().lower(),
        )
        try:
            probe.phone = normalize_phone(cleaned.get("phone"), region=str(cleaned.get("country") or "FI"))
        except ValidationError:
            probe.phone = ""
        for other, reasons in contact_duplicates_of(contact=probe)[:5]:
            self.add_error(
                None,
                _("Possible duplicate of contact #%(id)s %(name)s (%(company)s): %(reasons)s.")
                % {"id": other.pk, "name": other, "company": other.company, "reasons": ", ".join(reasons)},
            )
        if self.non_field_errors():
            self.add_error(None, _("Check the other record; tick “Save anyway” to save this contact all the same."))
        return cleaned


class MergeForm(forms.Form):
    def __init__(self, *args, keep, other, **kwargs):
        super().__init__(*args, **kwargs)
        self._values = []
        for name in MERGE_FIELDS:
            field = Contact._meta.get_field(name)
            keep_value, other_value = _shown(keep, name), _shown(other, name)
            initial = OTHER if not keep_value and other_value else KEEP
            self.fields[name] = forms.ChoiceField(
                label=field.verbose_name,
                choices=[(KEEP, keep_value or "–"), (OTHER, other_value or "–")],
                widget=forms.RadioSelect,
                initial=initial,
                required=False,
            )
            self._values.append((field.verbose_name, name, keep_value, other_value))

    @property
    def rows(self):
        """(label, field name, kept value, other value, the choice as it stands) for each field."""
        return [(label, name, keep, other, self[name].value()) for label, name, keep, other in self._values]


def _shown(contact, name):
    value = getattr(contact, name)
    if name == "country":
        return str(value.name) if value else ""
    if Contact._meta.get_field(name).choices:
        return str(getattr(contact, f"get_{name}_display")())
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


class DuplicatesAdminMixin:
    def get_urls(self):
        duplicates = self.admin_site.admin_view(self.duplicates_view)
        merge = self.admin_site.admin_view(self.merge_view)
        return [
            path("duplicates/", duplicates, name="customers_contact_duplicates"),
            path("merge/<int:keep_id>/<int:other_id>/", merge, name="customers_contact_merge"),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DuplicateWarningForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and request.method == "POST":
            # Offered once the warning has been shown, i.e. when the form comes back from a POST.
            fieldsets = [*fieldsets, (_("Possible duplicate"), {"fields": ("save_anyway",)})]
        return fieldsets

    def has_merge_permission(self, request):
        return request.user.has_perms(("customers.change_contact", "customers.delete_contact"))

    def duplicates_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        pairs = duplicate_pairs()
        shown = pairs[:DUPLICATES_PAGE_LIMIT]
        contacts = Contact.objects.select_related("company").in_bulk(
            {pk for pair in shown for pk in (pair.first_id, pair.second_id)}
        )
        rows = [(contacts[p.first_id], contacts[p.second_id], p.reason_labels) for p in shown]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Possible duplicates"),
            "opts": self.model._meta,
            "rows": rows,
            "total": len(pairs),
            "limit": DUPLICATES_PAGE_LIMIT,
            "can_merge": self.has_merge_permission(request),
        }
        return TemplateResponse(request, "admin/customers/contact/duplicates.html", context)

    def merge_view(self, request, keep_id, other_id):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        found = Contact.objects.select_related("company").in_bulk([keep_id, other_id])
        if keep_id == other_id or len(found) != 2:
            raise Http404
        keep, other = found[keep_id], found[other_id]
        form = MergeForm(request.POST or None, keep=keep, other=other)
        refusal = contact_merge_refusal(other)
        if request.method == "POST" and refusal is None and form.is_valid():
            try:
                kept = contacts_merge(
                    keep=keep, merge_away=other, choices={k: v for k, v in form.cleaned_data.items() if v}
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Contact #%(other)s was merged into contact #%(keep)s.") % {"other": other_id, "keep": kept.pk},
                )
                return HttpResponseRedirect(reverse("admin:customers_contact_change", args=[kept.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge contact persons"),
            "opts": self.model._meta,
            "keep": keep,
            "other": other,
            "form": form,
            "refusal": refusal,
        }
        return TemplateResponse(request, "admin/customers/contact/merge.html", context)
