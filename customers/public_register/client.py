"""The one HTTP client of PRH's open data API (YTJ v3): timeout, retries with backoff, a User-Agent.

The service is public and rate-limited: a 429 or 5xx, a timeout or a dropped connection is tried again
after a growing pause (or the pause the service asks for in Retry-After), and then reported as one
`PublicRegisterError` whose message is a single line fit for a cron mail.
"""

import json
import time

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customers.public_register.parsing import MalformedAnswer, RegisterCompany, parse_companies_answer

USER_AGENT = "CaracomCustomerRegister/1.0 (Caracom Group Oy customer register; trade register check)"
# A Retry-After longer than this is not waited for within one run; the next run asks again.
MAX_RETRY_AFTER_SECONDS = 60.0


# What a person reading the company page is told; the exception's message (English, with the technical detail)
# is for the cron mail and the log.
NOT_IN_TIME = _("it did not answer in time")
UNREACHABLE = _("it could not be reached")
OUT_OF_ORDER = _("it is busy or out of order")
UNREADABLE = _("its answer could not be read")
REFUSED = _("it refused the question")


class PublicRegisterError(Exception):
    """The trade register could not give an answer; the message is one line naming why."""

    def __init__(self, message, reason=UNREADABLE):
        super().__init__(message)
        self.reason = reason


def _retry_after(response):
    try:
        return min(max(float(response.headers.get("Retry-After", "")), 0.0), MAX_RETRY_AFTER_SECONDS)
    except ValueError:
        return None


class PublicRegisterClient:
    """`with PublicRegisterClient() as client: client.company("0112038-9")`; settings give the defaults."""

    def __init__(self, *, base_url=None, timeout=None, retries=None, backoff=None, sleep=time.sleep):
        self.base_url = (base_url or settings.PUBLIC_REGISTER_API_URL).rstrip("/")
        self.timeout = settings.PUBLIC_REGISTER_TIMEOUT_SECONDS if timeout is None else timeout
        self.retries = settings.PUBLIC_REGISTER_RETRIES if retries is None else retries
        self.backoff = settings.PUBLIC_REGISTER_BACKOFF_SECONDS if backoff is None else backoff
        self.sleep = sleep
        self._http = None

    def __enter__(self):
        self._http = httpx.Client(
            timeout=self.timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )
        return self

    def __exit__(self, *exc):
        self._http.close()
        self._http = None
        return False

    def company(self, business_id: str) -> RegisterCompany:
        if self._http is None:
            with self:
                return self.company(business_id)
        response = self._get_with_retries(business_id)
        try:
            data = json.loads(response.content)
        except ValueError:
            raise PublicRegisterError(
                f"The trade register's answer for business ID {business_id} is not valid JSON.", UNREADABLE
            ) from None
        try:
            return parse_companies_answer(data, business_id)
        except MalformedAnswer as exc:
            raise PublicRegisterError(
                f"The trade register's answer for business ID {business_id} is not in the expected form: {exc}.",
                UNREADABLE,
            ) from None

    def _get_with_retries(self, business_id):
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                response = self._http.get(f"{self.base_url}/companies", params={"businessId": business_id})
            except httpx.TimeoutException:
                problem, reason = f"did not answer within {self.timeout:g} s", NOT_IN_TIME
            except httpx.HTTPError as exc:
                detail = " ".join(str(exc).split()) or "no detail"
                problem, reason = f"could not be reached ({type(exc).__name__}: {detail})", UNREACHABLE
            else:
                if response.status_code == 200:
                    return response
                if response.status_code == 404 and not response.content.strip():
                    problem, reason = "answered 404: check PUBLIC_REGISTER_API_URL", REFUSED
                else:
                    problem, reason = f"answered HTTP {response.status_code}", OUT_OF_ORDER
                if response.status_code != 429 and response.status_code < 500:
                    # A 4xx other than 429 is not going to change on a retry.
                    raise PublicRegisterError(f"The trade register {problem} for business ID {business_id}.", REFUSED)
                wait = _retry_after(response) if response.headers.get("Retry-After") else wait
                if wait is None:
                    wait = self.backoff * 2 ** (attempt - 1)
            if attempt < attempts:
                self.sleep(wait)
        tries = f"{attempts} attempts" if attempts > 1 else "1 attempt"
        raise PublicRegisterError(f"The trade register {problem} for business ID {business_id} ({tries}).", reason)
