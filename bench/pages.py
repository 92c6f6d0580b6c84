"""Benchmark items 7 and 8: every search word of the set, and a contact's and a company's page.

Server time in one process with Django's test client (as items 1-3); the stock
admin (bench/stock_admin.py) is the baseline measured in the same run.
"""

import math
import statistics
import time
from urllib.parse import urlencode

from bench.words import search_words

SEARCH_TARGET_MS = 100
PAGE_TARGET_MS = 40


def _percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _time(client, url, repeats):
    times = []
    for _ in range(repeats):
        before = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - before) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    return statistics.median(times)


def word_times(client, prefix, *, repeats):
    """{(kind, word): median ms} over the whole word set, after one unmeasured request per word."""
    times = {}
    for kind, word in search_words():
        url = f"{prefix}customers/contact/?{urlencode({'q': word})}"
        client.get(url)
        times[kind, word] = _time(client, url, repeats)
    return times


def bench_search_words(client, *, repeats, log=print):
    """Item 7: the worst word and the p95 over the set, per kind and overall, against the stock admin."""
    ours = word_times(client, "/admin/", repeats=repeats)
    stock = word_times(client, "/stock-admin/", repeats=1)
    kinds = list(dict.fromkeys(kind for kind, _ in ours))
    rows = []
    for kind in [*kinds, None]:
        keys = [key for key in ours if kind is None or key[0] == kind]
        worst = max(keys, key=ours.get)
        mine, base = [ours[k] for k in keys], [stock[k] for k in keys]
        name = f"Search, {len(keys)} words" + (f" ({kind})" if kind else " (the whole set)")
        rows.append(
            {
                "item": "7",
                "name": f"{name}: worst “{worst[1]}”",
                "median": ours[worst],
                "p95": _percentile(mine, 95),
                "baseline": f"worst {max(base):.0f} / p95 {_percentile(base, 95):.0f} ms",
                "ratio": f"{_percentile(base, 95) / _percentile(mine, 95):.1f}x faster (p95)",
                "target": f"every word < {SEARCH_TARGET_MS} ms",
                "met": ours[worst] < SEARCH_TARGET_MS,
            }
        )
        log(f"  {rows[-1]['name']}: worst {ours[worst]:.1f} ms, p95 {_percentile(mine, 95):.1f} ms")
    return rows


def bench_object_pages(client, data, *, repeats, log=print):
    """Item 8: a contact's and a company's change page (the median is the figure; the p95 beside it)."""
    contact, company = data["contact"], data["company"]
    rows = []
    for name, path in (
        ("A contact's page", f"customers/contact/{contact.pk}/change/"),
        ("A company's page (its contacts listed)", f"customers/company/{company.pk}/change/"),
    ):
        samples = []
        for prefix in ("/admin/", "/stock-admin/"):
            client.get(prefix + path)
            times = []
            for _ in range(repeats):
                before = time.perf_counter()
                client.get(prefix + path)
                times.append((time.perf_counter() - before) * 1000)
            samples.append(times)
        (mine, base) = samples
        median, base_median = statistics.median(mine), statistics.median(base)
        rows.append(
            {
                "item": "8",
                "name": name,
                "median": median,
                "p95": _percentile(mine, 95),
                "baseline": f"{base_median:.1f} / {_percentile(base, 95):.1f} ms",
                "ratio": f"{base_median / median:.1f}x faster",
                "target": f"< {PAGE_TARGET_MS} ms",
                "met": median < PAGE_TARGET_MS,
            }
        )
        log(f"  {name}: {median:.1f} ms; stock {base_median:.1f} ms")
    return rows
