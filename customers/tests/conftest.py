import pytest

from accounts.tests.factories import StaffUserFactory, sign_in_verified


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()


@pytest.fixture
def signed_in_staff(client, staff_user):
    """A client signed in (with a verified second factor) as a Staff member."""
    sign_in_verified(client, staff_user)
    return client
