import pytest
from django.core.exceptions import ValidationError

from customers.validators import normalize_phone, phone_search_variant, validate_business_id


@pytest.mark.parametrize("value", ["0112038-9", "2345678-0", "1572860-0"])
def test_business_id_with_correct_check_digit_is_accepted(value):
    validate_business_id(value)


def test_business_id_with_wrong_check_digit_is_refused_naming_the_value():
    with pytest.raises(ValidationError) as exc:
        validate_business_id("0112038-8")
    assert exc.value.code == "business_id_check_digit"
    assert "0112038-8" in exc.value.messages[0]


@pytest.mark.parametrize("value", ["112038-9", "01120389", "0112038-", "abcdefg-h", "01120380-9"])
def test_business_id_in_wrong_form_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_business_id(value)
    assert exc.value.code == "business_id_format"


def test_business_id_whose_remainder_is_one_is_refused():
    from customers.validators import business_id_check_digit

    digits = next(f"{n:07d}" for n in range(1000000, 1000100) if business_id_check_digit(f"{n:07d}") is None)
    for check in range(10):
        with pytest.raises(ValidationError):
            validate_business_id(f"{digits}-{check}")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("045 639 3329", "+358456393329"),
        ("+358 45 639 3329", "+358456393329"),
        ("00358456393329", "+358456393329"),
        ("(045) 639-3329", "+358456393329"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_e164(given, stored):
    assert normalize_phone(given) == stored


@pytest.mark.parametrize("value", ["12", "not a number", "045 639 33291234567", "+999 123"])
def test_unparseable_phone_number_is_refused_naming_the_value(value):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(value)
    assert exc.value.code == "phone_invalid"
    assert value in exc.value.messages[0]


def test_foreign_local_number_is_read_in_the_contacts_country():
    assert normalize_phone("070-123 45 67", region="SE") == "+46701234567"


@pytest.mark.parametrize(
    ("term", "variant"),
    [("045 639 3329", "+358456393329"), ("+358 45 639", "+35845639"), ("Virtanen", None), ("2024", None)],
)
def test_phone_search_variant_reads_numbers_as_staff_type_them(term, variant):
    assert phone_search_variant(term) == variant
