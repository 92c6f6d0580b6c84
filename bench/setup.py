"""Django set-up for the benchmark: the real settings, the local PostgreSQL, no .env file."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/caracom_bench"


def django_setup():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "false")
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
