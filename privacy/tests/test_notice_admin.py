import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import PRIVACY_OFFICER, STAFF
from accounts.tests.factories import UserFactory, sign_in_verified
from privacy.models import NoticeStatus, PrivacyNoticeVersion
from privacy.services import notice_draft_from

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/privacy/privacynoticeversion/"


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, UserFactory(roles=[PRIVACY_OFFICER]))
    return client


@pytest.fixture
def staff_client(client):
    sign_in_verified(client, UserFactory(roles=[STAFF]))
    return client


def _draft(version_1):
    draft = notice_draft_from(version=version_1)
    draft.change_summary_fi = "Muutos."
    draft.change_summary_en = "A change."
    draft.save()
    return draft


def test_privacy_officer_has_the_notice_permissions_and_staff_has_none():
    officer = set(Group.objects.get(name=PRIVACY_OFFICER).permissions.values_list("codename", flat=True))
    staff = Group.objects.get(name=STAFF).permissions.filter(content_type__app_label="privacy")

    assert {"change_privacynoticeversion", "publish_privacynoticeversion", "download_processing_record"} <= officer
    assert {"add_noticepurpose", "delete_noticerecipient"} <= officer
    assert not staff.exists()


def test_privacy_officer_sees_a_published_version_read_only(officer_client, version_1):
    response = officer_client.get(f"{CHANGELIST}{version_1.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Caracom Group Oy" in page
    assert 'name="_save"' not in page
    assert 'name="controller_name"' not in page
    assert "Create a new draft from this version" in page
    assert f"/admin/privacy/privacynoticeversion/{version_1.pk}/publish/" not in page


def test_privacy_officer_can_edit_a_draft(officer_client, version_1):
    draft = _draft(version_1)

    page = officer_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()

    assert 'name="controller_name"' in page
    assert 'name="_save"' in page
    assert f"/admin/privacy/privacynoticeversion/{draft.pk}/publish/" in page


def test_posting_to_a_published_version_changes_nothing(officer_client, version_1):
    response = officer_client.post(f"{CHANGELIST}{version_1.pk}/change/", {"controller_name": "Other Oy"})

    assert response.status_code == 403
    assert PrivacyNoticeVersion.objects.get(pk=version_1.pk).controller_name == "Caracom Group Oy"


def test_new_draft_button_creates_the_next_version(officer_client, version_1):
    response = officer_client.post(f"{CHANGELIST}{version_1.pk}/new-draft/")

    draft = PrivacyNoticeVersion.objects.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{draft.pk}/change/"
    assert draft.status == NoticeStatus.DRAFT


def test_new_draft_needs_a_post(officer_client, version_1):
    assert officer_client.get(f"{CHANGELIST}{version_1.pk}/new-draft/").status_code == 405
    assert not PrivacyNoticeVersion.objects.filter(number=2).exists()


def test_privacy_officer_publishes_a_draft_with_an_effective_date(officer_client, version_1):
    draft = _draft(version_1)
    today = timezone.localdate()

    assert officer_client.get(f"{CHANGELIST}{draft.pk}/publish/").status_code == 200
    response = officer_client.post(f"{CHANGELIST}{draft.pk}/publish/", {"effective_on": today.isoformat()})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.PUBLISHED
    assert draft.effective_on == today


def test_publish_form_shows_why_a_past_date_is_refused(officer_client, version_1):
    draft = _draft(version_1)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = officer_client.post(f"{CHANGELIST}{draft.pk}/publish/", {"effective_on": yesterday.isoformat()})

    assert response.status_code == 200
    assert "cannot take effect retroactively" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT


def test_staff_cannot_open_publish_or_copy_the_notice(staff_client, version_1):
    draft = _draft(version_1)

    assert staff_client.get(CHANGELIST).status_code == 403
    assert staff_client.post(f"{CHANGELIST}{draft.pk}/publish/", {"effective_on": "2030-01-01"}).status_code == 403
    assert staff_client.post(f"{CHANGELIST}{version_1.pk}/new-draft/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT
    assert not PrivacyNoticeVersion.objects.filter(number=3).exists()


def test_privacy_officer_downloads_the_record_of_processing_as_markdown(officer_client, version_1):
    response = officer_client.get(f"{CHANGELIST}record-of-processing/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="record-of-processing-v1-en.md"'
    text = response.content.decode()
    assert text.startswith("# Record of processing activities (GDPR Art. 30(1))")
    assert "Caracom Group Oy" in text
    assert "| Electronic and direct marketing | Legitimate interest (customer relationship) | yes |" in text
    assert "| Fulfilling our contracts, commitments and obligations | Performance of a contract | no |" in text
    assert "Contact persons of customer companies." in text
    assert "- Ficolo Oy (FI), processor:" in text
    assert "24 months after the relationship ends" in text
    assert "730 days from creation" in text
    assert "&#x27;" not in text


def test_the_record_of_a_given_version_is_in_the_requested_language(officer_client, version_1):
    response = officer_client.get(f"{CHANGELIST}{version_1.pk}/record-of-processing/", HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="record-of-processing-v1-fi.md"'
    assert "Asiakasyritysten yhteyshenkilöt." in response.content.decode()


def test_staff_gets_403_for_the_record_of_processing(staff_client, version_1):
    assert staff_client.get(f"{CHANGELIST}record-of-processing/").status_code == 403
    assert staff_client.get(f"{CHANGELIST}{version_1.pk}/record-of-processing/").status_code == 403


def test_publishing_is_audited_with_the_officer(officer_client, version_1):
    draft = _draft(version_1)

    officer_client.post(f"{CHANGELIST}{draft.pk}/publish/", {"effective_on": timezone.localdate().isoformat()})

    entry = LogEntry.objects.get_for_object(draft).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["status"] == ["draft", "published"]
    assert entry.actor is not None
    assert entry.actor.has_perm("privacy.publish_privacynoticeversion")


def _form_data(response):
    """The POST data the rendered change form would submit unchanged (main form and inlines)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        management = formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = management.initial.get(name, field.initial)
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            if hasattr(value, "pk"):
                value = value.pk
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_privacy_officer_saves_a_draft_and_its_purposes_through_the_admin(officer_client, version_1):
    draft = _draft(version_1)
    url = f"{CHANGELIST}{draft.pk}/change/"
    data = _form_data(officer_client.get(url))
    data["controller_phone"] = "+358 40 765 4321"
    data["purposes-0-title_en"] = "Delivering our services"

    response = officer_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.controller_phone == "+358 40 765 4321"
    assert draft.purposes.get(position=0).title_en == "Delivering our services"
    assert version_1.purposes.get(position=0).title_en == "Delivering and developing our products and services"
