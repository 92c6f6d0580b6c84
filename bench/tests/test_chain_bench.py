"""The chain benchmark's parts run end to end on a tiny data set (no timings are asserted)."""

import pytest

from audit.chain.verify import chain_verify
from bench import chain, seed
from customers.models import Company, Contact


def quiet(message):
    pass


@pytest.fixture
def seeded(postgres_only):
    seed.users()
    seed.seed_register(companies=3, contacts_per_company=2, log=quiet)
    seed.seed_log(audit_entries=30, log=quiet)


def test_sealing_chains_what_the_set_based_seeding_wrote_around_the_chain(seeded):
    assert chain_verify().failure.reason == "inserted"
    count, _ = chain.seal(log=quiet)
    assert count > 0
    report = chain_verify()
    assert report.ok, report.failure


def test_verification_reports_the_entries_checked_and_its_memory(seeded):
    chain.seal(log=quiet)
    measured = chain.verify_in_process()
    assert measured["checked"] == chain_verify().checked
    assert measured["peak_rss_mb"] > 0


def test_the_chained_update_is_measured_three_ways_and_leaves_no_contact(seeded):
    before = Contact.objects.count()
    measured = chain.chained_update_overhead(Company.objects.first(), repeats=2)
    assert set(measured) == {"chained", "unchained", "unaudited"}
    assert all(value > 0 for value in measured.values())
    assert Contact.objects.count() == before
