"""The profile under load: py-spy on every gunicorn worker, pg_stat_statements in PostgreSQL.

`make load LOAD_ARGS=--profile` records both during the office-pace run on the
register and writes what costs into docs/benchmarks.md (the `load-profile`
block): the functions the workers spent their samples in, and the statements
PostgreSQL spent its time on. py-spy samples from outside the process (no
change to the code measured); pg_stat_statements needs the server setting of
deploy/postgresql/caracom-register.conf (`shared_preload_libraries`), and the
profile says so when it is missing instead of guessing.
"""

import subprocess
from collections import Counter
from pathlib import Path

from django.db import DatabaseError

from bench.topology import VENV_BIN

# Frames that are on every stack (the server loop, the middleware chain): they say nothing about the cost.
_PLUMBING = ("gunicorn/", "django/core/handlers/", "django/utils/deprecation.py", "/middleware.py", "<module>")
# Where a frame is ours or a library's own work worth naming.
_INTERESTING = ("/work/", "site-packages/django/template/", "site-packages/django/forms/", "site-packages/psycopg2")


def parse_raw(text):
    """(samples, Counter of frame -> samples with that frame on the stack) from py-spy's raw (folded) output."""
    total, frames = 0, Counter()
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        for frame in set(stack.split(";")):
            frames[frame] += n
    return total, frames


def top_frames(total, frames, limit=20):
    """The frames with the largest share of the samples, the plumbing left out."""
    rows = []
    for frame, n in frames.most_common():
        # py-spy --subprocesses roots each stack in its process ("process 123:..."): a frame of its own, no cost.
        if frame.startswith("process ") or any(part in frame for part in _PLUMBING):
            continue
        rows.append((frame, n / max(total, 1)))
        if len(rows) == limit:
            break
    return rows


class PySpy:
    """py-spy record on each instance's master and its workers (--subprocesses), for one run."""

    def __init__(self, directory, masters, seconds):
        self.directory, self.masters, self.seconds, self.processes = Path(directory), masters, seconds, []

    def __enter__(self):
        for n, pid in enumerate(self.masters()):
            out = self.directory / f"py-spy-{n}.raw"
            self.processes.append(
                (
                    out,
                    subprocess.Popen(
                        [
                            str(VENV_BIN / "py-spy"),
                            "record",
                            "--pid",
                            str(pid),
                            "--subprocesses",
                            "--rate",
                            "50",
                            "--duration",
                            str(int(self.seconds)),
                            "--format",
                            "raw",
                            "--output",
                            str(out),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=open(self.directory / f"py-spy-{n}.log", "w"),  # the child's, for its life
                    ),
                )
            )
        return self

    def __exit__(self, *exc):
        for _out, process in self.processes:
            if process.poll() is None:
                # SIGINT makes py-spy write what it has sampled so far.
                process.send_signal(2)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def result(self):
        total, frames = 0, Counter()
        for out, _process in self.processes:
            if out.exists():
                n, counted = parse_raw(out.read_text())
                total += n
                frames.update(counted)
        return total, frames


def statements_available(cursor):
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
    if not cursor.fetchone():
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        except DatabaseError:  # the library is not installed: report that, measure the rest
            return False
    try:
        cursor.execute("SELECT pg_stat_statements_reset()")
    except DatabaseError:  # not in shared_preload_libraries
        return False
    return True


def top_statements(cursor, database, limit=12):
    cursor.execute(
        """
        SELECT calls, total_exec_time, mean_exec_time, shared_blks_hit + shared_blks_read, left(query, 160)
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = %s AND query NOT ILIKE '%%pg_stat_statements%%'
        ORDER BY total_exec_time DESC LIMIT %s
        """,
        [database, limit],
    )
    return cursor.fetchall()


def report(frames_total, frames, statements, seconds):
    lines = [
        f"py-spy on every gunicorn worker during the office-pace run ({frames_total:,} samples at 50 Hz, on CPU "
        "only: a worker waiting for PostgreSQL or for a request is not sampled). The share of samples with each "
        "function on the stack, the server loop and the middleware plumbing left out:",
        "",
        "| Share | Function |",
        "|---:|---|",
    ]
    for frame, share in top_frames(frames_total, frames):
        lines.append(f"| {share:.0%} | `{frame.replace('|', '/')}` |")
    lines.append("")
    if statements is None:
        lines.append(
            "pg_stat_statements: not available on this server (it must be in `shared_preload_libraries`, as "
            "deploy/postgresql/caracom-register.conf sets it)."
        )
        return "\n".join(lines)
    total = sum(row[1] for row in statements) or 1
    lines += [
        f"pg_stat_statements over the same {seconds:.0f} s, the statements PostgreSQL spent most time on:",
        "",
        "| Calls | Total | Mean | Buffers | Statement |",
        "|---:|---:|---:|---:|---|",
    ]
    for calls, total_ms, mean_ms, buffers, query in statements:
        text = " ".join(query.split()).replace("|", "/")
        share = f"{total_ms:,.0f} ms ({total_ms / total:.0%})"
        lines.append(f"| {calls:,} | {share} | {mean_ms:.2f} ms | {buffers:,} | `{text}` |")
    return "\n".join(lines)
