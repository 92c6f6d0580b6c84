"""The scale benchmark: `make bench` (1M contacts) and `make bench-small` (1/100).

    python -m bench.run --scale 1          # seeds, measures, writes docs/benchmarks.md and the chart
    python -m bench.run --scale 0.01 --reuse   # measure again on the data already seeded

Every figure is measured beside a baseline in the same run on the same data
(the stock admin at /stock-admin/, a raw SQL DELETE for the purge), so ratios
stay meaningful on a noisy shared machine. Server time = the time Django's
test client takes to handle the request in-process (no network).
"""

import argparse
import json
import os
from pathlib import Path

from bench.chain import bench_chain
from bench.lists import bench_lists
from bench.purge_runs import bench_purge, chart, sql
from bench.register_tools import bench_register_tools
from bench.report import report, write_report
from bench.setup import ROOT, django_setup, require_bench_database, sign_in_with_second_factor
from bench.targets import FULL, PURGE_SIZES
from bench.timing import log, samples
from bench.writes import bench_subject, bench_writes


def seed_file(connection):
    # Where the seeding times are kept, so a --reuse run still reports them.
    import tempfile

    return Path(tempfile.gettempdir()) / f"caracom-bench-seed-{connection.settings_dict['NAME']}.json"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1M contacts; 0.01 = bench-small.")
    parser.add_argument("--reuse", action="store_true", help="Measure on the data already seeded.")
    parser.add_argument("--seed-only", action="store_true", help="Seed (unless --reuse) and stop: for make load.")
    parser.add_argument("--skip-purge", action="store_true", help="Leave out the purge (item 5).")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="Only items 7-8 (every search word, a contact's and a company's page), into their own block.",
    )
    parser.add_argument("--repeats", type=int, default=None, help="Measured requests per URL (after warm-up).")
    parser.add_argument("--docs", default=str(ROOT / "docs"), help="Where benchmarks.md and the chart go.")
    args = parser.parse_args(argv)

    connection = django_setup()
    require_bench_database(connection)
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from bench import pages
    from bench import seed as seeding_module

    label = "full" if args.scale >= 1 else "small"
    log(f"Migrating {connection.settings_dict['NAME']} ...")
    call_command("migrate", verbosity=0)
    counts_now = sql("SELECT count(*) FROM customers_contact")[0][0]
    timings = None
    if not (args.reuse and counts_now):
        log(f"Seeding at scale {args.scale:g} ...")
        timings = seeding_module.seed(
            companies=int(FULL["companies"] * args.scale),
            contacts_per_company=FULL["contacts_per_company"],
            audit_entries=int(FULL["audit_entries"] * args.scale),
            log=log,
        )
        seed_file(connection).write_text(json.dumps(timings))
    elif not args.seed_only:
        seeding_module.vacuum_analyze()
        if seed_file(connection).exists():
            timings = json.loads(seed_file(connection).read_text())
    if args.seed_only:
        return []
    admin = seeding_module.users()
    counts = {
        "companies": sql("SELECT count(*) FROM customers_company")[0][0],
        "contacts": sql("SELECT count(*) FROM customers_contact")[0][0],
        "entries": sql("SELECT count(*) FROM auditlog_logentry")[0][0],
        "server_version": sql("SHOW server_version")[0][0],
    }
    data = samples()
    full = args.scale >= 1
    budget = 20 if full else 3
    args.repeats = args.repeats or (15 if full else 9)
    rows = []
    chart_name = "benchmarks-purge.png" if label == "full" else "benchmarks-purge-small.png"

    def publish(purge_rows=(), points=()):
        # Written after every part, so a run stopped half-way still leaves what it measured.
        if points:
            chart(points, Path(args.docs) / chart_name, f"Purge at scale {args.scale:g} ({os.cpu_count()} cores)")
        done = sorted([*rows, *purge_rows], key=lambda row: row["item"])
        text = report(label=label, scale=args.scale, seeding=timings, counts=counts, rows=done, chart_name=chart_name)
        write_report(Path(args.docs) / "benchmarks.md", label, text)
        return text

    with override_settings(
        ROOT_URLCONF="bench.urls",
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        client = Client()
        sign_in_with_second_factor(client, admin)
        if args.search_only:
            log("Items 7-8: every search word of the set; a contact's and a company's page")
            rows = pages.bench_search_words(client, repeats=3, log=log)
            rows += pages.bench_object_pages(client, data, repeats=args.repeats, log=log)
            text = report(label=label, scale=args.scale, seeding=timings, counts=counts, rows=rows, chart_name=None)
            write_report(Path(args.docs) / "benchmarks.md", f"search-{label}", text)
            log(text)
            return rows
        log("Items 1-3: admin lists, search, audit log (register admin vs stock admin)")
        rows += bench_lists(client, data, warmup=2, repeats=args.repeats, budget=budget)
        log("Items 7-8: every search word of the set; a contact's and a company's page")
        rows += pages.bench_search_words(client, repeats=3, log=log)
        rows += pages.bench_object_pages(client, data, repeats=args.repeats, log=log)
    publish()
    log("Item 4: subject lookup and export")
    rows += bench_subject(data, warmup=2, repeats=args.repeats, budget=budget)
    log("Item 6: audited vs unaudited writes")
    rows += bench_writes(data, repeats=100 if full else 30)
    rows += bench_register_tools(scale=args.scale, user=admin, log=log)
    log("Item 7: the audit chain (chaining, verification, chained writes)")
    rows += bench_chain(data["company"], repeats=100 if full else 30, log=log)
    text = publish()
    if not args.skip_purge:
        log("Item 5: purge_expired vs raw SQL DELETE (each in its own process)")
        purge_rows, _ = bench_purge(
            [max(1, int(size * args.scale)) for size in PURGE_SIZES],
            on_size=lambda done, points: publish(done, points),
        )
        rows += purge_rows
        text = publish()
    log(text)
    return rows


if __name__ == "__main__":
    main()
