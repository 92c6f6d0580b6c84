"""Trade register (YTJ v3) answers for the tests, made from the recorded shape in data/ytj-v3-companies.json,
and a real HTTP server on localhost (pytest-httpserver) serving them at the API's path."""

import copy
import json
from pathlib import Path

import pytest

SAMPLE = json.loads((Path(__file__).parent / "data" / "ytj-v3-companies.json").read_text(encoding="utf-8"))
API_PATH = "/opendata-ytj-api/v3"
COMPANIES_PATH = f"{API_PATH}/companies"
# The sample company: Esimerkkivienti Oy, Kalakuja 2-4 B 105, 85100 Kalajoki.
SAMPLE_NAME = "Esimerkkivienti Oy"
SAMPLE_STREET = "Kalakuja 2-4 B 105"


def company(business_id, *, name=None, old_names=(), street=None, post_code=None, city=None, addresses=None, **fields):
    """One company of an answer: the sample's, with this business ID and the changes given."""
    data = copy.deepcopy(SAMPLE["companies"][0])
    data["businessId"]["value"] = business_id
    if name is not None:
        data["names"] = [{"name": name, "type": "1", "registrationDate": "2026-06-01", "endDate": None}]
        data["names"] += [
            {"name": old, "type": "1", "registrationDate": "2001-01-01", "endDate": "2026-05-31"} for old in old_names
        ]
    street_address = data["addresses"][0]
    if street is not None:
        street_address.update(street=street, buildingNumber="", entrance="", apartmentNumber="")
    if post_code is not None:
        street_address["postCode"] = post_code
        for office in street_address["postOffices"]:
            office["postCode"] = post_code
    if city is not None:
        for office in street_address["postOffices"]:
            office["city"] = city
    if addresses is not None:
        data["addresses"] = addresses
    data.update(fields)
    return data


def answer(*companies):
    return {"totalResults": len(companies), "companies": list(companies)}


def postal_box_only(box="45", post_code="85101", city="KALAJOKI"):
    return [
        {
            "type": 2,
            "street": "",
            "buildingNumber": "",
            "postOfficeBox": box,
            "co": "",
            "freeAddressLine": None,
            "country": "FI",
            "postCode": post_code,
            "postOffices": [{"city": city, "languageCode": "1", "postCode": post_code}],
        }
    ]


def situation(kind, since="2026-10-01", ended=None):
    return {"type": kind, "registrationDate": since, "endDate": ended, "source": "1"}


@pytest.fixture
def register_api(httpserver, settings):
    """The trade register's API on localhost: PUBLIC_REGISTER_API_URL points at it, retries wait 10 ms."""
    settings.PUBLIC_REGISTER_API_URL = httpserver.url_for(API_PATH)
    settings.PUBLIC_REGISTER_BACKOFF_SECONDS = 0.01
    settings.PUBLIC_REGISTER_DELAY_SECONDS = 0
    settings.PUBLIC_REGISTER_TIMEOUT_SECONDS = 2
    settings.PUBLIC_REGISTER_RETRIES = 2
    return httpserver


def serve(server, business_id, body, *, status=200, oneshot=False, content_type="application/json"):
    """Answer /companies?businessId=<business_id> with `body` (a dict is sent as JSON)."""
    expect = server.expect_oneshot_request if oneshot else server.expect_request
    payload = json.dumps(body) if isinstance(body, dict) else body
    expect(COMPANIES_PATH, query_string={"businessId": business_id}).respond_with_data(
        payload, status=status, content_type=content_type
    )
