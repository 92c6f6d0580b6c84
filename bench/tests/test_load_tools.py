"""The profile and the worker-model sweep of make load: what they read and what they refuse."""

import pytest

from bench import load_profile, load_sweep

RAW = (
    'process 41:"gunicorn master";<module> (gunicorn/app.py:1);handle (gunicorn/workers/sync.py:135);'
    "render (django/template/base.py:168) 30\n"
    "<module> (gunicorn/app.py:1);handle (gunicorn/workers/sync.py:135);execute (django/db/utils.py:79) 10\n"
    "not a sample line\n"
)


def test_the_profile_counts_each_frame_once_per_sample_and_skips_lines_that_are_not_samples():
    total, frames = load_profile.parse_raw(RAW)

    assert total == 40
    assert frames["render (django/template/base.py:168)"] == 30
    assert frames["<module> (gunicorn/app.py:1)"] == 40


def test_the_profile_leaves_the_server_loop_out_of_its_top_frames():
    total, frames = load_profile.parse_raw(RAW)

    rows = load_profile.top_frames(total, frames)

    assert rows == [("render (django/template/base.py:168)", 0.75), ("execute (django/db/utils.py:79)", 0.25)]


def test_the_profile_report_says_when_pg_stat_statements_is_missing():
    text = load_profile.report(40, load_profile.parse_raw(RAW)[1], None, 60)

    assert "not available on this server" in text
    assert "| 75% | `render (django/template/base.py:168)` |" in text


def test_the_sweep_reads_sync_and_gthread_models():
    assert load_sweep.parse("sync:2, gthread:2:4") == [("sync", 2, 1), ("gthread", 2, 4)]


@pytest.mark.parametrize("item", ["eventlet:2", "sync", "sync:0", "sync:2:4", "gthread:x:2", "gthread:2:0"])
def test_the_sweep_refuses_a_model_it_cannot_run_naming_the_item(item):
    with pytest.raises(ValueError, match=item):
        load_sweep.parse(item)


def test_the_sweep_report_has_one_row_per_model_with_its_capacity():
    step = {"users": 10, "ok_rps": 9.5, "p95": 120.0}
    rows = [{"config": ("sync", 2, 1), "steps": [step], "capacity": 9.5, "peak": 9.5}]

    text = load_sweep.report(rows, 30)

    assert "| sync 2 workers | 9.5 req/s, p95 120 ms | **9.5 req/s** | 9.5 req/s |" in text


def test_every_benchmark_process_gets_the_chain_and_ledger_keys_the_seeded_log_was_chained_with(monkeypatch):
    # Without the chain key every audited write fails closed: each sign-in of the load test answered 500.
    from bench.setup import chain_settings

    monkeypatch.delenv("AUDIT_CHAIN_KEY", raising=False)
    monkeypatch.setenv("ERASURE_LEDGER_KEY", "from-the-environment")

    settings = chain_settings()

    assert settings["AUDIT_CHAIN_KEY"] == "bench-only-audit-chain-key"
    assert settings["ERASURE_LEDGER_KEY"] == "from-the-environment"
    assert settings["ERASURE_LEDGER_PATH"].endswith("caracom-bench-erasure-ledger.jsonl")
