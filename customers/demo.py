"""Realistic Finnish demo data, generated fast enough to seed a million contacts.

Faker is slow per call, so names and streets are drawn once into pools and
combined with a seeded random generator; every generated value is valid by
construction (business ID check digits, dialable Finnish mobile numbers).
"""

import datetime
import random
import unicodedata

from faker import Faker

from customers.models import Company, Contact, LegalBasis, Source
from customers.validators import business_id_check_digit

COMPANY_SUFFIXES = ("Oy", "Oy", "Oy", "Ab", "Oyj", "Ky", "Tmi")
TITLES = (
    "Toimitusjohtaja",
    "Talousjohtaja",
    "HR-päällikkö",
    "Työturvallisuuspäällikkö",
    "IT-päällikkö",
    "Kiinteistöpäällikkö",
    "Hankintapäällikkö",
    "Asiakkuuspäällikkö",
    "Vastaanottovastaava",
    "Projektipäällikkö",
)
MOBILE_PREFIXES = ("40", "41", "44", "45", "46", "50")
INDUSTRIES = ("Rakennus", "Logistiikka", "Palvelu", "Tekniikka", "Kiinteistö", "Energia", "Metalli", "Konsultointi")


def _ascii_slug(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in text if ch.isalnum())


class DemoDataGenerator:
    def __init__(self, seed=None, pool_size=400):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        fake = Faker("fi_FI")
        fake.seed_instance(seed)
        self.first_names = sorted({fake.first_name() for _ in range(pool_size)})
        self.last_names = sorted({fake.last_name() for _ in range(pool_size)})
        self.streets = sorted({fake.street_name() for _ in range(pool_size // 2)})
        self.cities = sorted({fake.city() for _ in range(pool_size // 4)})
        self.words = sorted({fake.last_name() for _ in range(pool_size)} | {fake.city() for _ in range(pool_size // 4)})
        self._business_base = self.rng.randrange(1_000_000, 3_000_000)
        self._phone_counter = self.rng.randrange(0, 1_000_000)

    def business_id(self):
        while True:
            self._business_base += 1
            digits = f"{self._business_base:07d}"
            check = business_id_check_digit(digits)
            if check is not None:
                return f"{digits}-{check}"

    def phone(self):
        # Sequential subscriber numbers keep them unique within a seeding run.
        self._phone_counter += 1
        prefix = self.rng.choice(MOBILE_PREFIXES)
        return f"+358{prefix}{self._phone_counter % 10_000_000:07d}"

    def address(self):
        rng = self.rng
        return {
            "street_address": f"{rng.choice(self.streets)} {rng.randint(1, 120)}",
            "postal_code": f"{rng.randint(0, 99) * 1000 + rng.choice((100, 200, 300, 500, 600, 700, 900)):05d}",
            "city": rng.choice(self.cities),
            "country": "FI",
        }

    def company(self, today):
        rng = self.rng
        start = today - datetime.timedelta(days=rng.randint(30, 365 * 12))
        end = None
        if rng.random() < 0.2:
            end = min(today, start + datetime.timedelta(days=rng.randint(30, 365 * 6)))
        name = f"{rng.choice(self.words)} {rng.choice(INDUSTRIES)} {rng.choice(COMPANY_SUFFIXES)}"
        return Company(
            name=name,
            business_id=self.business_id(),
            relationship_start=start,
            relationship_end=end,
            source=rng.choice((Source.CUSTOMER_COMPANY, Source.PUBLIC_REGISTER)),
            **self.address(),
        )

    def contact(self, company, n, today):
        rng = self.rng
        first = rng.choice(self.first_names)
        last = rng.choice(self.last_names)
        domain = f"{_ascii_slug(company.name.rsplit(' ', 1)[0])[:30] or 'asiakas'}.fi"
        ended_on = None
        if rng.random() < 0.05:
            ended_on = today - datetime.timedelta(days=rng.randint(1, 365 * 3))
        return Contact(
            company=company,
            first_name=first,
            last_name=last,
            title=rng.choice(TITLES),
            email=f"{_ascii_slug(first)}.{_ascii_slug(last)}.{n}@{domain}",
            phone=self.phone(),
            legal_basis=rng.choice((LegalBasis.LEGITIMATE_INTEREST, LegalBasis.CONTRACT)),
            source=rng.choice(tuple(Source)),
            ended_on=ended_on,
            **self.address(),
        )
