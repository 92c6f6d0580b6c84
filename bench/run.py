"""The scale benchmark of issue #8: `make bench` (1M contacts) and `make bench-small` (1/100).

    python -m bench.run --scale 1          # seeds, measures, writes docs/benchmarks.md and the chart
    python -m bench.run --scale 0.01 --reuse   # measure again on the data already seeded

Every figure is measured beside a baseline in the same run on the same data
(the stock admin at /stock-admin/, a raw SQL DELETE for the purge), so ratios
stay meaningful on a noisy shared machine. Server time = the time Django's
test client takes to handle the request in-process (no network).
"""

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.chain import bench_chain
from bench.register_tools import bench_register_tools
from bench.setup import ROOT, django_setup, require_bench_database, sign_in_with_second_factor

FULL = {"companies": 100_000, "contacts_per_company": 10, "audit_entries": 5_000_000}
PURGE_SIZES = (10_000, 100_000, 1_000_000)
LIST_TARGET_MS, LIST_TARGET_RATIO, AUDIT_TARGET_MS = 50, 5, 100
LOOKUP_TARGET_MS, EXPORT_TARGET_MS, WRITE_TARGET_RATIO, PURGE_TARGET_RATIO, PURGE_RSS_MB = 50, 300, 3, 0.5, 250


def log(message):
    print(message, flush=True)


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def timed_requests(client, url, *, warmup, repeats, budget):
    """Median and p95 in milliseconds of GET url after `warmup` unmeasured requests."""
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    times = []
    started = time.monotonic()
    while len(times) < repeats and (len(times) < 3 or time.monotonic() - started < budget):
        before = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - before) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    return statistics.median(times), percentile(times, 95), len(times)


