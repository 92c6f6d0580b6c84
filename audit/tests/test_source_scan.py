"""Raw SQL and Django's private write APIs bypass the audit trail; the project's code must not use them.

A line that reads with SQL (planner statistics, introspection) says so with
the marker comment `audit: read-only SQL`.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(
    r"\.cursor\(|\.raw\(|RawSQL\(|\.extra\(|_raw_delete\(|\._update\(|\._insert\(|_base_manager\.[a-z_]*update"
)
MARKER = "audit: read-only SQL"
# The one sanctioned unlogged delete: audit.services.erase_objects, which redacts the trail first.
ERASURE_MARKER, ERASURE_MODULE = "audit: erasure", "audit/services.py"
# The log's own bulk insert (COPY on PostgreSQL) writes audit entries, it does not bypass them.
LOG_WRITE_MARKER, LOG_WRITE_MODULE = "audit: log write", "audit/querysets.py"
# The folded search column is derived from the names on every write and never audited: its migration fills it.
DERIVED_MARKER, DERIVED_MODULE = "audit: derived search column", "customers/migrations/0008_search_folded_names.py"
# The tests that prove tampering with SQL is detected do the tampering there, and only there.
TAMPER_MARKER, TAMPER_MODULE = "audit: tampering test", "audit/tests/tamper.py"


def allowed(relative, line):
    return (
        MARKER in line
        or (ERASURE_MARKER in line and relative.as_posix() == ERASURE_MODULE)
        or (LOG_WRITE_MARKER in line and relative.as_posix() == LOG_WRITE_MODULE)
        or (TAMPER_MARKER in line and relative.as_posix() == TAMPER_MODULE)
        or (DERIVED_MARKER in line and relative.as_posix() == DERIVED_MODULE)
    )


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or relative.parts[0] in {"bench", "staticfiles"}:
            continue
        yield relative, path


def test_project_code_uses_no_unlogged_write_path():
    offending = [
        f"{relative}:{number}: {line.strip()}"
        for relative, path in project_sources()
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line) and not allowed(relative, line)
    ]
    assert offending == []


def test_the_scan_recognises_a_raw_update():
    assert FORBIDDEN.search('with connection.cursor() as c: c.execute("UPDATE customers_contact SET ...")')
    assert FORBIDDEN.search("Contact.objects.raw('select ...')")


def test_the_erasure_marker_is_honoured_only_in_the_erasure_module():
    line = "Contact._base_manager.filter(pk__in=pks)._raw_delete(db)  # audit: erasure"
    assert allowed(Path("audit/services.py"), line)
    assert not allowed(Path("customers/services.py"), line)


def test_the_log_write_marker_is_honoured_only_in_the_audited_queryset_module():
    line = "with connection.cursor() as cursor:  # audit: log write"
    assert allowed(Path("audit/querysets.py"), line)
    assert not allowed(Path("customers/services.py"), line)


def test_the_tampering_marker_is_honoured_only_in_the_tampering_helper():
    line = "with connection.cursor() as cursor:  # audit: tampering test"
    assert allowed(Path("audit/tests/tamper.py"), line)
    assert not allowed(Path("customers/services.py"), line)
