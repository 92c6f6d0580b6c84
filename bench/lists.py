"""The admin lists and searches, each beside the stock admin's same page in the same run."""

import datetime

from bench.targets import AUDIT_TARGET_MS, LIST_TARGET_MS, LIST_TARGET_RATIO
from bench.timing import log, timed_requests


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
