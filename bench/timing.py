"""Timing requests and calls: medians and percentiles of repeated samples, one request at a time."""

import math
import statistics
import time


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
