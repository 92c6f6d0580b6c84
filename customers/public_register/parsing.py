"""Reading one company out of a YTJ v3 `/companies` answer, tolerating missing and null fields.

The shape is PRH's open data API (see /companies?businessId=...): names, addresses with their post
offices per language, the company's end date, its trade register status and its situations
(liquidation, bankruptcy, restructuring). Anything absent or null reads as "the register does not say".
"""

import datetime
from dataclasses import dataclass

from customers.public_register.models import RegisterStatus

COMPANY_NAME = "1"
STREET_ADDRESS, POSTAL_ADDRESS = 1, 2
FINNISH = "1"
TRADE_REGISTER_CEASED = "4"
SITUATIONS = {
    "KONK": RegisterStatus.BANKRUPTCY,
    "SELTILA": RegisterStatus.LIQUIDATION,
    "SANE": RegisterStatus.RESTRUCTURING,
}
# When several apply, the one that matters most for the customer relationship is shown.
SEVERITY = [
    RegisterStatus.CEASED,
    RegisterStatus.BANKRUPTCY,
    RegisterStatus.LIQUIDATION,
    RegisterStatus.RESTRUCTURING,
    RegisterStatus.REGISTERED,
]


class MalformedAnswer(ValueError):
    """The answer is JSON but not the shape of a /companies answer."""


@dataclass(frozen=True)
class RegisterCompany:
    business_id: str
    status: str
    status_since: datetime.date | None = None
    name: str = ""
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""

    @classmethod
    def not_found(cls, business_id):
        return cls(business_id=business_id, status=RegisterStatus.NOT_FOUND)


def _text(value):
    if value is None:
        return ""
    return " ".join(str(value).split())


def _date(value):
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _list(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _current_name(company):
    names = [n for n in _list(company.get("names")) if str(n.get("type")) == COMPANY_NAME and not n.get("endDate")]
    names.sort(key=lambda n: _date(n.get("registrationDate")) or datetime.date.min, reverse=True)
    return _text(names[0].get("name")) if names else ""


def _city(address):
    offices = _list(address.get("postOffices"))
    finnish = [o for o in offices if str(o.get("languageCode")) == FINNISH] or offices
    city = _text(finnish[0].get("city")) if finnish else ""
    # The register writes cities in capitals (KALAJOKI); the register's own records use Kalajoki.
    return city.title()


def _street_line(address):
    apartment = _text(address.get("apartmentNumber")) + _text(address.get("apartmentIdSuffix"))
    parts = [_text(address.get(key)) for key in ("street", "buildingNumber", "entrance")] + [apartment]
    line = " ".join(part for part in parts if part)
    if not line and _text(address.get("postOfficeBox")):
        line = f"PL {_text(address.get('postOfficeBox'))}"
    line = line or _text(address.get("freeAddressLine"))
    co = _text(address.get("co"))
    return f"c/o {co}, {line}" if co and line else line


def _address(company):
    """The street (visiting) address when the register has one, else the postal address."""
    by_type = {}
    for address in _list(company.get("addresses")):
        try:
            kind = int(address.get("type"))
        except (TypeError, ValueError):
            continue
        if not address.get("endDate"):
            by_type.setdefault(kind, address)
    for kind in (STREET_ADDRESS, POSTAL_ADDRESS):
        address = by_type.get(kind)
        if address and _street_line(address):
            return {
                "street_address": _street_line(address),
                "postal_code": _text(address.get("postCode")),
                "city": _city(address),
                "country": _text(address.get("country")).upper()[:2],
            }
    return {}


def _status(company):
    found = []
    ended = _date(company.get("endDate"))
    if ended or str(company.get("tradeRegisterStatus") or "") == TRADE_REGISTER_CEASED:
        found.append((RegisterStatus.CEASED, ended))
    for situation in _list(company.get("companySituations")):
        status = SITUATIONS.get(str(situation.get("type") or "").upper())
        if status and not situation.get("endDate"):
            found.append((status, _date(situation.get("registrationDate"))))
    if not found:
        return RegisterStatus.REGISTERED, None
    return min(found, key=lambda item: SEVERITY.index(item[0]))


def parse_companies_answer(data, business_id) -> RegisterCompany:
    """The company `business_id` out of a decoded /companies answer; NOT_FOUND when the register has none."""
    if not isinstance(data, dict):
        raise MalformedAnswer("the answer is not a JSON object")
    companies = data.get("companies")
    if companies is None and data.get("totalResults") == 0:
        return RegisterCompany.not_found(business_id)
    if not isinstance(companies, list):
        raise MalformedAnswer("the answer has no list of companies")
    companies = _list(companies)
    if not companies:
        return RegisterCompany.not_found(business_id)

    def id_of(company):
        value = company.get("businessId")
        return _text(value.get("value") if isinstance(value, dict) else value)

    matching = [c for c in companies if id_of(c) == business_id]
    if not matching and len(companies) == 1 and not id_of(companies[0]):
        matching = companies
    if not matching:
        raise MalformedAnswer(f"the answer is about another business ID ({id_of(companies[0])})")
    company = matching[0]
    status, since = _status(company)
    return RegisterCompany(
        business_id=business_id, status=status, status_since=since, name=_current_name(company), **_address(company)
    )
