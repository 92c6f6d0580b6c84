import pytest

from accounts.roles import PRIVACY_OFFICER, STAFF
from accounts.tests.factories import PrivacyOfficerFactory, StaffUserFactory, UserFactory


@pytest.mark.django_db
def test_role_factories_put_users_in_their_role_group():
    assert list(StaffUserFactory().groups.values_list("name", flat=True)) == [STAFF]
    assert list(PrivacyOfficerFactory().groups.values_list("name", flat=True)) == [PRIVACY_OFFICER]
    assert not UserFactory().groups.exists()
    assert list(UserFactory(roles=[STAFF]).groups.values_list("name", flat=True)) == [STAFF]
