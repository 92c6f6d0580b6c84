"""List exports of companies and contact persons (CSV or XLSX), each one recorded as a disclosure.

An export of personal data hands it to whoever holds the file: every exported row gets an ACCESS entry in the
audit trail naming who exported it, the filter and the row count (audit.services.disclosure_record). CSV goes
through caracom_register.spreadsheet, the one writer that neutralises formula cells; in XLSX a text cell is
written as text, never as a formula.
"""

import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from audit import disclosures
from audit.context import current_actor
from audit.services import disclosure_record
from caracom_register.spreadsheet import csv_text
from customers.models import Company, Contact
from customers.services import CONTACT_EDITABLE_FIELDS

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The contact's editable fields, its company's business ID beside its name, and no legal hold (internal).
CONTACT_COLUMNS = (
    "id",
    "company",
    "company__business_id",
    *(name for name in CONTACT_EDITABLE_FIELDS if name not in ("company", "legal_hold_until", "legal_hold_reason")),
)
COMPANY_COLUMNS = (
    "id",
    "name",
    "business_id",
    "street_address",
    "postal_code",
    "city",
    "country",
    "relationship_start",
    "relationship_end",
    "source",
)


@dataclass
class ExportFile:
    content: bytes
    content_type: str
    file_name: str
    rows: int


def _label(model, column):
    if column == "company__business_id":
        return _("business ID")
    if column == "id":
        return "ID"
    return str(model._meta.get_field(column).verbose_name)


def _value(obj, column, for_xlsx):
    if column == "company__business_id":
        return obj.company.business_id
    field = obj._meta.get_field(column)
    if field.choices:
        return str(getattr(obj, f"get_{column}_display")())
    value = getattr(obj, column)
    if column == "company":
        return value.name
    if column == "country":
        return str(value.name) if value else ""
    if isinstance(value, datetime.date):
        return value if for_xlsx else formats.date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else value


def _xlsx(header, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl stores a string starting with "=" as a formula; an export holds data only.
                cell.data_type = "s"
            elif isinstance(value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


LIST_EXPORT_KIND = "contact list export"
LIST_EXPORT_RECIPIENT = "list export downloaded by"


@transaction.atomic
def register_export(*, queryset, fmt: str, details: dict) -> ExportFile:
    """The rows of `queryset` (contacts or companies) as a file; records each row's disclosure in the audit trail.

    `details` says how the rows were chosen (filters, whether a search was used), never the search words, which
    can be a person's name.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(_("“%(value)s” is not an export format; use csv or xlsx.") % {"value": fmt})
    model = queryset.model
    if model is Contact:
        columns, queryset = CONTACT_COLUMNS, queryset.select_related("company")
    elif model is Company:
        columns = COMPANY_COLUMNS
    else:
        raise ValueError(f"{model._meta.label} has no list export.")
    objects = list(queryset)
    header = [_label(model, column) for column in columns]
    rows = [[_value(obj, column, fmt == "xlsx") for column in columns] for obj in objects]
    disclosure_record(instances=objects, details={**details, "format": fmt, "rows": len(objects)})
    if model is Contact and objects:
        # A list of people leaving the register is a disclosure (Art. 19): the file goes wherever the person who
        # downloaded it takes it, so they are its recipient until they say otherwise.
        disclosures.disclosure_record(
            recipient=f"{LIST_EXPORT_RECIPIENT} {current_actor().email or '?'}",
            kind=LIST_EXPORT_KIND,
            model=Contact,
            pks=[obj.pk for obj in objects],
        )
    stamp = datetime.date.today().isoformat()
    name = f"{model._meta.model_name}s-{stamp}.{fmt}"
    if fmt == "csv":
        # A byte order mark and ";" so that Finnish Excel opens it with its letters and columns right.
        content = ("\ufeff" + csv_text(header, rows, delimiter=";")).encode("utf-8")
        return ExportFile(content, "text/csv; charset=utf-8", name, len(objects))
    return ExportFile(_xlsx(header, rows), XLSX_CONTENT_TYPE, name, len(objects))
