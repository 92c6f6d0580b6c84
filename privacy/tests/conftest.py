import pytest

from privacy.models import PrivacyNoticeVersion


@pytest.fixture
def version_1(db):
    """Version 1 as the data migration creates it."""
    return PrivacyNoticeVersion.objects.get(number=1)
