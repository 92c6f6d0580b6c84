"""deploy/gunicorn.conf.py under a real gunicorn: forwarded headers, the outage page, the health endpoint."""

import pytest

from caracom_register.tests.servers import collect_static, get, gunicorn

LOGIN = "/admin/login/"


@pytest.fixture(scope="module", autouse=True)
def _collected_static():
    collect_static()


@pytest.fixture(scope="module")
def untrusting():
    with gunicorn(SECURE_SSL_REDIRECT="true", TRUST_X_FORWARDED_PROTO="false") as port:
        yield port


@pytest.fixture(scope="module")
def behind_proxy():
    with gunicorn(SECURE_SSL_REDIRECT="true", TRUST_X_FORWARDED_PROTO="true") as port:
        yield port


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Protocol": "ssl"},
    ],
)
def test_without_a_trusted_proxy_no_forwarded_header_from_localhost_skips_the_https_redirect(untrusting, header):
    status, headers, _ = get(untrusting, LOGIN, header)
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{untrusting}{LOGIN}"
    assert "Strict-Transport-Security" not in headers


def test_behind_the_proxy_its_forwarded_proto_marks_the_request_secure(behind_proxy):
    status, headers, _ = get(behind_proxy, LOGIN, {"X-Forwarded-Proto": "https"})
    # Secure, so no redirect: the page itself (503 here, its database is down) with HSTS.
    assert status != 301
    assert "Strict-Transport-Security" in headers


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Protocol": "ssl"},
        {"X_Forwarded_Proto": "https"},
        {"X-Forwarded-Proto": "http"},
    ],
)
def test_behind_the_proxy_other_forwarded_headers_are_not_believed(behind_proxy, header):
    status, headers, _ = get(behind_proxy, LOGIN, header)
    assert status == 301
    assert "Strict-Transport-Security" not in headers


def test_a_database_outage_answers_503_with_retry_after(behind_proxy):
    status, headers, body = get(behind_proxy, "/privacy/", {"X-Forwarded-Proto": "https"})
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Cache-Control"] == "no-store"
    assert "The register is unavailable" in body
    assert "Traceback" not in body and "5432" not in body and ":9" not in body


def test_the_outage_page_is_in_finnish_for_a_finnish_browser(behind_proxy):
    status, _headers, body = get(behind_proxy, "/privacy/", {"X-Forwarded-Proto": "https", "Accept-Language": "fi"})
    assert status == 503
    assert '<html lang="fi">' in body
    assert "Rekisteri ei ole käytettävissä" in body


def test_the_outage_page_loads_its_stylesheet_from_the_collected_static_files(behind_proxy):
    _, _, body = get(behind_proxy, "/privacy/", {"X-Forwarded-Proto": "https"})
    href = body.split('rel="stylesheet" href="')[1].split('"')[0]
    status, headers, _ = get(behind_proxy, href, {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")


def test_the_health_endpoint_reports_the_dead_database_as_503_without_details(untrusting):
    status, _, body = get(untrusting, "/health/")
    assert status == 503
    assert body == "database: unavailable\nmigrations: unavailable\n"
