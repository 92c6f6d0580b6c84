import pytest

from privacy.models import PrivacyNoticeVersion


@pytest.fixture
def version_1(db):
    """Version 1 as the data migration creates it."""
    return PrivacyNoticeVersion.objects.get(number=1)


from privacy.tests.smtp import smtp_server, smtp_server_down  # noqa: E402, F401  (fixtures)
