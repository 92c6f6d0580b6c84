import pytest
from django.apps import apps
from django.db import connection, models


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production uses whitenoise's manifest storage, which needs `collectstatic`
    # first; tests render templates without collecting.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords, not test fixtures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _erasure_ledger_per_test(settings, tmp_path):
    # Each test has its own ledger file: erasures of one test must not be reapplied in another.
    settings.ERASURE_LEDGER_PATH = str(tmp_path / "erasure-ledger.jsonl")


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only feature; run with DATABASE_URL=postgres://...")


@pytest.fixture(autouse=True)
def _english_by_default():
    # A test that switches language must not leak it into the next test.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def find_in_database(db):
    """Search every text column of every table; returns (table, column, needle) for each hit.

    Proves erasure and purge leave no trace of a person anywhere, including
    tables nobody thought of (admin history, sessions, audit entries).
    """

    def search(*needles):
        hits = []
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                    continue
                column = f"CAST({connection.ops.quote_name(field.column)} AS TEXT)"
                for needle in needles:
                    with connection.cursor() as cursor:  # audit: read-only SQL
                        cursor.execute(f"SELECT 1 FROM {table} WHERE {column} LIKE %s LIMIT 1", [f"%{needle}%"])  # noqa: S608
                        if cursor.fetchone():
                            hits.append((model._meta.db_table, field.column, needle))
        return hits

    return search


def pytest_configure(config):
    # Tests run with DEBUG off and no keys in the environment; they get throwaway keys of their
    # own (the settings have no default outside development). Set here, before any database
    # setup writes an audit entry.
    from django.conf import settings

    settings.AUDIT_CHAIN_KEY = settings.AUDIT_CHAIN_KEY or "test-only-audit-chain-key"
    settings.ERASURE_LEDGER_KEY = settings.ERASURE_LEDGER_KEY or "test-only-erasure-ledger-key"


def pytest_collection_modifyitems(config, items):
    # The browser tests share one Playwright session, whose event loop stays in the main thread until the run
    # ends; code under test that bridges async to sync (the health checks) cannot run after it. So they go last.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
