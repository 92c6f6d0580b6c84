import pytest

from privacy.models import PrivacyNoticeVersion


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Production storage needs a collectstatic manifest; pages under test only need URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def version_1(db):
    """Version 1 as the data migration creates it."""
    return PrivacyNoticeVersion.objects.get(number=1)
