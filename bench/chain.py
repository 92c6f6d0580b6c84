"""Item 7: the audit log's MAC chain. Chaining the seeded log, `verify_audit_log` over all of it (its own
process, for its peak memory; target: 5,000,000 entries in under 60 s, memory flat) and what chaining adds
to an audited update (target: still under 1.5x the unaudited one).

    python -m bench.chain verify    # one verification; prints {"seconds", "checked", "peak_rss_mb"}
"""

import json
import resource
import statistics
import subprocess
import sys
import time

VERIFY_TARGET_SECONDS, VERIFY_TARGET_ENTRIES, CHAINED_WRITE_RATIO = 60, 5_000_000, 1.5


def seal(log=print):
    """Chain what the set-based seeding wrote around the chain, in id order, as the migration does."""
    from django.db.models import Exists, OuterRef

    from audit.chain.append import chain_append
    from audit.chain.content import MODELS
    from audit.models import ChainLink

    started, count = time.monotonic(), 0
    for table, model in MODELS.items():
        linked = ChainLink.objects.filter(table=table, entry_id=OuterRef("pk"))
        ids = list(model._base_manager.filter(~Exists(linked)).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            count += chain_append(table=table, ids=ids[start : start + 5000])
    seconds = time.monotonic() - started
    log(f"  chained {count:,} seeded entries: {seconds:.1f} s")
    return count, seconds


def verify_in_process():
    from audit.chain.verify import chain_verify

    started = time.monotonic()
    report = chain_verify()
    seconds = time.monotonic() - started
    if not report.ok:
        raise SystemExit(f"verification failed: {report.failure.message}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "checked": report.checked, "peak_rss_mb": peak}


def chained_update_overhead(company, repeats):
    """Median ms of contact_update: audited and chained, audited with chaining off, and unaudited."""
    from auditlog.context import disable_auditlog
    from django.db import transaction

    from audit.chain import append
    from customers import services

    def one_round(tag):
        times = []
        for n in range(repeats):
            contact = services.contact_create(company=company, first_name="Ketju", last_name=f"Mittaus{n}")
            before = time.perf_counter()
            services.contact_update(contact=contact, title=f"Title {tag} {n}")
            times.append((time.perf_counter() - before) * 1000)
        return statistics.median(times)

    real = append.chain_append
    results = {}
    for label in ("warm", "chained", "unchained", "unaudited", "chained2", "unchained2", "unaudited2"):
        with transaction.atomic():
            if label.startswith("unaudited"):
                with disable_auditlog():
                    results[label] = one_round(label)
            elif label.startswith("unchained"):
                append.chain_append = lambda **kwargs: 0
                try:
                    results[label] = one_round(label)
                finally:
                    append.chain_append = real
            else:
                results[label] = one_round(label)
            transaction.set_rollback(True)  # the register keeps none of the bench's writes
    return {name: min(results[name], results[name + "2"]) for name in ("chained", "unchained", "unaudited")}


def bench_chain(company, *, repeats, log=print):
    from audit.models import ChainLink

    count, seal_seconds = seal(log)
    done = subprocess.run([sys.executable, "-m", "bench.chain", "verify"], check=True, capture_output=True, text=True)
    verified = json.loads(done.stdout.strip().splitlines()[-1])
    per_entry = verified["seconds"] / max(1, verified["checked"])
    projected = per_entry * VERIFY_TARGET_ENTRIES
    log(
        f"  verify_audit_log: {verified['checked']:,} entries in {verified['seconds']:.1f} s "
        f"({verified['peak_rss_mb']:.0f} MB peak); {projected:.0f} s projected for 5M"
    )
    writes = chained_update_overhead(company, repeats)
    ratio = writes["chained"] / writes["unaudited"]
    log(
        f"  contact update: chained {writes['chained']:.2f} ms, audited without chain {writes['unchained']:.2f} ms, "
        f"unaudited {writes['unaudited']:.2f} ms ({ratio:.2f}x)"
    )
    links = ChainLink.objects.count()
    return [
        {
            "item": "7",
            "name": f"Chaining the seeded log in bulk ({count:,} entries)",
            "median": seal_seconds * 1000,
            "p95": None,
            "baseline": "—",
            "ratio": f"{count / max(seal_seconds, 1e-9):,.0f} entries/s",
            "target": "—",
            "met": None,
        },
        {
            "item": "7",
            "name": f"verify_audit_log, {verified['checked']:,} of {links:,} links",
            "median": verified["seconds"] * 1000,
            "p95": None,
            "baseline": f"{verified['peak_rss_mb']:.0f} MB peak RSS",
            "ratio": f"{projected:.0f} s projected for 5M",
            "target": f"< {VERIFY_TARGET_SECONDS} s for 5M, flat memory",
            "met": projected < VERIFY_TARGET_SECONDS,
        },
        {
            "item": "7",
            "name": "Contact update through the service (audited and chained)",
            "median": writes["chained"],
            "p95": None,
            "baseline": f"{writes['unaudited']:.2f} ms unaudited; {writes['unchained']:.2f} ms audited unchained",
            "ratio": f"{ratio:.2f}x the unaudited",
            "target": f"< {CHAINED_WRITE_RATIO}x unaudited",
            "met": ratio < CHAINED_WRITE_RATIO,
        },
    ]


if __name__ == "__main__" and sys.argv[1:] == ["verify"]:
    from bench.setup import django_setup

    django_setup()
    print(json.dumps(verify_in_process()))
