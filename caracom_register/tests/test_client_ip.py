import pytest
from django.test import RequestFactory

from accounts.client_ip import lockout_username
from caracom_register.client_ip import client_ip_address


def request_from(remote_addr, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_client_is_the_address_that_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip_address(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"


def test_behind_one_proxy_an_address_the_client_made_up_is_skipped(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip_address(request_from("10.0.0.2", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip_address(request_from("10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2")) == "198.51.100.1"


def test_a_request_that_skipped_a_proxy_is_judged_by_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert client_ip_address(request_from("203.0.113.9")) == "203.0.113.9"


@pytest.mark.parametrize("garbage", ["not-an-ip", "", "1.2.3.4.5", "\x00"])
def test_a_forwarded_value_that_is_not_an_address_is_not_trusted(settings, garbage):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip_address(request_from("10.0.0.2", f"198.51.100.1, {garbage}")) in {"10.0.0.2", "198.51.100.1"}
    assert client_ip_address(request_from("10.0.0.2", garbage)) == "10.0.0.2"


def test_ipv6_addresses_are_understood(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip_address(request_from("::1", "2001:db8::1")) == "2001:db8::1"


def test_the_lockout_counts_one_account_whatever_its_case_or_spacing():
    request = RequestFactory().post("/")

    assert lockout_username(request, {"username": "  Anna.Virtanen@Caracom.FI "}) == "anna.virtanen@caracom.fi"


def test_the_lockout_reads_the_form_when_no_credentials_are_given():
    request = RequestFactory().post("/", {"username": "Anna@X.fi"})

    assert lockout_username(request) == "anna@x.fi"


def test_the_lockout_ignores_a_username_that_is_not_text():
    request = RequestFactory().post("/")

    assert lockout_username(request, {"username": ["a", "b"]}) is None
