"""The benchmark's parts run end to end on a tiny data set (no timings are asserted).

They use PostgreSQL SQL (generate_series, jsonb, pg_trgm), so they are skipped on SQLite.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from bench import lists, purge_runs, report, seed, timing, writes
from bench.purge import run_raw, run_service
from bench.setup import sign_in_with_second_factor


def quiet(message):
    pass


@pytest.fixture
def seeded(postgres_only):
    admin = seed.users()
    seed.seed_register(companies=4, contacts_per_company=3, log=quiet)
    seed.seed_log(audit_entries=40, log=quiet)
    return admin


@pytest.fixture
def bench_client(seeded, settings):
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    sign_in_with_second_factor(client, seeded)
    return client


def test_seeding_tops_the_log_up_to_the_number_of_entries_asked_for(seeded):
    from auditlog.models import LogEntry

    assert LogEntry.objects.count() == 40


def test_every_list_is_measured_beside_the_stock_admin(bench_client):
    data = timing.samples()
    rows = lists.bench_lists(bench_client, data, warmup=0, repeats=1, budget=0)
    assert [row["name"] for row in rows] == [case[1] for case in lists.list_cases(data)]
    assert all(row["median"] > 0 and "faster" in row["ratio"] for row in rows)


def test_the_writes_are_measured_with_the_audit_log_on_and_off(seeded):
    from customers.models import Contact

    before = Contact.objects.count()
    rows = writes.bench_writes(timing.samples(), repeats=2)
    assert [row["item"] for row in rows] == ["6", "6"]
    assert all("unaudited" in row["baseline"] for row in rows)
    assert Contact.objects.count() == before


def test_the_purge_service_and_the_raw_delete_remove_exactly_the_prepared_contacts(seeded):
    today = timezone.localdate()
    limit = purge_runs.neutralise_expired(today)
    purge_runs.prepare_expired(7, limit, "a")
    assert run_service(today) == (7, 14)
    purge_runs.prepare_expired(5, limit, "b")
    assert run_raw(today) == (5, 10)


def test_the_subject_item_says_not_available_without_the_services(seeded, monkeypatch):
    monkeypatch.setattr(writes, "subject_services", lambda: None)
    [row] = writes.bench_subject(timing.samples(), warmup=0, repeats=1, budget=0)
    assert row["met"] is None
    assert "not available" in row["note"]


def test_the_report_replaces_its_own_block_and_keeps_the_rest(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nHow to run.\n", encoding="utf-8")
    report.write_report(path, "small", "first")
    report.write_report(path, "small", "second")
    report.write_report(path, "full", "big")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nHow to run.\n")
    assert "second" in text and "first" not in text and "big" in text
    assert text.count("<!-- bench:small:start -->") == 1


def test_the_report_table_has_a_row_per_measurement_and_says_which_targets_are_met():
    rows = [
        {
            "item": "1",
            "name": "A",
            "median": 12.0,
            "p95": 20.0,
            "baseline": "b",
            "ratio": "6x",
            "target": "t",
            "met": True,
        },
        {
            "item": "5",
            "name": "B",
            "median": None,
            "p95": None,
            "baseline": "",
            "ratio": "",
            "target": "t",
            "met": False,
        },
    ]
    counts = {"companies": 1, "contacts": 2, "entries": 3, "server_version": "15"}
    text = report.report(label="small", scale=0.01, seeding=None, counts=counts, rows=rows, chart_name="c.png")
    assert "| 1 | A | 12.0 ms | 20.0 ms | b | 6x | t | yes |" in text
    assert "| 5 | B | — | — |  |  | t | **no** |" in text
    assert f"{datetime.date.today().isoformat()}" in text


def test_the_subject_lookup_and_export_are_measured_when_the_services_exist(seeded):
    if writes.subject_services() is None:
        pytest.skip("privacy.services.subject_lookup and subject_export are not installed")
    rows = writes.bench_subject(timing.samples(), warmup=0, repeats=1, budget=0)
    assert [row["name"] for row in rows] == ["Subject lookup by email", "Subject export ZIP of one person"]
    assert all(row["median"] > 0 for row in rows)


def test_a_report_without_a_chart_has_no_image_line():
    row = {"item": "7", "name": "W", "median": 1.0, "p95": 2.0, "baseline": "b", "ratio": "r", "target": "t", "met": 1}
    counts = {"companies": 1, "contacts": 2, "entries": 3, "server_version": "15"}

    text = report.report(label="full", scale=1, seeding=None, counts=counts, rows=[row], chart_name=None)

    assert "| 7 | W |" in text
    assert "![" not in text


def test_every_search_word_is_measured_beside_the_stock_admin(bench_client):
    from bench import pages

    rows = pages.bench_search_words(bench_client, repeats=1, log=quiet)

    assert rows[-1]["name"].startswith("Search, 127 words (the whole set)")
    assert all(row["median"] > 0 and "faster" in row["ratio"] for row in rows)
