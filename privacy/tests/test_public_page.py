import datetime
import re

import pytest
from django.utils import timezone

from accounts.roles import PRIVACY_OFFICER
from accounts.tests.factories import UserFactory
from privacy.services import notice_draft_from, notice_publish

pytestmark = pytest.mark.django_db


def _publish_version_2(version_1, effective_on=None):
    draft = notice_draft_from(version=version_1)
    draft.contact_email = "tietosuoja@caracom.fi"
    draft.change_summary_fi = "Uusi yhteysosoite tietosuoja-asioille."
    draft.change_summary_en = "A new contact address for privacy matters."
    draft.save()
    return notice_publish(
        version=draft, effective_on=effective_on or timezone.localdate(), user=UserFactory(roles=[PRIVACY_OFFICER])
    )


def test_anonymous_visitor_reads_the_notice_in_english(client, version_1):
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Caracom Group Oy" in page
    assert "Kalakuja 2-4 B105" in page
    assert "Santtu Harjuhahto" in page
    assert "Ficolo Oy" in page
    assert "at most 24 months after" in page
    assert "Office of the Data Protection Ombudsman" in page
    assert "https://tietosuoja.fi/" in page
    assert "Electronic and direct marketing" in page
    assert page.count("You can refuse this at any time") == 2


def test_finnish_visitor_reads_the_notice_in_finnish(client, version_1):
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fi">' in page
    assert "Caracom Group Oy" in page
    assert "Ficolo Oy" in page
    assert "enintään 24 kuukautta asiakassuhteen päättymisen" in page
    assert "Tietosuojavaltuutetun toimisto" in page
    assert "Sähköinen markkinointi ja suoramarkkinointi" in page
    assert "Office of the Data Protection Ombudsman" not in page


def test_language_switch_changes_the_page_language(client, version_1):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="fi"' in page

    response = client.post("/i18n/setlang/", {"language": "fi", "next": "/privacy/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/privacy/"

    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fi">' in page
    assert "Tietosuojavaltuutetun toimisto" in page


def test_the_page_lists_the_dated_version_history_with_what_changed(client, version_1):
    _publish_version_2(version_1)

    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "A new contact address for privacy matters." in page
    assert "First version: the customer register&#x27;s privacy notice as structured data." in page
    assert '<time datetime="2026-01-01">' in page
    assert f'<time datetime="{timezone.localdate().isoformat()}">' in page
    assert 'href="/privacy/v/1/"' in page


def test_an_earlier_version_stays_readable_at_its_own_address(client, version_1):
    _publish_version_2(version_1)

    current = client.get("/privacy/").content.decode()
    earlier = client.get("/privacy/v/1/")

    assert "tietosuoja@caracom.fi" in current
    assert earlier.status_code == 200
    page = earlier.content.decode()
    assert "info@caracom.fi" in page
    assert "tietosuoja@caracom.fi" not in page
    assert "This is an earlier version of the notice." in page
    assert 'href="/privacy/"' in page


def test_the_current_version_at_its_own_address_is_not_marked_as_earlier(client, version_1):
    page = client.get("/privacy/v/1/").content.decode()

    assert "This is an earlier version of the notice." not in page


def test_a_version_announced_for_tomorrow_is_listed_but_not_yet_in_force(client, version_1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _publish_version_2(version_1, effective_on=tomorrow)

    current = client.get("/privacy/").content.decode()
    upcoming = client.get("/privacy/v/2/").content.decode()

    assert "info@caracom.fi" in current
    assert 'href="/privacy/v/2/"' in current
    assert "This version is not yet in force." in upcoming


def test_a_draft_is_not_public(client, version_1):
    draft = notice_draft_from(version=version_1)

    assert client.get(f"/privacy/v/{draft.number}/").status_code == 404
    assert client.get("/privacy/v/99/").status_code == 404


def test_the_page_uses_a_static_stylesheet_and_no_inline_styles_or_scripts(client, version_1):
    page = client.get("/privacy/").content.decode()

    assert '<link rel="stylesheet" href="/static/privacy/notice.css">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", page)


def test_the_page_varies_by_language_for_caches(client, version_1):
    response = client.get("/privacy/")

    assert "Accept-Language" in response["Vary"]
