"""The benchmark's table as Markdown, written into docs/benchmarks.md."""

import datetime
import os


def fmt_ms(value):
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.1f} ms"


def report(*, label, scale, seeding, counts, rows, chart_name):
    met = {True: "yes", False: "**no**", None: "n/a"}
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores, PostgreSQL "
        f"{counts['server_version']}, scale {scale:g}: {counts['companies']:,} companies, "
        f"{counts['contacts']:,} contacts, {counts['entries']:,} audit entries.",
        "",
        f"Seeding: companies and contacts with their CREATE entries through `seed_demo`'s bulk path "
        f"{seeding['contacts_seconds']:.1f} s; the rest of the log with set-based SQL {seeding['log_seconds']:.1f} s; "
        f"VACUUM ANALYZE {seeding['vacuum_seconds']:.1f} s."
        if seeding
        else "Seeding: not timed in this run (data reused from an earlier seed).",
        "",
        "| # | Measurement | Median | p95 | Baseline (same run) | Ratio | Target | Met |",
        "|---|---|---:|---:|---|---|---|---|",
    ]
    for row in rows:
        ratio = row["ratio"] or row.get("note", "")
        lines.append(
            f"| {row['item']} | {row['name']} | {fmt_ms(row['median'])} | {fmt_ms(row['p95'])} | "
            f"{row['baseline']} | {ratio} | {row['target']} | {met[row['met']]} |"
        )
    if chart_name:
        lines += ["", f"![Purge time and peak memory against size, {label}]({chart_name})", ""]
    return "\n".join(lines)


def write_report(path, label, text):
    start, end = f"<!-- bench:{label}:start -->", f"<!-- bench:{label}:end -->"
    document = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{text}\n{end}"
    if start in document and end in document:
        head, rest = document.split(start, 1)
        document = head + block + rest.split(end, 1)[1]
    else:
        document = document.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(document, encoding="utf-8")
