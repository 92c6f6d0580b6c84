"""make load's report: the tables for docs/benchmarks.md and the latency chart."""

import datetime
import math
import os
import statistics
from collections import defaultdict

SLOW_MS = 250


def percentile(values, pct):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def fmt(value, digits=0):
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def chart(ours, stock, drills, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def series(run, bucket=10):
        buckets = defaultdict(list)
        start = run["ramped"]
        for at, name, ms, _, _ in run["rows"]:
            if at >= start and not name.startswith("sign-in"):
                buckets[int((at - start) // bucket) * bucket].append(ms)
        xs = sorted(buckets)
        return xs, [statistics.median(buckets[x]) for x in xs], [percentile(buckets[x], 95) for x in xs]

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7)) if drills else (plt.figure(figsize=(9, 4)), None)
    if bottom is None:
        top = figure.add_subplot(1, 1, 1)
    for run, label, colour in ((ours, "register", "tab:blue"), (stock, "stock admin", "tab:red")):
        xs, p50, p95 = series(run)
        top.plot(xs, p95, color=colour, label=f"{label} p95")
        top.plot(xs, p50, color=colour, linestyle="--", label=f"{label} median")
    top.set_yscale("log")
    top.set_ylabel("ms (log)")
    top.set_title(f"{title}: office pace, latency over time (10 s buckets)")
    top.axhline(SLOW_MS, color="grey", linewidth=0.8)
    top.legend(fontsize=8)
    if bottom is None:
        figure.tight_layout()
        figure.savefig(path, dpi=90)
        return
    xs, p50, p95 = series(drills, bucket=5)
    bottom.plot(xs, p95, color="tab:blue", label="p95")
    bottom.plot(xs, p50, color="tab:blue", linestyle="--", label="median")
    marks = (("kill", "gunicorn killed"), ("outage", "database down"), ("back", "back"), ("purge", "purge"))
    for n, (key, label) in enumerate(marks):
        bottom.axvline(drills["marks"][key] - drills["ramped"], color="grey", linestyle=":")
        # Alternate heights: the outage and its end are ten seconds apart and their labels would overlap.
        height = bottom.get_ylim()[1] * (0.9 if n % 2 == 0 else 0.8)
        bottom.text(drills["marks"][key] - drills["ramped"], height, label, fontsize=7)
    bottom.set_xlabel("seconds after ramp-up")
    bottom.set_ylabel("ms")
    bottom.set_title("Fault drills under office-pace load")
    bottom.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def report(test, ours, stock, cap_ours, cap_stock, drills, chart_name, counts):
    users = test.args.users
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores (load average "
        f"{test.machine['load']:.1f} before the run from other work on the machine; PostgreSQL "
        f"{test.machine['settings']}), scale {test.scale:g}: {counts['contacts']:,} "
        f"contacts, {counts['entries']:,} audit entries. nginx (TLS) -> 2 gunicorn instances x "
        f"{test.servers[0].env['GUNICORN_WORKERS']} {test.servers[0].env['GUNICORN_WORKER_CLASS']} workers, "
        f"REQUIRE_2FA on; {users} users ({users - 2} staff, 2 Privacy officers; the stock run: {users} staff) at "
        f"3-7 s between clicks for {test.args.seconds} s after a ramp-up.",
        "",
        "| Page | req/s | median | p95 | p99 | errors | stock req/s | stock median | stock p95 | stock p99 "
        "| stock errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = list(dict.fromkeys([*ours["table"], *stock["table"]]))
    names.sort(key=lambda n: (n == "All pages", n.startswith("officer"), n))
    for name in names:
        a, b = ours["table"].get(name), stock["table"].get(name)
        cells = []
        for row in (a, b):
            if row is None:
                cells += ["–"] * 5
            else:
                cells += [
                    fmt(row["rps"], 2),
                    f"{fmt(row['median'])} ms",
                    f"{fmt(row['p95'])} ms",
                    f"{fmt(row['p99'])} ms",
                    f"{row['errors']} / {row['count']}",
                ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "CPU seconds during the office-pace runs (the share of the total in brackets):",
        "",
        "| Run | PostgreSQL | gunicorn | nginx | Locust |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, run in (("register", ours), ("stock admin", stock)):
        total = sum(run["cpu"].values()) or 1
        cells = [
            f"{run['cpu'].get(k, 0):.0f} s ({100 * run['cpu'].get(k, 0) / total:.0f}%)"
            for k in ("PostgreSQL", "gunicorn", "nginx", "Locust")
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Capacity (0.5-1.5 s between clicks, staff mix, more users every step; the capacity is the "
        f"highest answered requests/s with p95 under {SLOW_MS} ms and under 1% errors):",
        "",
        "| Users | register req/s | register p95 | register errors | stock req/s | stock p95 | stock errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    stock_steps = {s["users"]: s for s in cap_stock["steps"]}
    for s in cap_ours["steps"]:
        t = stock_steps.get(s["users"], {})
        lines.append(
            f"| {s['users']} | {fmt(s['ok_rps'], 1)} | {fmt(s['p95'])} ms | {s['errors']} / {s['count']} | "
            f"{fmt(t.get('ok_rps'), 1)} | {fmt(t.get('p95'))} ms | {t.get('errors', '–')} / {t.get('count', '–')} |"
        )
    ratio = (cap_ours["capacity"] / cap_stock["capacity"]) if cap_stock["capacity"] else None
    lines += [
        "",
        f"Capacity: register **{cap_ours['capacity']:.1f} req/s**, stock admin {cap_stock['capacity']:.1f} "
        f"req/s"
        + (f" ({ratio:.1f}x)" if ratio else " (its p95 is over the limit at every step)")
        + f"; peak throughput {cap_ours['peak']:.1f} vs {cap_stock['peak']:.1f} req/s "
        f"({cap_ours['peak'] / max(cap_stock['peak'], 1e-9):.1f}x).",
        "",
        f"Sign-in (a run of its own before the others, {test.signin['count']} users spread over the ramp-up): "
        f"password step median {fmt(test.signin['median'])} ms, p95 {fmt(test.signin['p95'])} ms (PBKDF2, "
        "deliberately slow).",
        "",
    ]
    if drills is None:
        lines += [
            "Fault drills: not completed in this run (see the script's output).",
            "",
            f"![Latency over time under load]({chart_name})",
            "",
        ]
        return "\n".join(lines)
    k, o, p = drills["kill"], drills["outage"], drills["purge"]
    statuses = ", ".join(f"{code or 'no answer'}: {n}" for code, n in sorted(o["statuses"].items()))
    lines += [
        "Fault drills (one office-pace run, register):",
        "",
        "| Drill | Result | Target | Met |",
        "|---|---|---|---|",
        f"| One gunicorn instance killed (SIGKILL to its process group), restarted "
        f"{drills['marks']['restart'] - drills['marks']['kill']:.0f} s later | "
        f"{k['failed']} of {k['requests']} requests failed ({100 * k['failed'] / max(k['requests'], 1):.2f}%) | "
        f"< 1% | {'yes' if k['failed'] < 0.01 * max(k['requests'], 1) else '**no**'} |",
        f"| Database down {drills['marks']['back'] - drills['marks']['outage']:.0f} s (connections dropped and "
        f"refused) | answers while down: {statuses or 'none'}; "
        f"/health/ 200 again {fmt(o['recovery'], 1)} s after it was back | only 503, back within 5 s | "
        f"{'yes' if set(o['statuses']) <= {503} and o['recovery'] is not None and o['recovery'] < 5 else '**no**'} |",
        f"| Purge of {drills['size']:,} expired contacts during the load ({p['seconds']:.1f} s) | p95 "
        f"{fmt(p['p95_before'])} ms before, {fmt(p['p95_during'])} ms during (n={p['n_before']} / {p['n_during']}) | "
        f"p95 up < 50% | {'yes' if p['p95_during'] < 1.5 * p['p95_before'] else '**no**'} |",
        "",
        f"![Latency over time under load, and the fault drills]({chart_name})",
        "",
    ]
    return "\n".join(lines)
