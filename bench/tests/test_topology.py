"""The nginx site of deploy/ in front of a real gunicorn, as make load and production run them.

The gunicorn here has no database (it answers the outage page), which is all
these tests need: they are about what the proxy passes, sets and refuses.
"""

import http.client
import shutil
import ssl
import tempfile
from pathlib import Path

import pytest

from bench.topology import Gunicorn, Nginx, free_port
from caracom_register.tests.servers import DEAD_DATABASE_URL, collect_static

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make nginx)")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def proxy():
    collect_static()
    directory = Path(tempfile.mkdtemp(prefix="caracom-nginx-test-"))
    ports = [free_port(), free_port()]
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "test-only-not-secret",
        "DJANGO_READ_ENV_FILE": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DEAD_DATABASE_URL,
        "TRUST_X_FORWARDED_PROTO": "true",
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    servers = [Gunicorn(port, env, directory / f"gunicorn-{port}.log") for port in ports]
    nginx = Nginx(directory, ports, ROOT / "staticfiles")
    try:
        for server in servers:
            server.start()
        nginx.start()
        yield nginx, servers
    finally:
        nginx.stop()
        for server in servers:
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def https(nginx, path, headers=None, method="GET", body=None):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", nginx.https_port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_plain_http_is_only_redirected_to_https(proxy):
    nginx, _ = proxy
    connection = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=30)
    connection.request("GET", "/admin/login/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/admin/login/"


def test_a_client_claiming_plain_http_through_the_proxy_is_still_on_https(proxy):
    # nginx overwrites X-Forwarded-Proto with its own scheme: no redirect loop, HSTS sent.
    nginx, _ = proxy
    status, headers, _ = https(nginx, "/admin/login/", {"X-Forwarded-Proto": "http", "X-Forwarded-Ssl": "off"})
    assert status == 503
    assert "max-age=31536000" in headers["Strict-Transport-Security"]


def test_the_outage_page_reaches_the_browser_through_the_proxy(proxy):
    nginx, _ = proxy
    status, headers, body = https(nginx, "/privacy/", {"Accept-Language": "fi"})
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Rekisteri ei ole käytettävissä" in body.decode()


def test_static_files_are_served_by_nginx_with_a_long_cache(proxy):
    nginx, _ = proxy
    status, headers, _ = https(nginx, "/static/admin/css/base.css")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert headers["Server"] == "nginx"


def test_a_body_over_the_size_limit_is_refused_by_the_proxy(proxy):
    nginx, _ = proxy
    status, _, _ = https(nginx, "/admin/login/", method="POST", body=b"x" * (21 * 1024 * 1024))
    assert status == 413


def test_a_killed_instance_is_skipped_and_the_other_keeps_answering(proxy):
    nginx, servers = proxy
    servers[0].kill()
    try:
        statuses = {https(nginx, "/admin/login/")[0] for _ in range(6)}
    finally:
        servers[0].start()
    # Every request still reaches gunicorn (its outage page), none gets nginx's 502.
    assert statuses == {503}
