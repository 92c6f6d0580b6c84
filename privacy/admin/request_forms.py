"""The forms of the request page's actions (verify, extend, refuse, complete, export, erase, restrict,
lift, consent) and of the subject lookup."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caracom_register.widgets import DateWidget
from customers.models import Contact
from privacy import services
from privacy.models import (
    ConsentMethod,
    ConsentState,
    ProcessingRestriction,
    RefusalArticle,
    RequestType,
    VerificationMethod,
)

# No choice is made for the officer where a wrong one would record a false fact.
CHOOSE = [("", gettext_lazy("Choose…"))]


def contact_label(contact):
    """Name, email and company: two people of the same name must look different in every picker."""
    parts = [str(contact), contact.email, str(contact.company)]
    return " · ".join(part for part in parts if part)


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return contact_label(obj)


class ContactMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return contact_label(obj)


class RestrictionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(contact)s, restricted since %(day)s") % {
            "contact": contact_label(obj.contact),
            "day": formats.date_format(timezone.localtime(obj.restricted_at).date(), "SHORT_DATE_FORMAT"),
        }


class VerifyForm(forms.Form):
    verification_method = forms.ChoiceField(label=gettext_lazy("How was the identity verified?"))
    verification_note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("What was checked, not the evidence itself (never an ID document number)."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verification_method"].choices = [*CHOOSE, *VerificationMethod.choices]


class ExtendForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("New due date"), widget=DateWidget)
    extension_reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, required=False)
    extension_told_on = forms.DateField(label=gettext_lazy("Subject told on"), widget=DateWidget)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = _("At the latest %(date)s (three months after receipt).") % {
            "date": formats.date_format(services.request_latest_due_on(dsr.received_on), "SHORT_DATE_FORMAT")
        }


class RefuseForm(forms.Form):
    refusal_article = forms.ChoiceField(label=gettext_lazy("GDPR article"), required=False)
    refusal_ground = forms.CharField(label=gettext_lazy("Legal ground"), widget=forms.Textarea, required=False)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refusal_article"].choices = [*CHOOSE, *RefusalArticle.choices]


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea,
        required=False,
        help_text=gettext_lazy("What was done and what was kept. Never personal data."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)


class ExportForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address to export"),
        help_text=gettext_lazy("The export covers every contact with this address and the request's matched contacts."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        first = dsr.matched_contacts.exclude(email="").order_by("pk").first()
        self.fields["email"].initial = dsr.requester_email or (first.email if first else "")


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked the lists above: erase the listed contact persons for good."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the erasure; nothing was erased.")},
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)


class RestrictForm(forms.Form):
    contact = ContactChoiceField(label=gettext_lazy("Contact person"), queryset=Contact.objects.none())
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, required=False)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = dsr.matched_contacts.select_related("company")


class LiftForm(forms.Form):
    restriction = RestrictionChoiceField(
        label=gettext_lazy("Restriction"), queryset=ProcessingRestriction.objects.none()
    )
    subject_informed_on = forms.DateField(
        label=gettext_lazy("Subject informed on"),
        widget=DateWidget,
        help_text=gettext_lazy("Art. 18(3): the subject is told before the restriction is lifted."),
    )

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restriction"].queryset = ProcessingRestriction.objects.filter(
            contact__in=dsr.matched_contacts.all(), lifted_at__isnull=True
        ).select_related("contact__company")


class ConsentForm(forms.Form):
    contacts = ContactMultipleChoiceField(
        label=gettext_lazy("Contact persons"), queryset=Contact.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"))
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=[*CHOOSE, *ConsentState.choices])
    method = forms.ChoiceField(label=gettext_lazy("How"), choices=[*CHOOSE, *ConsentMethod.choices])
    decided_on = forms.DateField(label=gettext_lazy("On"), widget=DateWidget)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)

    def __init__(self, *args, dsr, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = dsr.matched_contacts.select_related("company")
        self.fields["contacts"].initial = list(dsr.matched_contacts.values_list("pk", flat=True))
        self.fields["purpose"].choices = [(p.code, p.localized("title")) for p in services.refusable_purposes()]
        self.fields["decided_on"].initial = timezone.localdate()
        if dsr.request_type == RequestType.OBJECTION:
            self.fields["state"].initial = ConsentState.OBJECTED
        elif dsr.request_type == RequestType.CONSENT:
            self.fields["state"].initial = ConsentState.WITHDRAWN


class LookupForm(forms.Form):
    """Posted, never sent in the URL: the terms would stay in web server and proxy access logs after erasure."""

    email = forms.CharField(label=gettext_lazy("Email"), required=False, max_length=254)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("At least three letters; first name, last name or both."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=50)


class InformRecipientForm(forms.Form):
    notified_on = forms.DateField(
        label=gettext_lazy("Informed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.CharField(
        label=gettext_lazy("How"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("E.g. email to the recipient's data protection officer."),
    )
    impossible_reason = forms.CharField(
        label=gettext_lazy("Or: why informing was impossible or disproportionate"),
        required=False,
        widget=forms.Textarea,
    )


class DisclosureRecipientForm(forms.Form):
    recipient = forms.CharField(
        label=gettext_lazy("Recipient"),
        max_length=200,
        help_text=gettext_lazy("Who receives the list: a recipient named in the privacy notice, or another named one."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].widget.attrs["list"] = "notice-recipients"
        self.recipient_choices = list(choices)
