import pytest
from django.db import connection


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only feature; run with DATABASE_URL=postgres://...")


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # Production serves hashed files that `collectstatic` writes (whitenoise's
    # manifest storage); tests render pages without running it first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production's slow hash is the point there; here it only slows every sign-in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
