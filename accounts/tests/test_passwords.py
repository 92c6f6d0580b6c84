import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import SuperuserFactory, sign_in_verified

pytestmark = pytest.mark.django_db


def problems(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


def test_eleven_characters_are_too_short():
    assert problems("Kx9!mq2#Lp4") == ["password_too_short"]


def test_twelve_uncommon_characters_are_enough():
    assert problems("Kx9!mq2#Lp4v") == []


def test_a_common_password_is_refused_whatever_its_length():
    assert "password_too_common" in problems("password1234")


def test_an_all_digit_password_is_refused():
    assert "password_entirely_numeric" in problems("583920174658")


def test_a_password_like_the_email_address_is_refused():
    user = User(email="santeri.harjula@caracom.example")

    assert "password_too_similar" in problems("santeri.harjula@caracom.exampl", user)


def test_a_password_built_on_the_email_name_is_refused():
    user = User(email="santeri.harjula@caracom.example")

    assert problems("Santeri_Harjula!", user) == ["password_contains_email_name"]
    assert problems("santeriharjula2026", user) == ["password_contains_email_name"]


def test_a_password_unrelated_to_the_email_is_accepted_for_that_user():
    user = User(email="santeri.harjula@caracom.example")

    assert problems("Kx9!mq2#Lp4v", user) == []
    assert problems("harjoitus-santa-42", user) == []


def test_the_admin_will_not_create_a_user_with_a_weak_password(client):
    sign_in_verified(client, SuperuserFactory())

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "uusi@caracom.example", "usable_password": "true", "password1": "short", "password2": "short"},
    )

    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="uusi@caracom.example").exists()
