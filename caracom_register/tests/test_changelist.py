"""FastChangeList renders the same rows as the stock admin, and sorts by a column with its ties."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.test import RequestFactory
from django.urls import resolve, reverse

from accounts.tests.factories import SuperuserFactory, sign_in_verified
from audit.models import SecurityEvent
from audit.tests.factories import LogEntryFactory, SecurityEventFactory
from customers.models import Company, Contact
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy.tests.factories import ProcessingRestrictionFactory

pytestmark = pytest.mark.django_db


def changelist(model, query=None):
    path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    request = RequestFactory().get(path, query or {})
    request.resolver_match = resolve(path)  # the admin keeps list filters in links only on its own URL
    request.user = SuperuserFactory()
    return admin.site.get_model_admin(model).get_changelist_instance(request)


def stock_rows(cl):
    return ["".join(str(cell) for cell in items_for_result(cl, obj, None)) for obj in cl.result_list]


@pytest.fixture
def register_rows():
    ended = CompanyFactory(name="Loppunut <Oy> & Co", relationship_end=datetime.date(2025, 3, 31))
    ContactFactory(company=ended, last_name="O'Brien", first_name="<b>Aino</b>")
    restricted = ContactFactory(last_name="Virtanen", phone="+358401234567")
    ProcessingRestrictionFactory(contact=restricted)
    ContactFactory(last_name="Ääninen", email="aani@example.fi")


@pytest.mark.parametrize("model", [Contact, Company])
def test_fast_rows_are_the_stock_rows_byte_for_byte(register_rows, model):
    cl = changelist(model)

    fast = cl.fast_result_context()

    assert cl.result_list
    assert [str(row) for row in fast["rows"]] == stock_rows(cl)


def test_fast_rows_keep_the_preserved_filters_in_each_link(register_rows):
    cl = changelist(Contact, {"source__exact": "data_subject", "q": "Virtanen"})

    fast = cl.fast_result_context()

    assert [str(row) for row in fast["rows"]] == stock_rows(cl)
    assert "_changelist_filters=" in str(fast["rows"][0])


def test_fast_rows_escape_what_the_rows_hold(register_rows):
    rows = "".join(changelist(Contact).fast_result_context()["rows"])

    assert "&lt;b&gt;Aino&lt;/b&gt;" in rows
    assert "<b>Aino" not in rows


def test_fast_rows_of_the_audit_log_are_the_stock_rows(register_rows):
    LogEntryFactory(changes={"city": ["Oulu", "Kemi"]}, actor_email="")
    LogEntryFactory(changes=None, action=LogEntry.Action.DELETE)
    cl = changelist(LogEntry)

    assert [str(row) for row in cl.fast_result_context()["rows"]] == stock_rows(cl)


def test_fast_rows_of_security_events_are_the_stock_rows():
    SecurityEventFactory(kind=SecurityEvent.Kind.SIGN_IN)
    SecurityEventFactory(kind=SecurityEvent.Kind.LOCKED_OUT, remote_addr=None)
    cl = changelist(SecurityEvent)

    assert [str(row) for row in cl.fast_result_context()["rows"]] == stock_rows(cl)


def test_a_popup_changelist_is_left_to_the_stock_renderer(register_rows):
    cl = changelist(Company, {"_popup": "1"})

    assert cl.fast_result_context() is None


def test_sorting_by_name_descending_sorts_by_its_ties_in_the_same_direction():
    cl = changelist(Contact, {"o": "-1"})

    assert cl.queryset.query.order_by == ("-last_name", "-first_name", "-id")


def test_sorting_by_name_keeps_the_ties_out_of_other_columns():
    cl = changelist(Contact, {"o": "5"})

    assert cl.queryset.query.order_by == ("phone", "-pk")


def test_contact_list_sorted_by_name_descending_lists_names_in_reverse(client):
    for last, first in (("Aalto", "Pia"), ("Aalto", "Eero"), ("Mäki", "Aino")):
        ContactFactory(last_name=last, first_name=first)
    sign_in_verified(client, SuperuserFactory())

    response = client.get("/admin/customers/contact/?o=-1")

    names = [str(contact) for contact in response.context["cl"].result_list]
    assert names.index("Aino Mäki") < names.index("Pia Aalto") < names.index("Eero Aalto")