def samples():
    """Real values from the middle of the data to look up."""
    from django.contrib.contenttypes.models import ContentType

    from bench.seed import ACTORS
    from customers.models import Company, Contact

    contacts = Contact.objects.order_by("pk")
    count = contacts.count()
    contact = contacts.select_related("company")[count // 2]
    local = contact.phone.replace("+358", "0", 1)
    return {
        "contacts": count,
        "contact": contact,
        "last_name": contact.last_name,
        "email_fragment": contact.email.split("@")[0].rsplit(".", 1)[0],
        "phone_typed": f"{local[:3]} {local[3:6]} {local[6:]}",
        "company": Company.objects.filter(pk=contact.company_id).get(),
        "actor": ACTORS[1],
        "contact_type": ContentType.objects.get_for_model(Contact).pk,
    }


def list_cases(data):
    """(item, name, register URL, stock URL, target ms, target ratio) for items 1-3."""
    from urllib.parse import urlencode

    middle = max(1, data["contacts"] // 100 // 2)
    contact, company = data["contact"], data["company"]
    now = datetime.datetime.now(datetime.UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = urlencode(
        {
            "timestamp__gte": (day - datetime.timedelta(days=37)).isoformat(),
            "timestamp__lt": (day - datetime.timedelta(days=30)).isoformat(),
        }
    )
    c, s = "/admin/customers/", "/stock-admin/customers/"
    a, sa = "/admin/auditlog/logentry/", "/stock-admin/auditlog/logentry/"
    rows = [
        ("1", "Contact list, first page", f"{c}contact/", f"{s}contact/"),
        ("1", f"Contact list, middle page (p={middle})", f"{c}contact/?p={middle}", f"{s}contact/?p={middle}"),
        ("1", "Contact list sorted by name (descending)", f"{c}contact/?o=-1", f"{s}contact/?o=-1"),
        (
            "1",
            "Contact search by last name",
            f"{c}contact/?q={data['last_name']}",
            f"{s}contact/?q={data['last_name']}",
        ),
        (
            "1",
            "Contact search by email fragment",
            f"{c}contact/?q={data['email_fragment']}",
            f"{s}contact/?q={data['email_fragment']}",
        ),
        (
            "1",
            "Contact search by phone (typed 0xx xxx xxxx)",
            f"{c}contact/?{urlencode({'q': data['phone_typed']})}",
            f"{s}contact/?{urlencode({'q': data['phone_typed']})}",
        ),
        ("2", "Company list", f"{c}company/", f"{s}company/"),
        (
            "2",
            "Company change page with its contacts",
            f"{c}company/{company.pk}/change/",
            f"{s}company/{company.pk}/change/",
        ),
        ("3", "Audit log list", a, sa),
        (
            "3",
            "Audit log: one contact's history",
            f"{a}?content_type={data['contact_type']}&object_pk={contact.pk}",
            f"{sa}?content_type__id__exact={data['contact_type']}&object_pk={contact.pk}",
        ),
        ("3", "Audit log: by actor", f"{a}?actor_email={data['actor']}", f"{sa}?actor_email={data['actor']}"),
        ("3", "Audit log: a week, a month ago", f"{a}?{week}", f"{sa}?{week}"),
    ]
    return [
        (
            item,
            name,
            url,
            stock,
            AUDIT_TARGET_MS if item == "3" else LIST_TARGET_MS,
            None if item == "3" else LIST_TARGET_RATIO,
        )
        for item, name, url, stock in rows
    ]


def bench_lists(client, data, *, warmup, repeats, budget):
    results = []
    for item, name, url, stock, target_ms, target_ratio in list_cases(data):
        median, p95, n = timed_requests(client, url, warmup=warmup, repeats=repeats, budget=budget)
        base_median, base_p95, base_n = timed_requests(client, stock, warmup=1, repeats=repeats, budget=budget)
        ratio = base_median / median
        met = median < target_ms and (target_ratio is None or ratio >= target_ratio)
        target = f"< {target_ms} ms" + (f", ≥ {target_ratio}x" if target_ratio else "")
        results.append(
            {
                "item": item,
                "name": name,
                "median": median,
                "p95": p95,
                "baseline": f"{base_median:.1f} / {base_p95:.1f} ms",
                "ratio": f"{ratio:.1f}x faster",
                "target": target,
                "met": met,
            }
        )
        log(f"  {name}: {median:.1f} ms (p95 {p95:.1f}, n={n}); stock {base_median:.1f} ms (n={base_n}); {ratio:.1f}x")
    return results


def subject_services():
    """privacy.services.subject_lookup / subject_export (issue #6), or None before they exist."""
    from privacy import services

    lookup, export = getattr(services, "subject_lookup", None), getattr(services, "subject_export", None)
    return (lookup, export) if lookup and export else None


def bench_subject(data, *, warmup, repeats, budget):
    found = subject_services()
    if found is None:
        log("  subject lookup and export: not available (privacy.services.subject_lookup/subject_export missing)")
        return [
            {
                "item": "4",
                "name": "Subject lookup and export",
                "median": None,
                "p95": None,
                "baseline": "",
                "ratio": "",
                "target": f"< {LOOKUP_TARGET_MS} / {EXPORT_TARGET_MS} ms",
                "met": None,
                "note": "not available: privacy.services.subject_lookup/subject_export (issue #6) not merged",
            }
        ]
    lookup, export = found
    email = data["contact"].email
    rows = []
    for name, call, target in (
        ("Subject lookup by email", lambda: lookup(email=email), LOOKUP_TARGET_MS),
        ("Subject export ZIP of one person", lambda: export(email=email), EXPORT_TARGET_MS),
    ):
        median, p95, _ = timed_calls(call, warmup=warmup, repeats=repeats, budget=budget)
        rows.append(
            {
                "item": "4",
                "name": name,
                "median": median,
                "p95": p95,
                "baseline": "",
                "ratio": "",
                "target": f"< {target} ms",
                "met": median < target,
            }
        )
        log(f"  {name}: {median:.1f} ms (p95 {p95:.1f})")
    return rows


def timed_calls(call, *, warmup, repeats, budget):
    from audit.context import system_actor

    with system_actor("bench"):
        for _ in range(warmup):
            call()
        times = []
        started = time.monotonic()
        while len(times) < repeats and (len(times) < 3 or time.monotonic() - started < budget):
            before = time.perf_counter()
            call()
            times.append((time.perf_counter() - before) * 1000)
    return statistics.median(times), percentile(times, 95), len(times)


def bench_writes(data, *, repeats):
    """Item 6: contact_create and contact_update through the service, audit log on and off."""
    from auditlog.context import disable_auditlog
    from django.db import transaction

    from audit.context import system_actor
    from customers import services

    company = data["company"]
    results = {}
    tag = int(time.time())

    def one_round(label, audited):
        creates, updates = [], []
        for n in range(repeats):
            fields = {
                "company": company,
                "first_name": "Bench",
                "last_name": f"Writer{n}",
                "email": f"bench.{label}.{tag}.{n}@example.fi",
                "phone": "040 123 4567",
            }
            before = time.perf_counter()
            contact = services.contact_create(**fields)
            creates.append((time.perf_counter() - before) * 1000)
            before = time.perf_counter()
            services.contact_update(contact=contact, title=f"Title {n}")
            updates.append((time.perf_counter() - before) * 1000)
        return statistics.median(creates), statistics.median(updates)

    with system_actor("bench-writes"):
        for label, audited in (("warm", True), ("on", True), ("off", False), ("on2", True), ("off2", False)):
            with transaction.atomic():
                if audited:
                    results[label] = one_round(label, audited)
                else:
                    with disable_auditlog():
                        results[label] = one_round(label, audited)
                transaction.set_rollback(True)  # the register keeps none of the bench's writes
    on = [min(results["on"][i], results["on2"][i]) for i in (0, 1)]
    off = [min(results["off"][i], results["off2"][i]) for i in (0, 1)]
    rows = []
    for i, name in enumerate(("Contact create through the service", "Contact update through the service")):
        ratio = on[i] / off[i]
        rows.append(
            {
                "item": "6",
                "name": name + " (audited)",
                "median": on[i],
                "p95": None,
                "baseline": f"{off[i]:.2f} ms unaudited",
                "ratio": f"{ratio:.2f}x the unaudited",
                "target": f"< {WRITE_TARGET_RATIO}x unaudited",
                "met": ratio < WRITE_TARGET_RATIO,
            }
        )
        log(f"  {name}: audited {on[i]:.2f} ms, unaudited {off[i]:.2f} ms, {ratio:.2f}x")
    return rows


def sql(statement, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def neutralise_expired(as_of):
    """Before the purge runs, nothing in the seeded data is expired, so each size purges exactly that many."""
    from privacy.retention import last_expired_clock_start

    limit = last_expired_clock_start(as_of)
    sql("UPDATE customers_company SET relationship_end = NULL WHERE relationship_end <= %s", [limit])
    sql("UPDATE customers_contact SET ended_on = NULL WHERE ended_on <= %s", [limit])
    return limit


def prepare_expired(size, limit, round_tag):
    """Insert `size` expired contacts (copies of seeded ones) with two audit entries each."""
    from django.contrib.contenttypes.models import ContentType

    from customers.models import Contact

    low, high, before = sql("SELECT min(id), max(id), max(id) FROM customers_contact")[0]
    sql(
        """
        INSERT INTO customers_contact (company_id, first_name, last_name, title, email, phone, street_address,
            postal_code, city, country, legal_basis, source, ended_on, legal_hold_reason, created_at, updated_at)
        SELECT c.company_id, c.first_name, c.last_name, c.title, %(tag)s || g || '.' || c.email, c.phone,
               c.street_address, c.postal_code, c.city, c.country, c.legal_basis, c.source, %(limit)s, '',
               now(), now()
        FROM generate_series(0, %(size)s - 1) AS g
        JOIN customers_contact c ON c.id = %(low)s + g %% (%(high)s - %(low)s + 1)
        """,
        {"tag": f"p{round_tag}.", "limit": limit, "size": size, "low": low, "high": high},
    )
    content_type = ContentType.objects.get_for_model(Contact).pk
    for action, changes in (
        (
            0,
            "jsonb_build_object('first_name', jsonb_build_array(NULL, c.first_name), 'last_name', "
            "jsonb_build_array(NULL, c.last_name), 'email', jsonb_build_array(NULL, c.email), 'phone', "
            "jsonb_build_array(NULL, c.phone), 'company', jsonb_build_array(NULL, c.company_id))",
        ),
        (1, "jsonb_build_object('ended_on', jsonb_build_array(NULL, c.ended_on))"),
    ):
        sql(
            f"""
            INSERT INTO auditlog_logentry (object_pk, object_id, object_repr, action, changes, changes_text,
                                           timestamp, actor_email, content_type_id)
            SELECT c.id::text, c.id, 'Contact #' || c.id, %s, {changes}, '', now() - interval '400 days',
                   'bench-staff-1@caracom.example', %s
            FROM customers_contact c WHERE c.id > %s
            """,
            [action, content_type, before],
        )
    sql("ANALYZE customers_contact")
    sql("ANALYZE auditlog_logentry")


def purge_subprocess(mode, as_of):
    output = subprocess.run(
        [sys.executable, "-m", "bench.purge", mode, as_of.isoformat()],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_purge(sizes, on_size=None):
    from django.utils import timezone

    as_of = timezone.localdate()
    limit = neutralise_expired(as_of)
    rows, points = [], []
    for n, size in enumerate(sizes):
        measured = {}
        for mode in ("service", "raw"):
            prepare_expired(size, limit, f"{n}{mode[0]}")
            measured[mode] = purge_subprocess(mode, as_of)
            if measured[mode]["contacts"] != size:
                raise RuntimeError(f"{mode} purge removed {measured[mode]['contacts']} contacts, expected {size}")
        service, raw = measured["service"], measured["raw"]
        rate, raw_rate = size / service["seconds"], size / raw["seconds"]
        ratio = rate / raw_rate
        points.append((size, service, raw))
        rows.append(
            {
                "item": "5",
                "name": f"purge_expired, {size:,} expired contacts ({service['entries']:,} entries redacted)",
                "median": service["seconds"] * 1000,
                "p95": None,
                "baseline": f"{raw['seconds']:.2f} s, {raw_rate:,.0f} rows/s, {raw['peak_rss_mb']:.0f} MB",
                "ratio": f"{rate:,.0f} rows/s = {ratio:.2f}x raw; peak RSS {service['peak_rss_mb']:.0f} MB",
                "target": f"≥ {PURGE_TARGET_RATIO}x raw rows/s, < {PURGE_RSS_MB} MB",
                "met": ratio >= PURGE_TARGET_RATIO and service["peak_rss_mb"] < PURGE_RSS_MB,
            }
        )
        log(
            f"  purge {size}: {service['seconds']:.2f} s ({rate:,.0f} rows/s, {service['peak_rss_mb']:.0f} MB); "
            f"raw DELETE {raw['seconds']:.2f} s ({raw_rate:,.0f} rows/s, {raw['peak_rss_mb']:.0f} MB)"
        )
        if on_size:
            on_size(rows, points)
    return rows, points


def chart(points, path, title):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    sizes = [p[0] for p in points]
    figure, (left, right) = pyplot.subplots(1, 2, figsize=(10, 4))
    left.plot(sizes, [p[1]["seconds"] for p in points], "o-", label="purge_expired")
    left.plot(sizes, [p[2]["seconds"] for p in points], "s--", label="raw SQL DELETE")
    left.set(xscale="log", yscale="log", xlabel="expired contacts", ylabel="seconds", title="Purge time")
    right.plot(sizes, [p[1]["peak_rss_mb"] for p in points], "o-", label="purge_expired")
    right.plot(sizes, [p[2]["peak_rss_mb"] for p in points], "s--", label="raw SQL DELETE")
    right.axhline(PURGE_RSS_MB, color="grey", linewidth=0.8, linestyle=":", label=f"{PURGE_RSS_MB} MB target")
    right.set(xscale="log", xlabel="expired contacts", ylabel="peak RSS (MB)", title="Purge peak memory")
    right.set_ylim(bottom=0)
    for axes in (left, right):
        axes.legend()
        axes.grid(True, which="both", alpha=0.3)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def fmt_ms(value):
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.1f} ms"


def report(*, label, scale, seeding, counts, rows, chart_name):
    met = {True: "yes", False: "**no**", None: "n/a"}
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores, PostgreSQL "
        f"{counts['server_version']}, scale {scale:g}: {counts['companies']:,} companies, "
        f"{counts['contacts']:,} contacts, {counts['entries']:,} audit entries.",
        "",
        f"Seeding: companies and contacts with their CREATE entries through `seed_demo`'s bulk path "
        f"{seeding['contacts_seconds']:.1f} s; the rest of the log with set-based SQL {seeding['log_seconds']:.1f} s; "
        f"VACUUM ANALYZE {seeding['vacuum_seconds']:.1f} s."
        if seeding
        else "Seeding: not timed in this run (data reused from an earlier seed).",
        "",
        "| # | Measurement | Median | p95 | Baseline (same run) | Ratio | Target | Met |",
        "|---|---|---:|---:|---|---|---|---|",
    ]
    for row in rows:
        ratio = row["ratio"] or row.get("note", "")
        lines.append(
            f"| {row['item']} | {row['name']} | {fmt_ms(row['median'])} | {fmt_ms(row['p95'])} | "
            f"{row['baseline']} | {ratio} | {row['target']} | {met[row['met']]} |"
        )
    lines += ["", f"![Purge time and peak memory against size, {label}]({chart_name})", ""]
    return "\n".join(lines)


def write_report(path, label, text):
    start, end = f"<!-- bench:{label}:start -->", f"<!-- bench:{label}:end -->"
    document = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{text}\n{end}"
    if start in document and end in document:
        head, rest = document.split(start, 1)
        document = head + block + rest.split(end, 1)[1]
    else:
        document = document.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(document, encoding="utf-8")


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
