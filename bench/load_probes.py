"""What `make load` watches while Locust runs: the CPU of each process group, a probe of one page, the trace
of a run and its per-page table."""

import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path

import psutil
import requests

from bench.load_report import percentile


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class CpuMeter:
    """CPU seconds per component (PostgreSQL backends of this database, gunicorn, nginx, Locust), sampled."""

    def __init__(self, database, groups):
        self.database, self.groups = database, groups  # groups: name -> callable returning root pids
        self.seen = {}  # pid -> (group, first cpu, last cpu)
        self._stop = threading.Event()

    def _pids(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database])
            found = {pid: "PostgreSQL" for (pid,) in cursor.fetchall()}
        for name, roots in self.groups.items():
            for pid in roots():
                try:
                    process = psutil.Process(pid)
                    for p in [process, *process.children(recursive=True)]:
                        found[p.pid] = name
                except psutil.NoSuchProcess:
                    continue
        return found

    def sample(self, fresh=False):
        for pid, group in self._pids().items():
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            cpu = times.user + times.system
            first = cpu if fresh or pid not in self.seen else self.seen[pid][1]
            if pid not in self.seen and not fresh:
                first = 0.0  # a process born during the phase: all its time belongs to the phase
            self.seen[pid] = (group, first, cpu)

    def __enter__(self):
        self.seen = {}
        self.sample(fresh=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        from django.db import connection

        while not self._stop.wait(2):
            self.sample()
        connection.close()

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()

    def split(self):
        totals = defaultdict(float)
        for group, first, last in self.seen.values():
            totals[group] += last - first
        return dict(totals)


class Prober:
    """GET /health/ through nginx every 0.2 s: when the register answered, and with what."""

    def __init__(self, url):
        self.url, self.timeline, self._stop = url, [], threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        session = requests.Session()
        while not self._stop.wait(0.2):
            try:
                status = session.get(self.url, verify=False, timeout=5).status_code
            except requests.RequestException:
                status = 0
            self.timeline.append((time.time(), status))

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def first_ok_after(self, moment):
        return next((t for t, status in self.timeline if t >= moment and status == 200), None)


def read_trace(path):
    rows, ramped = [], None
    for line in Path(path).read_text().splitlines():
        at, name, ms, status, failed = line.split(",")
        if name == "#ramped-up":
            ramped = float(at) if ramped is None else ramped
            continue
        rows.append((float(at), name, float(ms), int(status), failed == "1" or int(status) >= 400 or int(status) == 0))
    return rows, ramped


def page_table(rows, start, end):
    """Per page: requests/s, median, p95, p99, errors, over the requests that ended in [start, end)."""
    by_name = defaultdict(list)
    for at, name, ms, _status, failed in rows:
        if start <= at < end and not name.startswith("sign-in"):
            by_name[name].append((ms, failed))
            by_name["All pages"].append((ms, failed))
    seconds = max(1e-9, end - start)
    table = {}
    for name, samples in by_name.items():
        times = [ms for ms, _ in samples]
        table[name] = {
            "rps": len(samples) / seconds,
            "median": statistics.median(times),
            "p95": percentile(times, 95),
            "p99": percentile(times, 99),
            "errors": sum(failed for _, failed in samples),
            "count": len(samples),
        }
    return table
