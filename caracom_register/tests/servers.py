"""A real gunicorn with deploy/gunicorn.conf.py, for tests of what only the production server does."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# A port nothing listens on: the database of a register whose database is down.
DEAD_DATABASE_URL = "postgres://postgres@127.0.0.1:9/caracom_unreachable"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collect_static():
    # The production storage (whitenoise's manifest) serves only collected files, as in the README's start.
    env = os.environ | {"SECRET_KEY": "test-only-not-secret", "DJANGO_READ_ENV_FILE": "false", "DEBUG": "false"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )


@contextlib.contextmanager
def gunicorn(**settings):
    """gunicorn with the deploy configuration and production settings (DEBUG off), overridden by `settings`."""
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "test-only-not-secret",
        "DJANGO_READ_ENV_FILE": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DEAD_DATABASE_URL,
        "GUNICORN_WORKERS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        **settings,
    }
    process = subprocess.Popen(
        [str(GUNICORN), "caracom_register.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port, path, headers=None):
    """One plain-HTTP GET from 127.0.0.1, as the proxy (or anything else on the host) would send it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()
