"""make load / make load-small: many staff at once through nginx (TLS) and two gunicorn instances.

    python -m bench.load --scale 1        # the benchmark's database (make bench's data reused), ~25 minutes
    python -m bench.load --scale 0.01     # 1/100 scale in under 3 minutes

Seeds the database first if it is empty (bench.run --seed-only). Phases, each a
headless Locust run from a second process (bench/locustfile.py): office pace on
the register, the same on the stock admin (the baseline), a capacity run on
each, and the fault drills. Writes its tables into docs/benchmarks.md (between
the `load:` markers) and the latency chart next to it.
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
import urllib3

from bench import load_profile, load_sweep
from bench.load_probes import CpuMeter, Prober, log, page_table, read_trace
from bench.load_report import SLOW_MS, chart, percentile, report
from bench.report import write_report
from bench.setup import ROOT, chain_settings, django_setup, require_bench_database
from bench.topology import VENV_BIN, Gunicorn, Nginx, free_port

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


# What a small server's PostgreSQL is tuned by (deploy/postgresql/caracom-register.conf); the report names them.
REPORTED_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit")


def database_settings(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)", [list(REPORTED_SETTINGS)])
        found = {name: (setting, unit) for name, setting, unit in cursor.fetchall()}
    parts = []
    for name in REPORTED_SETTINGS:
        setting, unit = found.get(name, ("?", None))
        if unit == "8kB":
            setting, unit = f"{int(setting) * 8 // 1024} MB", None
        elif unit == "kB":
            setting, unit = f"{int(setting) // 1024} MB", None
        parts.append(f"{name} {setting}")
    return ", ".join(parts)


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix="caracom-load-"))
        self.scale = args.scale
        self.full = args.scale >= 1

    # --- set-up -------------------------------------------------------------------------------
    def setup(self):
        connection = django_setup()
        require_bench_database(connection)
        from django.core.management import call_command

        from bench import load_setup

        self.database = connection.settings_dict["NAME"]
        self.machine = {"load": os.getloadavg()[0], "settings": database_settings(connection)}
        call_command("migrate", verbosity=0)
        # Capacity steps beyond the office-pace users reuse their sessions (a person with several tabs).
        self.plan = load_setup.prepare(staff=self.args.users, officers=2, password="load-test-" + os.urandom(8).hex())
        (self.dir / "plan.json").write_text(json.dumps(self.plan))
        connection.close()
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=self.server_env(0),
            check=True,
        )
        self.static_root = ROOT / "staticfiles"
        ports = [free_port(), free_port()]
        self.servers = [Gunicorn(port, self.server_env(port), self.dir / f"gunicorn-{port}.log") for port in ports]
        self.nginx = Nginx(self.dir, ports, self.static_root)
        self.base = f"https://127.0.0.1:{self.nginx.https_port}"
        for server in self.servers:
            server.env["CSRF_TRUSTED_ORIGINS"] = self.base
            server.start()
        self.nginx.start()
        status = requests.get(f"{self.base}/health/", verify=False, timeout=30).status_code
        if status != 200:
            raise RuntimeError(f"/health/ through nginx answered {status}; see {self.dir}")
        log(f"nginx https://127.0.0.1:{self.nginx.https_port} -> gunicorn {ports}; files in {self.dir}")

    def server_env(self, port):
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DJANGO_READ_ENV_FILE": "false",
            "SECRET_KEY": "load-test-only-" + "x" * 40,
            "DEBUG": "false",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TRUST_X_FORWARDED_PROTO": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "REQUIRE_2FA": "true",
            "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "2"),
            "GUNICORN_WORKER_CLASS": os.environ.get("GUNICORN_WORKER_CLASS", "sync"),
            "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
            "GUNICORN_LOG_LEVEL": "warning",
            "GUNICORN_ACCESS_LOG": str(self.dir / f"access-{port}.log"),
        }
        env.update(chain_settings())
        return env

    def steps(self):
        return [10, 20, 40, 60, 80, 100] if self.full else [5, 10, 20]

    def teardown(self):
        for part in (self.nginx, *self.servers):
            try:
                part.stop()
            except Exception as exc:  # stop the rest whatever one did
                log(f"stopping {part}: {exc}")

    # --- one Locust run -----------------------------------------------------------------------
    def locust(self, label, *, prefix, users, seconds, think, classes, steps=None, during=None):
        trace = self.dir / f"{label}.trace"
        env = os.environ | {
            "LOAD_PLAN": str(self.dir / "plan.json"),
            "LOAD_PREFIX": prefix,
            "LOAD_THINK": think,
            "LOAD_TRACE": str(trace),
            "LOAD_SESSIONS": str(self.dir / "sessions.jsonl"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("LOAD_STEPS", None)
        command = [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench/locustfile.py"),
            "--headless",
            "--only-summary",
            "--host",
            self.base,
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            "--csv",
            str(self.dir / label),
        ]
        if steps:
            env["LOAD_STEPS"] = f"{','.join(map(str, steps))}:{seconds}"
        else:
            rate = self.spawn_rate()
            command += ["-u", str(users), "-r", f"{rate:g}", "-t", f"{seconds + users / rate:.0f}s"]
        log(f"Locust: {label} ({users} users, think {think} s)")
        process = subprocess.Popen(
            [*command, *classes],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / f"{label}.locust.log", "w"),  # noqa: SIM115 - the child's, for its life
        )
        self.locust_pid = process.pid
        started = time.time()
        if during:
            during(started)
        process.wait()
        rows, ramped = read_trace(trace)
        return rows, ramped or started, time.time()

    # --- phases ---------------------------------------------------------------------------------
    def office_pace(self, label, prefix, classes, profile=False):
        with CpuMeter(self.database, self.cpu_groups()) as cpu, self.profiled(profile):
            rows, ramped, ended = self.locust(
                label, prefix=prefix, users=self.args.users, seconds=self.args.seconds, think="3,7", classes=classes
            )
        return {
            "rows": rows,
            "ramped": ramped,
            "ended": ended,
            "table": page_table(rows, ramped, ended),
            "cpu": cpu.split(),
        }

    @contextlib.contextmanager
    def profiled(self, on):
        """py-spy on the workers and pg_stat_statements in PostgreSQL for the run inside (bench/load_profile.py)."""
        if not on:
            yield
            return
        from django.db import connection

        with connection.cursor() as cursor:
            available = load_profile.statements_available(cursor)
        started = time.time()
        masters = lambda: [s.process.pid for s in self.servers if s.process and s.process.poll() is None]  # noqa: E731
        seconds = self.ramp_seconds() + self.args.seconds + 30
        with load_profile.PySpy(self.dir, masters, seconds) as spy:
            yield
        with connection.cursor() as cursor:
            statements = load_profile.top_statements(cursor, self.database) if available else None
        total, frames = spy.result()
        self.profile = load_profile.report(total, frames, statements, time.time() - started)

    def capacity(self, label, prefix):
        step_seconds = 30 if self.full else 8
        rows, started, _ended = self.locust(
            label,
            prefix=prefix,
            users=0,
            seconds=step_seconds,
            think="0.5,1.5",
            classes=["Staff"],
            steps=self.steps(),
        )
        first = min((at for at, *_ in rows), default=started)
        result = []
        for n, users in enumerate(self.steps()):
            # The step's first third is its own ramp-up: measure the rest.
            start = first + n * step_seconds + step_seconds / 3
            table = page_table(rows, start, first + (n + 1) * step_seconds)
            if "All pages" in table:
                result.append({"users": users, **table["All pages"]})
        for step in result:
            # Only answered requests count: a proxy answering 502 at once is fast, not capacity.
            step["ok_rps"] = step["rps"] * (1 - step["errors"] / max(step["count"], 1))
        healthy = [step for step in result if step["p95"] < SLOW_MS and step["errors"] <= 0.01 * step["count"]]
        return {
            "steps": result,
            "capacity": max((step["ok_rps"] for step in healthy), default=0.0),
            "peak": max((step["ok_rps"] for step in result), default=0.0),
        }

    def drills(self):
        from django.db import connection
        from django.utils import timezone

        from bench.purge_runs import neutralise_expired, prepare_expired

        size = max(100, int(10_000 * self.scale))
        as_of = timezone.localdate()
        limit = neutralise_expired(as_of)
        prepare_expired(size, limit, f"load{int(time.time())}")
        connection.close()
        seconds = 150 if self.full else 30
        marks = {}

        def script(started):
            def at(offset):
                time.sleep(max(0.0, started + offset * seconds / 150 + self.ramp_seconds() - time.time()))
                return time.time()

            marks["kill"] = at(20)
            self.servers[1].kill()
            marks["restart"] = at(30)
            self.servers[1].start()
            marks["outage"] = at(55)
            self.database_outage(True)
            marks["back"] = at(65)
            self.database_outage(False)
            marks["purge"] = at(100)
            env = os.environ | {
                "DJANGO_READ_ENV_FILE": "false",
                "DEBUG": "false",
                "SECRET_KEY": "load-only-" + "x" * 40,
            }
            subprocess.run(
                [sys.executable, "manage.py", "purge_expired", "--json"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            marks["purged"] = time.time()

        with Prober(f"{self.base}/health/") as prober:
            rows, ramped, _ended = self.locust(
                "drills",
                prefix="/admin/",
                users=self.args.users,
                seconds=seconds,
                think="3,7",
                classes=["Staff", "PrivacyOfficer"],
                during=lambda started: threading.Thread(target=script, args=(started,), daemon=True).start(),
            )
        recovered = prober.first_ok_after(marks["back"])
        window = lambda a, b: [r for r in rows if a <= r[0] < b]  # noqa: E731
        kill = window(marks["kill"], min(marks["restart"] + 10, marks["outage"]))
        outage = window(marks["outage"] + 0.5, marks["back"])
        outage_statuses = defaultdict(int)
        for r in outage:
            outage_statuses[r[3]] += 1
        purge_span = marks["purged"] - marks["purge"]
        before = [r[2] for r in window(marks["purge"] - max(20, purge_span), marks["purge"])]
        during = [r[2] for r in window(marks["purge"], marks["purged"])]
        return {
            "rows": rows,
            "ramped": ramped,
            "marks": marks,
            "size": size,
            "kill": {"requests": len(kill), "failed": sum(r[4] for r in kill)},
            "outage": {
                "requests": len(outage),
                "statuses": dict(outage_statuses),
                "recovery": None if recovered is None else recovered - marks["back"],
            },
            "purge": {
                "seconds": purge_span,
                "p95_before": percentile(before, 95),
                "p95_during": percentile(during, 95),
                "n_before": len(before),
                "n_during": len(during),
            },
        }

    def sign_in(self):
        """Everyone signs in first (password, then the code), spread over the ramp-up.

        The runs after it reuse the sessions, so no run's figures include a queue of password hashes.
        """
        rows, _, _ = self.locust(
            "sign-in",
            prefix="/admin/",
            users=self.args.users,
            seconds=60 if self.full else 15,
            think="3,7",
            classes=["Staff", "PrivacyOfficer"],
        )
        signins = [ms for _, name, ms, _, _ in rows if name == "sign-in: password"]
        median = statistics.median(signins or [0])
        self.signin = {"count": len(signins), "median": median, "p95": percentile(signins, 95)}

    def restart_servers(self):
        """Both instances again with the production settings (after a sweep changed their worker model)."""
        for server in self.servers:
            server.stop()
            server.env.update({key: value for key, value in self.server_env(server.port).items() if "GUNICORN" in key})
            server.start()
        self.settle()

    def standard_phases(self):
        # The register's runs first: the stock admin collapses under this load (gunicorn kills its workers
        # after 30 s while PostgreSQL goes on with their queries), and would leave that behind for the next run.
        ours = self.office_pace("office-register", "/admin/", ["Staff", "PrivacyOfficer"], profile=self.args.profile)
        log(f"  register: {ours['table'].get('All pages')}")
        cap_ours = self.capacity("capacity-register", "/admin/")
        log(f"  capacity register: {cap_ours['capacity']:.1f} req/s")
        try:
            drills = self.drills()
        except Exception as exc:  # the runs above are still worth their report
            log(f"  the fault drills failed: {exc!r}")
            drills = None
        if drills:
            log(f"  drills: kill {drills['kill']}, outage {drills['outage']}, purge {drills['purge']}")
        stock = self.office_pace("office-stock", "/stock-admin/", ["Staff"])
        log(f"  stock: {stock['table'].get('All pages')}")
        self.settle()
        cap_stock = self.capacity("capacity-stock", "/stock-admin/")
        log(f"  capacity stock: {cap_stock['capacity']:.1f} req/s")
        return ours, stock, cap_ours, cap_stock, drills

    def ramp_seconds(self):
        return self.args.users / self.spawn_rate()

    def spawn_rate(self):
        # The first run signs everyone in, spread over its ramp-up (each sign-in costs a password hash);
        # later runs reuse those sessions and ramp up in ten seconds (a few at 1/100 scale, to stay short).
        if (self.dir / "sessions.jsonl").exists():
            return max(1.0, self.args.users / (10 if self.full else 4))
        return 0.5 if self.full else 2.0

    def settle(self):
        """Cancel what a collapsed run left running in PostgreSQL, and wait until the register answers again."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND pid <> pg_backend_pid() AND now() - query_start > interval '5 seconds'",
                [self.database],
            )
        connection.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/health/", verify=False, timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)

    def database_outage(self, down):
        """What PostgreSQL's restart looks like to the register, for this database only.

        The server is shared with other databases on this machine, so instead of restarting it the drill
        drops every connection to the benchmark database and refuses new ones until it is "back".
        """
        import psycopg2

        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg2.connect(url) as admin:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{self.database}" ALLOW_CONNECTIONS {"false" if down else "true"}')
                if down:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.database]
                    )
        admin.close()

    def cpu_groups(self):
        return {
            "gunicorn": lambda: [s.process.pid for s in self.servers if s.process and s.process.poll() is None],
            "nginx": lambda: [self.nginx.process.pid] if self.nginx.process else [],
            "Locust": lambda: [getattr(self, "locust_pid", 0)] if getattr(self, "locust_pid", 0) else [],
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=None, help="Simulated users at office pace (2 are officers).")
    parser.add_argument("--seconds", type=int, default=None, help="Office-pace run after the ramp-up.")
    parser.add_argument("--docs", default=str(ROOT / "docs"))
    parser.add_argument("--profile", action="store_true", help="py-spy and pg_stat_statements during office pace.")
    parser.add_argument("--sweep", default="", help="Worker models to compare first, e.g. sync:2,gthread:2:4.")
    parser.add_argument("--sweep-only", action="store_true", help="Run the sweep and nothing after it.")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (300 if args.scale >= 1 else 15)
    args.users = args.users or (52 if args.scale >= 1 else 12)
    try:
        configs = load_sweep.parse(args.sweep)
    except ValueError as exc:
        parser.error(str(exc))
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--scale", f"{args.scale:g}", "--seed-only", "--reuse"],
        cwd=ROOT,
        check=True,
    )
    label = "full" if args.scale >= 1 else "small"
    document = Path(args.docs) / "benchmarks.md"
    test = LoadTest(args)
    test.setup()
    try:
        test.sign_in()
        if configs:
            swept = load_sweep.run(test, configs)
            write_report(document, f"load-sweep-{label}", load_sweep.report(swept, 30 if test.full else 8))
            if args.sweep_only:
                return
            test.restart_servers()
        results = test.standard_phases()
    finally:
        test.teardown()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM customers_contact), (SELECT count(*) FROM auditlog_logentry)")
        contacts, entries = cursor.fetchone()
    chart_name = f"benchmarks-load{'' if label == 'full' else '-small'}.png"
    ours, stock, cap_ours, cap_stock, drills = results
    chart(ours, stock, drills, Path(args.docs) / chart_name, f"make load, scale {args.scale:g}")
    text = report(
        test, ours, stock, cap_ours, cap_stock, drills, chart_name, {"contacts": contacts, "entries": entries}
    )
    write_report(document, f"load-{label}", text)
    if getattr(test, "profile", None):
        write_report(document, f"load-profile-{label}", test.profile)
    (test.dir / "report.md").write_text(text)
    log(text)


if __name__ == "__main__":
    main()
