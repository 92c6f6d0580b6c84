"""The Finnish catalogue is complete and compiled: every UI string has a Finnish translation."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "fi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def po_entries():
    """(msgid, msgstr, flags) of each entry, parsed from the .po file."""
    entries, current, flags, field = [], None, "", None
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith("msgid "):
            current, field = {"msgid": ast.literal_eval(line[6:]), "msgstr": "", "flags": flags}, "msgid"
        elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
            current["msgstr"], field = ast.literal_eval(line.split(" ", 1)[1]), "msgstr"
        elif line.startswith(("msgid_plural ", "msgstr[")):
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
    stale = [e["msgid"] for e in po_entries() if catalogue.gettext(e["msgid"]) != e["msgstr"]]
    assert stale == [], "run `make messages` (compilemessages) after editing the .po file"
