"""The Finnish catalogue is complete and compiled: every UI string has a Finnish translation."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "fi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def po_entries():
    return po_entries_of(PO)


def po_entries_of(path):
    """(msgid, msgstr, flags) of each entry, parsed from a .po file."""
    entries, current, flags, field = [], None, "", None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith("msgid "):
            current = {"msgid": ast.literal_eval(line[6:]), "msgid_plural": "", "msgstr": "", "flags": flags}
            field = "msgid"
        elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
            current["msgstr"], field = ast.literal_eval(line.split(" ", 1)[1]), "msgstr"
        elif line.startswith("msgid_plural "):
            current["msgid_plural"], field = ast.literal_eval(line.split(" ", 1)[1]), "msgid_plural"
        elif line.startswith("msgstr["):
            field = None
        elif line.startswith('"') and current is not None and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current is not None:
            entries.append(current)
            current, flags = None, ""
    return [e for e in entries if e["msgid"]]


def test_every_finnish_entry_is_translated_and_not_fuzzy():
    missing = [e["msgid"] for e in po_entries() if not e["msgstr"] or "fuzzy" in e["flags"]]
    assert missing == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)

    def compiled(entry):
        if entry["msgid_plural"]:
            return catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        return catalogue.gettext(entry["msgid"])

    stale = [e["msgid"] for e in po_entries() if compiled(e) != e["msgstr"]]
    assert stale == [], "run `make messages` (compilemessages) after editing the .po file"


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    import shutil

    import pytest
    from django.core.management import call_command

    if shutil.which("xgettext") is None:
        pytest.skip("needs GNU gettext (apt-get install gettext) to extract the strings")
    # Extract from a copy of the sources: makemessages writes into any locale/ it finds.
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "locale", "staticfiles", "e2e-screenshots", "bench", "__pycache__", "*.sqlite3", "docs"
        ),
    )
    monkeypatch.chdir(source)
    settings.LOCALE_PATHS = [source / "locale"]
    call_command("makemessages", locale=["fi"], verbosity=0)
    extracted = {e["msgid"] for e in po_entries_of(source / "locale" / "fi" / "LC_MESSAGES" / "django.po")}
    assert sorted(extracted - {e["msgid"] for e in po_entries()}) == [], "run `make messages` and translate"
