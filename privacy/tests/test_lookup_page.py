"""The subject lookup page: posted terms, field errors for any input, a bounded and logged answer."""

import re

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from customers.tests.factories import ContactFactory
from privacy import services
from privacy.models import DataSubjectRequest
from privacy.tests.factories import DataSubjectRequestFactory, VerifiedRequestFactory

pytestmark = pytest.mark.django_db

LOOKUP = "/admin/privacy/datasubjectrequest/lookup/"


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


def search(client, request=None, **terms):
    url = f"{LOOKUP}?request={request.pk}" if request else LOOKUP
    return client.post(url, {"step": "search", "email": "", "name": "", "phone": "", **terms})


def field_errors(response):
    return response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "100%"), ("email", "a%d"), ("email", "%(x)s@b.fi"), ("phone", "040%d"), ("phone", "100%")],
)
def test_a_percent_sign_in_a_lookup_term_is_a_field_error_not_a_server_error(officer_client, field, value):
    response = search(officer_client, **{field: value})
    assert response.status_code == 200
    assert value in field_errors(response)[field][0]


def test_a_percent_sign_in_a_name_is_looked_for_as_a_character(officer_client):
    contact = ContactFactory(first_name="Sata%", last_name="Prosentti")
    response = search(officer_client, name="ata%")
    assert response.status_code == 200
    assert response.context["result"].contacts == [contact]


def test_the_lookup_page_searches_by_post_so_no_term_reaches_the_url(officer_client):
    contact = ContactFactory(email="maija@kala.fi")
    page = officer_client.get(LOOKUP).content.decode()
    assert '<form method="post"' in page
    response = search(officer_client, email="maija@kala.fi")
    assert response.context["result"].contacts == [contact]
    assert "maija" not in response.wsgi_request.get_full_path()


def test_terms_in_the_url_search_nothing_and_log_no_access(officer_client):
    ContactFactory(email="maija@kala.fi")
    response = officer_client.get(LOOKUP, {"email": "maija@kala.fi"})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_request_page_links_to_the_lookup_without_the_requesters_email(officer_client):
    request = DataSubjectRequestFactory(requester_email="maija@kala.fi")
    page = officer_client.get(f"/admin/privacy/datasubjectrequest/{request.pk}/change/").content.decode()
    assert f'{LOOKUP}?request={request.pk}"' in page
    assert "email=maija" not in page


def test_the_lookup_from_a_request_starts_with_the_requesters_email_filled_in(officer_client):
    request = DataSubjectRequestFactory(requester_email="maija@kala.fi")
    response = officer_client.get(LOOKUP, {"request": request.pk})
    assert response.context["form"]["email"].value() == "maija@kala.fi"
    assert response.context["result"] is None


def test_a_loose_name_shows_the_limit_and_asks_to_refine_the_search(officer_client):
    ContactFactory.create_batch(services.LOOKUP_LIMIT + 1, last_name="Virtanen")
    response = search(officer_client, name="Virtanen")
    page = response.content.decode()
    assert len(re.findall(r'href="/admin/customers/contact/\d+/change/"', page)) == services.LOOKUP_LIMIT
    assert "Refine your search" in page
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == services.LOOKUP_LIMIT


def test_a_lookup_within_the_limit_does_not_ask_to_refine(officer_client):
    ContactFactory.create_batch(services.LOOKUP_LIMIT, last_name="Virtanen")
    page = search(officer_client, name="Virtanen").content.decode()
    assert "Refine your search" not in page


def test_a_one_letter_name_is_refused_on_the_field(officer_client):
    response = search(officer_client, name="a")
    assert "too short to find one person" in field_errors(response)["name"][0]
    assert response.context["result"] is None


def test_the_chosen_contacts_are_matched_to_the_request_by_post(officer_client):
    contact = ContactFactory(phone="+358456393329")
    request = DataSubjectRequestFactory()
    assert search(officer_client, request, phone="045 639 3329").context["result"].contacts == [contact]
    response = officer_client.post(f"{LOOKUP}?request={request.pk}", {"step": "match", "contact": [contact.pk]})
    assert response.status_code == 302
    assert list(request.matched_contacts.all()) == [contact]


ACTIONS = ["verify", "extend", "refuse", "complete", "export", "erase", "restrict", "lift", "consent"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_percent_sign_in_every_field_of_a_request_action_is_never_a_server_error(officer_client, action):
    request = VerifiedRequestFactory(contacts=[ContactFactory()])
    fields = ["verification_method", "verification_note", "due_on", "extension_reason", "extension_told_on"]
    fields += ["refusal_article", "refusal_ground", "outcome", "email", "confirm", "contact", "reason"]
    fields += ["restriction", "subject_informed_on", "contacts", "purpose", "state", "method", "decided_on", "note"]
    for value in ("100%", "a%d", "%(x)s", "%%"):
        response = officer_client.post(
            f"/admin/privacy/datasubjectrequest/{request.pk}/act/{action}/", dict.fromkeys(fields, value)
        )
        assert response.status_code < 500, value


def test_a_lookup_result_offers_to_create_a_request_for_that_person_by_id_only(officer_client):
    contact = ContactFactory(email="maija@kala.fi")
    page = search(officer_client, email="maija@kala.fi").content.decode()
    assert f'href="/admin/privacy/datasubjectrequest/add/?contact={contact.pk}"' in page


def test_a_lookup_for_a_request_offers_matching_not_a_new_request(officer_client):
    ContactFactory(email="maija@kala.fi")
    request = DataSubjectRequestFactory(requester_email="maija@kala.fi")
    page = search(officer_client, request=request, email="maija@kala.fi").content.decode()
    assert "lookup-new-request" not in page


def test_a_request_created_from_a_lookup_result_is_prefilled_and_matches_that_person(officer_client):
    contact = ContactFactory(first_name="Maija", last_name="Meikäläinen", email="maija@kala.fi")
    url = f"/admin/privacy/datasubjectrequest/add/?contact={contact.pk}"
    form = officer_client.get(url).context["adminform"].form
    assert (form.initial["requester_name"], form.initial["requester_email"]) == ("Maija Meikäläinen", "maija@kala.fi")

    response = officer_client.post(
        url,
        {
            "request_type": "access",
            "channel": "email",
            "received_on": timezone.localdate().isoformat(),
            "requester_name": "Maija Meikäläinen",
            "requester_email": "maija@kala.fi",
            "response_language": "fi",
        },
    )

    assert response.status_code == 302
    created = DataSubjectRequest.objects.get()
    assert list(created.matched_contacts.all()) == [contact]
