"""CSV that a spreadsheet opens as data, never as formulas.

Excel, LibreOffice and Google Sheets evaluate a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and some
also after a leading tab or carriage return), so a company named ``=HYPERLINK(...)`` in an export would run in the
reader's spreadsheet. Every CSV the register writes goes through this writer, which prefixes such cells with a
single quote as OWASP recommends. The machine-readable exports (JSON) keep the true value.
"""

import csv
import io

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """The text of one cell, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every cell passes through :func:`csv_cell`."""

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_text(header, rows, **fmtparams) -> str:
    """A whole CSV document as text: the header, then the rows."""
    out = io.StringIO()
    writer = SafeCsvWriter(out, **fmtparams)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
