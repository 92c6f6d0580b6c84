"""Reading a contact list as a customer company sends it: CSV as Finnish Excel writes it, or XLSX.

Only reading: every value stays text, and the rules are applied by customers.importing through the same
validation as the admin. openpyxl reads XLSX (it is what tablib itself uses for XLSX, and tablib would add
nothing here: the header mapping, the dialect detection and the row-numbered errors are ours anyway).
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Each column the import knows, and the header names (English and Finnish) it is recognised by.
COLUMNS = {
    "company": ("company", "yritys"),
    "business_id": ("business_id", "business id", "y-tunnus", "ytunnus"),
    "first_name": ("first_name", "first name", "etunimi"),
    "last_name": ("last_name", "last name", "sukunimi"),
    "title": ("title", "titteli"),
    "email": ("email", "sähköposti", "sahkoposti"),
    "phone": ("phone", "puhelin"),
    "street_address": ("street_address", "street address", "katuosoite"),
    "postal_code": ("postal_code", "postal code", "postinumero"),
    "city": ("city", "postitoimipaikka"),
    "country": ("country", "maa"),
}
HEADER_NAMES = {name: column for column, names in COLUMNS.items() for name in names}
MAX_ROWS = 200_000


class ImportFileError(ValueError):
    """The file cannot be read as a contact list at all (format, encoding, headers); `errors` lists why."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass
class ContactSheet:
    """The rows of a contact list, each a dict of column -> text, numbered as in the spreadsheet."""

    headers: dict = field(default_factory=dict)  # column -> the header as written in the file
    rows: list = field(default_factory=list)  # (row number, {column: text})


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without a byte order mark, else Windows-1252 (Excel's "CSV" on a Finnish Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def _delimiter(text):
    # Finnish Excel separates with ";" (the comma is the decimal separator); other tools with ",".
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","


def _csv_rows(data):
    try:
        text = decode_csv(data)
    except UnicodeDecodeError:
        raise ImportFileError([_("The file is neither UTF-8 nor Windows-1252 text: save it as CSV or XLSX.")]) from None
    if "\x00" in text:
        raise ImportFileError([_("The file is not a CSV text file: save it as CSV or XLSX.")])
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key) for a file that is not a workbook
        raise ImportFileError([_("The file is not an Excel workbook (XLSX): save it as CSV or XLSX.")]) from None
    try:
        sheet = workbook.worksheets[0]
        return [
            ["" if value is None else _cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def _cell_text(value):
    # A postal code or phone typed as a number comes back as an int; 00100 has then already lost its zeros,
    # which validation reports.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_contact_sheet(data: bytes, file_name: str) -> ContactSheet:
    """The header and rows of an uploaded file; raises ImportFileError naming every unknown or missing header."""
    is_xlsx = file_name.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportFileError([_("The file has no header row: the first row names the columns.")])
    headers, errors, columns = {}, [], []
    for position, raw in enumerate(table[0], start=1):
        name = raw.strip().lstrip("\ufeff").strip().lower()
        if not name:
            columns.append(None)
            continue
        column = HEADER_NAMES.get(name)
        if column is None:
            errors.append(
                _("row 1, column %(position)s: unknown header “%(header)s”; the known headers are %(known)s.")
                % {"position": position, "header": raw.strip(), "known": ", ".join(sorted(HEADER_NAMES))}
            )
        elif column in headers:
            errors.append(
                _("row 1, column %(position)s: “%(header)s” is the same column as “%(other)s”.")
                % {"position": position, "header": raw.strip(), "other": headers[column]}
            )
        else:
            headers[column] = raw.strip()
        columns.append(column)
    for required in ("first_name", "last_name"):
        if required not in headers and not errors:
            errors.append(
                _("row 1: the column “%(header)s” is missing.") % {"header": " / ".join(COLUMNS[required][::2])}
            )
    if "company" not in headers and "business_id" not in headers and not errors:
        errors.append(_("row 1: a column “company” / “yritys” or “business_id” / “y-tunnus” is needed."))
    if errors:
        raise ImportFileError(errors)
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(
            [
                _("The file has %(count)s rows; at most %(max)s are imported at once.")
                % {"count": len(table) - 1, "max": MAX_ROWS}
            ]
        )
    sheet = ContactSheet(headers=headers)
    for number, row in enumerate(table[1:], start=2):
        if not any((cell or "").strip() for cell in row):
            continue  # Excel leaves empty rows at the end
        values = {}
        for position, column in enumerate(columns):
            if column is not None:
                values[column] = (row[position] if position < len(row) else "").strip()
        sheet.rows.append((number, values))
    return sheet
