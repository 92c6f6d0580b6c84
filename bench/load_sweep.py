"""gunicorn's worker model chosen by measurement: one capacity run per model, same proxy, data and sessions.

    make load LOAD_ARGS="--sweep sync:2,sync:3,gthread:2:4"

Each item is `class:workers[:threads]` per instance (two instances, as in
production). The instances are restarted with it between runs; nginx, the
database and the signed-in sessions stay, so only the worker model changes.
"""

from bench.timing import log


def parse(text):
    """[(worker class, workers, threads)] from "sync:2,gthread:2:4"; a clear error for anything else."""
    configs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        parts = item.split(":")
        if parts[0] not in {"sync", "gthread"} or len(parts) not in {2, 3} or not all(p.isdigit() for p in parts[1:]):
            raise ValueError(f"--sweep item {item!r}: expected sync:WORKERS or gthread:WORKERS:THREADS")
        workers, threads = int(parts[1]), int(parts[2]) if len(parts) == 3 else 1
        if workers < 1 or threads < 1 or (parts[0] == "sync" and threads != 1):
            raise ValueError(f"--sweep item {item!r}: workers and threads are at least 1; sync has one thread")
        configs.append((parts[0], workers, threads))
    return configs


def label(config):
    worker_class, workers, threads = config
    return f"{worker_class} {workers} workers" + (f" x {threads} threads" if worker_class == "gthread" else "")


def run(test, configs):
    rows = []
    for config in configs:
        worker_class, workers, threads = config
        for server in test.servers:
            server.stop()
            server.env.update(
                GUNICORN_WORKER_CLASS=worker_class, GUNICORN_WORKERS=str(workers), GUNICORN_THREADS=str(threads)
            )
            server.start()
        test.settle()
        result = test.capacity(f"sweep-{worker_class}-{workers}x{threads}", "/admin/")
        log(f"  sweep {label(config)}: capacity {result['capacity']:.1f} req/s, peak {result['peak']:.1f}")
        rows.append({"config": config, **result})
    return rows


def report(rows, step_seconds):
    users = sorted({step["users"] for row in rows for step in row["steps"]})
    lines = [
        "gunicorn's worker model (two instances behind nginx, each with the model below; the staff mix at 0.5-1.5 s "
        f"between clicks, more users every {step_seconds} s; p95 per step, the capacity is the highest answered "
        "requests/s with p95 under 250 ms):",
        "",
        "| Model (per instance) | " + " | ".join(f"{n} users" for n in users) + " | Capacity | Peak |",
        "|---|" + "---:|" * (len(users) + 2),
    ]
    for row in rows:
        by_users = {step["users"]: step for step in row["steps"]}
        cells = [
            f"{by_users[n]['ok_rps']:.1f} req/s, p95 {by_users[n]['p95']:,.0f} ms" if n in by_users else "–"
            for n in users
        ]
        lines.append(
            f"| {label(row['config'])} | "
            + " | ".join(cells)
            + f" | **{row['capacity']:.1f} req/s** | {row['peak']:.1f} req/s |"
        )
    return "\n".join(lines)
