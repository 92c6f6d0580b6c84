"""Text folded for searching: no case, no accents ("MEIKÄLÄINEN", "Meikalainen" -> "meikalainen").

Searches compare a folded word with a folded shadow column kept beside the
original (maintained on every write), so the same rule runs in Python on both
databases: SQLite has no `unaccent`, and PostgreSQL's `unaccent` is not
immutable, so it cannot be indexed directly.
"""

import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_SEPARATE_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"})


def fold(text: str) -> str:
    """`text` in lower case without accents: what a search matches against."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_SEPARATE_LETTERS)
