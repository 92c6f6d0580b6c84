"""Reading a company out of a YTJ v3 answer: current name, address, status; missing and null fields tolerated."""

import datetime

import pytest

from customers.public_register.models import RegisterStatus
from customers.public_register.parsing import MalformedAnswer, parse_companies_answer
from customers.tests.public_register.ytj import SAMPLE, answer, company, postal_box_only, situation

BID = "0112038-9"


def parse(*companies):
    return parse_companies_answer(answer(*companies), BID)


def test_the_recorded_sample_reads_as_a_registered_company_with_its_street_address():
    result = parse_companies_answer(SAMPLE, BID)
    assert (result.name, result.street_address, result.postal_code, result.city, result.country) == (
        "Esimerkkivienti Oy",
        "Kalakuja 2-4 B 105",
        "85100",
        "Kalajoki",
        "FI",
    )
    assert result.status == RegisterStatus.REGISTERED


def test_the_current_name_is_the_one_without_an_end_date():
    result = parse(company(BID, name="Uusi Nimi Oy", old_names=["Vanha Nimi Oy"]))
    assert result.name == "Uusi Nimi Oy"


def test_a_company_whose_names_all_ended_has_no_name_to_propose():
    data = company(BID)
    for name in data["names"]:
        name["endDate"] = "2020-01-01"
    assert parse(data).name == ""


def test_a_postal_box_only_company_reads_its_box_as_the_street_line():
    result = parse(company(BID, addresses=postal_box_only(box="45", post_code="85101")))
    assert (result.street_address, result.postal_code, result.city) == ("PL 45", "85101", "Kalajoki")


def test_the_finnish_post_office_is_taken_over_the_swedish_one():
    data = company(BID)
    data["addresses"][0]["postOffices"] = [
        {"city": "JAKOBSTAD", "languageCode": "2", "postCode": "68600"},
        {"city": "PIETARSAARI", "languageCode": "1", "postCode": "68600"},
    ]
    assert parse(data).city == "Pietarsaari"


def test_a_care_of_name_goes_in_front_of_the_street_line():
    data = company(BID)
    data["addresses"][0]["co"] = "Tilitoimisto Oy"
    assert parse(data).street_address == "c/o Tilitoimisto Oy, Kalakuja 2-4 B 105"


def test_null_and_missing_fields_read_as_nothing_said():
    result = parse({"businessId": {"value": BID}, "names": None, "addresses": [{"type": 1, "street": None}]})
    assert (result.name, result.street_address, result.city, result.status) == ("", "", "", RegisterStatus.REGISTERED)


def test_a_liquidation_in_force_is_read_with_its_date():
    result = parse(company(BID, companySituations=[situation("SELTILA", since="2026-10-01")]))
    assert (result.status, result.status_since) == (RegisterStatus.LIQUIDATION, datetime.date(2026, 10, 1))


def test_a_liquidation_that_ended_is_not_in_force():
    result = parse(company(BID, companySituations=[situation("SELTILA", ended="2026-11-01")]))
    assert result.status == RegisterStatus.REGISTERED


def test_bankruptcy_outweighs_liquidation():
    result = parse(company(BID, companySituations=[situation("SELTILA"), situation("KONK")]))
    assert result.status == RegisterStatus.BANKRUPTCY


def test_restructuring_is_read():
    assert parse(company(BID, companySituations=[situation("SANE")])).status == RegisterStatus.RESTRUCTURING


def test_trade_register_status_4_reads_as_ceased():
    assert parse(company(BID, tradeRegisterStatus="4")).status == RegisterStatus.CEASED


def test_an_end_date_reads_as_ceased_on_that_day():
    result = parse(company(BID, endDate="2026-09-30"))
    assert (result.status, result.status_since) == (RegisterStatus.CEASED, datetime.date(2026, 9, 30))


def test_no_results_means_the_register_does_not_know_the_business_id():
    result = parse_companies_answer({"totalResults": 0, "companies": []}, BID)
    assert result.status == RegisterStatus.NOT_FOUND


@pytest.mark.parametrize("data", [[], "text", {"totalResults": 1}, {"companies": "none"}])
def test_an_answer_of_another_shape_is_refused(data):
    with pytest.raises(MalformedAnswer):
        parse_companies_answer(data, BID)


def test_an_answer_about_another_business_id_is_refused():
    with pytest.raises(MalformedAnswer, match="another business ID"):
        parse(company("1234567-1"))
