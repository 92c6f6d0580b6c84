"""The subject lookup and export, and audited writes beside unaudited ones."""

import statistics
import time

from bench.targets import EXPORT_TARGET_MS, LOOKUP_TARGET_MS, WRITE_TARGET_RATIO
from bench.timing import log, timed_calls


def subject_services():
    """privacy.services.subject_lookup / subject_export, or None where they are not installed."""
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
                "note": "not available: privacy.services.subject_lookup/subject_export not installed",
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
