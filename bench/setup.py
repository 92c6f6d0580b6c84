"""Django set-up for the benchmark: the real settings, the local PostgreSQL, no .env file."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/caracom_bench"


def chain_settings():
    """The benchmark's audit-chain and erasure-ledger settings, as every process of a benchmark needs them.

    The seeded log is chained with this key; a server or command started without it fails closed on its
    first audited write (a sign-in included).
    """
    return {
        "AUDIT_CHAIN_KEY": os.environ.get("AUDIT_CHAIN_KEY") or "bench-only-audit-chain-key",
        "ERASURE_LEDGER_KEY": os.environ.get("ERASURE_LEDGER_KEY") or "bench-only-erasure-ledger-key",
        "ERASURE_LEDGER_PATH": os.environ.get("ERASURE_LEDGER_PATH")
        or str(Path(tempfile.gettempdir()) / "caracom-bench-erasure-ledger.jsonl"),
    }


def django_setup():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "false")
    os.environ.update(chain_settings())
    # The test client speaks plain HTTP; in production TLS ends at the proxy, so the redirect is not measured.
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ["DJANGO_READ_ENV_FILE"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "caracom_register.settings"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    return connection


def require_bench_database(connection):
    # The benchmark truncates tables: never let it near a database not named for it.
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to seed database {name!r}: its name must contain 'bench' (e.g. caracom_bench).")


def sign_in_with_second_factor(client, user):
    """Sign the client in as a user who has passed both steps, so pages measure as staff see them.

    REQUIRE_2FA stays on: its middleware is part of every request's cost.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="benchmark", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
