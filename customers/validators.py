"""Validators and normalisers shared by the models, the admin, imports and services."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

BUSINESS_ID_RE = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(first_seven):
    """The Y-tunnus check digit (Finnish Patent and Registration Office rule), or None if none exists."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        # No valid business ID has remainder 1; such numbers are never issued.
        return None
    return 11 - remainder


def validate_business_id(value):
    match = BUSINESS_ID_RE.match(value or "")
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a Finnish business ID: use the form 1234567-1."),
            code="business_id_format",
            params={"value": value},
        )
    expected = business_id_check_digit(match.group(1))
    if expected is None or expected != int(match.group(2)):
        raise ValidationError(
            _("“%(value)s” has a wrong check digit: the business ID does not exist."),
            code="business_id_check_digit",
            params={"value": value},
        )


def validate_country_code(value):
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166-1 alpha-2 country code (for example FI, SE, DE)."),
            code="country_code",
            params={"value": value},
        )


# What people type around a phone number's digits. phonenumbers.parse() quietly drops anything after the number
# ("0456393329x" parses as 0456393329), so a typo or an extension would vanish unnoticed: refuse it instead.
PHONE_CHARACTERS_RE = re.compile(r"^\+?[\d\s\-().\/]+$")


def normalize_phone(value, region="FI"):
    """Return the number in E.164; local numbers are read in `region` (Finland by default)."""
    value = (value or "").strip()
    if not value:
        return ""
    number = None
    if PHONE_CHARACTERS_RE.match(value):
        try:
            number = phonenumbers.parse(value, region or "FI")
        except phonenumbers.NumberParseException:
            number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number. Give it as +358 45 639 3329 or 045 639 3329."),
            code="phone_invalid",
            params={"value": value[:50]},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_variant(term):
    """E.164 form of a search term that looks like a phone number, else None."""
    digits = re.sub(r"[\s\-().]", "", term or "")
    if not re.fullmatch(r"\+?\d{5,15}", digits):
        return None
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+358" + digits[1:]
    return None


# Postal codes by country: Finland is the register's home, the others are its customers' usual neighbours.
# A country not listed here is not checked (no rule is better than a wrong one).
POSTAL_CODE_RULES = {
    "FI": (re.compile(r"^\d{5}$"), "00100"),
    "AX": (re.compile(r"^22\d{3}$"), "22100"),
    "SE": (re.compile(r"^\d{3} ?\d{2}$"), "114 55"),
    "NO": (re.compile(r"^\d{4}$"), "0150"),
    "DK": (re.compile(r"^\d{4}$"), "1050"),
    "EE": (re.compile(r"^\d{5}$"), "10111"),
    "DE": (re.compile(r"^\d{5}$"), "10115"),
    "FR": (re.compile(r"^\d{5}$"), "75001"),
    "PL": (re.compile(r"^\d{2}-\d{3}$"), "00-950"),
    "NL": (re.compile(r"^\d{4} ?[A-Z]{2}$"), "1011 AB"),
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "10001"),
    "GB": (re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"), "SW1A 1AA"),
}


def validate_postal_code(value, country):
    """Raise a ValidationError naming the rule when `value` is not a postal code of `country`."""
    rule = POSTAL_CODE_RULES.get((country or "").upper())
    if not value or rule is None:
        return
    pattern, example = rule
    if not pattern.match(value.strip().upper()):
        raise ValidationError(
            _("“%(value)s” is not a postal code of %(country)s: it is written like %(example)s."),
            code="postal_code",
            params={"value": value[:20], "country": countries.name(country.upper()), "example": example},
        )
