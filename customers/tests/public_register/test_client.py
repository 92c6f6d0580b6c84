"""The client against a real HTTP server on localhost: retries, backoff, timeouts, one-line errors."""

import threading

import httpx
import pytest
from werkzeug import Response

from customers.public_register.client import USER_AGENT, PublicRegisterClient, PublicRegisterError
from customers.public_register.models import RegisterStatus
from customers.tests.public_register.ytj import COMPANIES_PATH, answer, company, serve

BID = "0112038-9"


def test_the_client_names_the_register_in_its_user_agent(register_api):
    register_api.expect_request(COMPANIES_PATH, headers={"User-Agent": USER_AGENT}).respond_with_json(
        answer(company(BID))
    )
    assert PublicRegisterClient().company(BID).name == "Esimerkkivienti Oy"


def test_a_429_is_waited_out_for_as_long_as_retry_after_says(register_api):
    waits = []
    register_api.expect_oneshot_request(COMPANIES_PATH).respond_with_data("", status=429, headers={"Retry-After": "3"})
    serve(register_api, BID, answer(company(BID)))
    assert PublicRegisterClient(sleep=waits.append).company(BID).status == RegisterStatus.REGISTERED
    assert waits == [3.0]


def test_5xx_answers_are_retried_with_a_doubling_pause(register_api):
    waits = []
    for _ in range(2):
        register_api.expect_oneshot_request(COMPANIES_PATH).respond_with_data("busy", status=503)
    serve(register_api, BID, answer(company(BID)))
    PublicRegisterClient(sleep=waits.append, backoff=1, retries=2).company(BID)
    assert waits == [1, 2]


def test_a_500_on_every_attempt_is_one_line_naming_the_status_and_the_attempts(register_api):
    serve(register_api, BID, "error", status=500)
    with pytest.raises(PublicRegisterError) as raised:
        PublicRegisterClient(retries=1).company(BID)
    assert str(raised.value) == "The trade register answered HTTP 500 for business ID 0112038-9 (2 attempts)."
    assert len(register_api.log) == 2


def test_a_400_is_not_retried(register_api):
    serve(register_api, BID, '{"message": "bad"}', status=400)
    with pytest.raises(PublicRegisterError, match="HTTP 400"):
        PublicRegisterClient(retries=3).company(BID)
    assert len(register_api.log) == 1


def test_an_answer_slower_than_the_timeout_is_given_up(register_api):
    given_up = threading.Event()

    def slow(request):
        given_up.wait(timeout=10)
        return Response("{}", content_type="application/json")

    register_api.expect_request(COMPANIES_PATH).respond_with_handler(slow)
    with pytest.raises(PublicRegisterError, match=r"did not answer within 0\.2 s .*\(1 attempt\)"):
        PublicRegisterClient(timeout=0.2, retries=0).company(BID)
    given_up.set()
    # The server answers one request at a time: this one returns once the slow one is done, so its log
    # entry cannot land in the next test's.
    httpx.get(register_api.url_for("/drain"))


def test_malformed_json_is_reported_not_retried(register_api):
    serve(register_api, BID, '{"totalResults": 1, "companies": [', content_type="application/json")
    with pytest.raises(PublicRegisterError, match="not valid JSON"):
        PublicRegisterClient().company(BID)
    assert len(register_api.log) == 1


def test_an_unreachable_service_is_one_line_naming_the_connection_error(settings):
    settings.PUBLIC_REGISTER_API_URL = "http://127.0.0.1:9/opendata-ytj-api/v3"  # the discard port: nothing listens
    with pytest.raises(PublicRegisterError) as raised:
        PublicRegisterClient(retries=0).company(BID)
    assert str(raised.value).startswith("The trade register could not be reached (ConnectError")
    assert "\n" not in str(raised.value)
