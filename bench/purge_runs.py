"""The retention purge at several sizes beside a raw SQL DELETE of the same rows, and its chart."""

import json
import os
import subprocess
import sys

from bench.setup import ROOT
from bench.targets import PURGE_RSS_MB, PURGE_TARGET_RATIO
from bench.timing import log


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
