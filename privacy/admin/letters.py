"""The request page's letters: write one (preview first, then an explicit Send), print it, record that it was
posted, and send again one whose delivery failed or whose outcome is unknown."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy import services
from privacy.admin.request_forms import _add_errors
from privacy.models import DataSubjectRequest, Letter, LetterDelivery, LetterKind
from privacy.services.outbox import letter_file_name


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Letter"))
    delivery = forms.ChoiceField(label=gettext_lazy("Send by"), choices=LetterDelivery.choices)
    note = forms.CharField(
        label=gettext_lazy("Text for the letter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy(
            "For a request for identity information: what is needed and why (required). Otherwise an optional "
            "paragraph added to the letter. Written in the letter's language."
        ),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in services.letter_kinds_for(dsr)]
        self.fields["delivery"].initial = LetterDelivery.EMAIL if dsr.requester_email else LetterDelivery.POST


class PostedForm(forms.Form):
    posted_on = forms.DateField(label=gettext_lazy("Posted on"))


def letters_context(dsr):
    """What the request page's letters block shows."""
    return {
        "letters": list(dsr.letters.order_by("-created_at", "-pk")),
        "can_write_letter": bool(services.letter_kinds_for(dsr)),
        "show_letters": True,
    }


def letter_urls(model_admin):
    wrap = model_admin.admin_site.admin_view
    views = RequestLetterViews(model_admin)
    return [
        path("<int:pk>/letters/new/", wrap(views.new), name="privacy_letter_new"),
        path("<int:pk>/letters/<int:letter_pk>/pdf/", wrap(views.pdf), name="privacy_letter_pdf"),
        path("<int:pk>/letters/<int:letter_pk>/posted/", wrap(views.posted), name="privacy_letter_posted"),
        path("<int:pk>/letters/<int:letter_pk>/send-again/", wrap(views.send_again), name="privacy_letter_send_again"),
    ]


class RequestLetterViews:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _dsr(self, request, pk):
        if not request.user.has_perm("privacy.handle_datasubjectrequest"):
            raise PermissionDenied
        return get_object_or_404(DataSubjectRequest, pk=pk)

    def _back(self, dsr):
        return redirect(reverse("admin:privacy_datasubjectrequest_change", args=[dsr.pk]) + "#letters")

    def new(self, request, pk):
        """GET: choose the letter. POST "preview": show it as it will be sent. POST "send": write and queue it."""
        dsr = self._dsr(request, pk)
        form = LetterForm(request.POST or None, dsr=dsr)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("send") == "1":
                    letter = services.letter_create(
                        request=dsr, kind=data["kind"], note=data["note"], delivery=data["delivery"], by=request.user
                    )
                    messages.success(request, self._sent_message(letter))
                    return self._back(dsr)
                return self._preview(request, dsr, form)
            except ValidationError as exc:
                _add_errors(form, exc)
            except services.PdfUnavailable:
                form.add_error(
                    None, _("The PDF cannot be made on this server: the Pango library is missing (make system-deps).")
                )
        return TemplateResponse(
            request,
            "admin/privacy/datasubjectrequest/action.html",
            {
                **self.model_admin.admin_site.each_context(request),
                "opts": self.model_admin.opts,
                "title": _("Write a letter: %(request)s") % {"request": dsr},
                "dsr": dsr,
                "form": form,
                "submit_label": _("Preview"),
            },
        )

    def _preview(self, request, dsr, form):
        data = form.cleaned_data
        bar = render_to_string(
            "admin/privacy/letters/preview_bar.html",
            {
                "dsr": dsr,
                "form": form,
                "kind_label": LetterKind(data["kind"]).label,
                "by_email": data["delivery"] == LetterDelivery.EMAIL,
                "to": dsr.requester_email if data["delivery"] == LetterDelivery.EMAIL else dsr.requester_contact,
            },
            request=request,
        )
        rendered = services.letter_preview(request=dsr, kind=data["kind"], note=data["note"], delivery=data["delivery"])
        # The stored letter has no nonce and no bar; the preview page adds both (the admin's CSP needs the nonce).
        nonce = get_nonce(request)
        body = rendered.html.replace("<style>", f'<style nonce="{nonce}">' if nonce is not None else "<style>", 1)
        body = body.replace("<body>", "<body>" + bar, 1)
        return HttpResponse(body)

    @staticmethod
    def _sent_message(letter):
        if letter.delivery == LetterDelivery.POST:
            return _("Letter #%(id)s is ready: print its PDF, post it, then record the day it was posted.") % {
                "id": letter.pk
            }
        return _("Letter #%(id)s is in the outbox and is sent to %(to)s now; a failed attempt is retried.") % {
            "id": letter.pk,
            "to": letter.to_masked,
        }

    def pdf(self, request, pk, letter_pk):
        dsr = self._dsr(request, pk)
        letter = get_object_or_404(Letter, pk=letter_pk, request=dsr)
        if not letter.pdf:
            messages.error(request, _("Letter #%(id)s keeps only its proof; its PDF is gone.") % {"id": letter.pk})
            return self._back(dsr)
        response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{letter_file_name(letter)}"'
        return response

    def posted(self, request, pk, letter_pk):
        dsr = self._dsr(request, pk)
        letter = get_object_or_404(Letter, pk=letter_pk, request=dsr)
        if request.method != "POST":
            return self._back(dsr)
        form = PostedForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self._back(dsr)
        try:
            letter = services.letter_record_posted(
                letter=letter, posted_on=form.cleaned_data["posted_on"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Letter #%(id)s is recorded as sent by post on %(date)s.")
                % {"id": letter.pk, "date": date_format(letter.posted_on, "SHORT_DATE_FORMAT")},
            )
        return self._back(dsr)

    def send_again(self, request, pk, letter_pk):
        dsr = self._dsr(request, pk)
        letter = get_object_or_404(Letter, pk=letter_pk, request=dsr)
        if request.method == "POST":
            try:
                services.letter_send_again(letter=letter)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Letter #%(id)s is sent again.") % {"id": letter.pk})
        return self._back(dsr)
