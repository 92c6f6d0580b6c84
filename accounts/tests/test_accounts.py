import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.models import User
from accounts.roles import PRIVACY_OFFICER, REGISTER_PERMISSIONS, ROLE_PERMISSIONS, STAFF
from accounts.services import staff_user_ensure
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def permissions_of(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_email_is_the_login_identifier():
    assert User.USERNAME_FIELD == "email"


def test_user_email_is_stored_in_lower_case():
    user = User.objects.create_user(email="Sanna.Staff@Caracom.FI", password=TEST_PASSWORD)
    assert user.email == "sanna.staff@caracom.fi"


def test_email_differing_only_in_case_is_refused():
    UserFactory(email="sanna@caracom.fi")
    with pytest.raises(ValidationError):
        User.objects.create_user(email="SANNA@caracom.fi", password=TEST_PASSWORD)


def test_authentication_ignores_the_case_of_the_email():
    UserFactory(email="sanna@caracom.fi")
    assert authenticate(RequestFactory().post("/admin/login/"), username="Sanna@CARACOM.fi", password=TEST_PASSWORD)


def test_user_without_email_cannot_be_created():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password=TEST_PASSWORD)


def test_staff_group_has_exactly_the_register_permissions():
    assert permissions_of(STAFF) == set(REGISTER_PERMISSIONS)


def test_privacy_officer_group_has_everything_staff_has_plus_the_audit_log():
    assert permissions_of(PRIVACY_OFFICER) >= permissions_of(STAFF) | {"auditlog.view_logentry"}


def test_role_groups_match_the_declared_permissions_exactly():
    for role, wanted in ROLE_PERMISSIONS.items():
        assert permissions_of(role) == set(wanted), role


def test_staff_group_cannot_see_the_audit_log():
    assert "auditlog.view_logentry" not in permissions_of(STAFF)


def test_staff_user_ensure_refuses_a_weak_password():
    with pytest.raises(ValidationError):
        staff_user_ensure(email="new@caracom.fi", password="short", roles=[STAFF])
    assert not User.objects.filter(email="new@caracom.fi").exists()


def test_staff_user_ensure_is_idempotent_and_sets_roles():
    first = staff_user_ensure(email="new@caracom.fi", password=TEST_PASSWORD, roles=[STAFF])
    again = staff_user_ensure(email="NEW@caracom.fi", password=TEST_PASSWORD, roles=[PRIVACY_OFFICER])
    assert first.pk == again.pk
    assert list(again.groups.values_list("name", flat=True)) == [PRIVACY_OFFICER]


def test_staff_user_ensure_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="Unknown role"):
        staff_user_ensure(email="new@caracom.fi", password=TEST_PASSWORD, roles=["Janitor"])
