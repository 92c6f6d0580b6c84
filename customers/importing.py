"""Importing a contact list: every row through the admin's validation and services, all or nothing.

A row's company is found by business ID, else by its exact name, and created only when the row names it. A
row whose email (or, without an email, whose name) already exists in that company updates that contact with
its non-empty cells; a row that would change nothing is left alone, so importing the same file twice changes
nothing the second time. If any row is invalid nothing is written and every error is reported as
``row N, field: message`` with the spreadsheet's own row numbers (the header is row 1).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers import services
from customers.import_files import read_contact_sheet
from customers.models import Company, Contact, ContactImport, Source

# Who may import: the same permissions as adding and changing a contact in the admin.
IMPORT_PERMISSIONS = ("customers.add_contact", "customers.change_contact", "customers.add_company")

CONTACT_COLUMNS = (
    "first_name",
    "last_name",
    "title",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "city",
    "country",
)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    created: list = field(default_factory=list)  # row numbers
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    companies_created: int = 0
    errors: list = field(default_factory=list)  # "row N, field: message"
    dry_run: bool = False
    record: ContactImport | None = None

    @property
    def ok(self):
        return not self.errors


@dataclass
class _PlannedRow:
    number: int
    contact: Contact
    changes: dict
    company_key: tuple | None = None  # a company this import creates


class ImportRefused(ValidationError):
    """The file has invalid rows; `report.errors` lists every one. Nothing was written."""

    def __init__(self, report):
        super().__init__(report.errors)
        self.report = report


def _field_label(sheet, name):
    return sheet.headers.get(name) or str(Contact._meta.get_field(name).verbose_name)


def _errors_of(number, exc, sheet, errors):
    for name, messages in exc.message_dict.items():
        for message in messages:
            if name in CONTACT_COLUMNS or name in sheet.headers:
                errors.append(
                    _("row %(row)s, %(field)s: %(message)s")
                    % {"row": number, "field": _field_label(sheet, name), "message": message}
                )
            elif name == "name":
                label = sheet.headers.get("company", "company")
                errors.append(
                    _("row %(row)s, %(field)s: %(message)s") % {"row": number, "field": label, "message": message}
                )
            else:
                errors.append(_("row %(row)s: %(message)s") % {"row": number, "message": message})


class _Planner:
    """Resolves each row against the register (read only) and validates it like the admin would."""

    def __init__(self, sheet, source):
        self.sheet = sheet
        self.source = source
        self.new_companies = {}  # key -> unsaved Company
        self.seen = {}  # (company key, contact key) -> row number, within this file
        self.errors = []
        # The register's side of every row, read in a few queries rather than several per row.
        business_ids = {values.get("business_id") for _, values in sheet.rows} - {"", None}
        names = {values.get("company") for _, values in sheet.rows} - {"", None}
        self.by_business_id = {}
        self.by_name = {}
        for chunk in _chunks(sorted(business_ids)):
            self.by_business_id |= {c.business_id: c for c in Company.objects.filter(business_id__in=chunk)}
        for chunk in _chunks(sorted(names)):
            for company in Company.objects.filter(name__in=chunk).order_by("pk"):
                self.by_name.setdefault(company.name, []).append(company)
        company_ids = {c.pk for c in self.by_business_id.values()} | {
            c.pk for companies in self.by_name.values() for c in companies
        }
        self.by_email, self.by_person = {}, {}
        for chunk in _chunks(sorted(company_ids)):
            for contact in Contact.objects.filter(company_id__in=chunk).order_by("pk"):
                if contact.email:
                    self.by_email[(contact.company_id, contact.email)] = contact
                else:
                    key = (contact.company_id, contact.first_name.lower(), contact.last_name.lower())
                    self.by_person.setdefault(key, []).append(contact)

    def company_for(self, number, values):
        business_id = values.get("business_id", "")
        name = values.get("company", "")
        if business_id:
            company = self.by_business_id.get(business_id)
            if company is not None:
                return company, None
        elif name:
            matches = self.by_name.get(name, [])
            if len(matches) > 1:
                self.errors.append(
                    _("row %(row)s, %(field)s: several companies are named “%(name)s”; give the business ID.")
                    % {"row": number, "field": self.sheet.headers.get("company"), "name": name}
                )
                return None, None
            if matches:
                return matches[0], None
        if not name:
            field_label = self.sheet.headers.get("business_id") or self.sheet.headers.get("company")
            self.errors.append(
                _("row %(row)s, %(field)s: no company has this business ID; give the company's name to create it.")
                % {"row": number, "field": field_label}
                if business_id
                else _("row %(row)s, %(field)s: the company's name or business ID is needed.")
                % {"row": number, "field": field_label}
            )
            return None, None
        key = ("business_id", business_id) if business_id else ("name", name)
        if key not in self.new_companies:
            company = Company(name=name, business_id=business_id, source=self.source)
            try:
                # Company.clean() checks the business ID's uniqueness itself (naming the field); the constraint's
                # own check would cost a query for its condition even for a company without a business ID.
                company.full_clean(validate_constraints=False)
            except ValidationError as exc:
                _errors_of(number, exc, self.sheet, self.errors)
                return None, None
            self.new_companies[key] = company
        return self.new_companies[key], key

    def existing_contact(self, company, values):
        if company.pk is None:
            return None
        email = values.get("email", "").strip().lower()
        if email:
            return self.by_email.get((company.pk, email))
        key = (company.pk, values.get("first_name", "").lower(), values.get("last_name", "").lower())
        matches = self.by_person.get(key, [])
        return matches[0] if len(matches) == 1 else None

    def plan(self, number, values):
        company, company_key = self.company_for(number, values)
        if company is None:
            return None
        contact_key = values.get("email", "").lower() or (
            values.get("first_name", "").lower(),
            values.get("last_name", "").lower(),
        )
        seen_key = (company_key or company.pk, contact_key)
        if seen_key in self.seen:
            self.errors.append(
                _("row %(row)s: the same contact person as on row %(other)s.")
                % {"row": number, "other": self.seen[seen_key]}
            )
            return None
        self.seen[seen_key] = number
        contact = self.existing_contact(company, values)
        cells = {name: values[name] for name in CONTACT_COLUMNS if values.get(name, "") != ""}
        if "country" in cells:
            cells["country"] = cells["country"].upper()
        if contact is None:
            contact = Contact(company=company if company.pk else None, source=self.source, **cells)
            exclude = ["company"] if company.pk is None else None
            changes = cells
        else:
            before = {name: getattr(contact, name) for name in CONTACT_COLUMNS}
            for name, value in cells.items():
                setattr(contact, name, value)
            exclude = None
        if company.pk is not None:
            # The company was just read from the register, with every contact of it: checking that it exists and
            # that no other contact of it has this email (Contact.clean) would cost two queries a row, for answers
            # the planner already has (a row with a known email *is* that contact).
            exclude = ["company"]
            contact._state.email_unique_checked = True
        try:
            # The (company, email) constraint is what Contact.clean() checks too, with the field named in the message.
            contact.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as exc:
            _errors_of(number, exc, self.sheet, self.errors)
            return None
        if contact.pk is not None:
            # Compared after full_clean has normalised the cells (045 639 3329 is +358456393329).
            changes = {
                name: getattr(contact, name) for name in cells if str(getattr(contact, name)) != str(before[name])
            }
        return _PlannedRow(number=number, contact=contact, changes=changes, company_key=company_key)


def _chunks(items, size=1000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _valid_source(source):
    if source not in Source.values:
        raise ValueError(
            _("“%(value)s” is not a source; use one of %(choices)s.")
            % {"value": source, "choices": ", ".join(Source.values)}
        )
    return source


def contacts_import(
    *, data: bytes, file_name: str, user, source=Source.CUSTOMER_COMPANY, dry_run=False
) -> ImportReport:
    """Import a contact list (CSV or XLSX bytes) on behalf of `user`.

    Raises ImportFileError when the file cannot be read, ImportRefused (with every row's error) when any row
    is invalid; in both cases nothing is written. The audit entries name `user` when the caller runs this in
    the user's actor context (the admin request, or audit.context.user_actor in the command).
    """
    _valid_source(source)
    sheet = read_contact_sheet(data, file_name)
    planner = _Planner(sheet, source)
    planned = [row for number, values in sheet.rows if (row := planner.plan(number, values)) is not None]
    report = ImportReport(rows=len(sheet.rows), errors=planner.errors, dry_run=dry_run)
    if report.errors:
        raise ImportRefused(report)
    for row in planned:
        if row.contact.pk is None:
            report.created.append(row.number)
        elif row.changes:
            report.updated.append(row.number)
        else:
            report.unchanged.append(row.number)
    report.companies_created = len(planner.new_companies)
    if not dry_run:
        try:
            report.record = _write(
                planned, planner.new_companies, report, user=user, file_name=file_name, source=source
            )
        except IntegrityError:
            # Someone added the same company or contact between the check and the write: nothing was written.
            report.errors = [
                _("The register changed while the file was imported; nothing was imported. Import it again.")
            ]
            raise ImportRefused(report) from None
    return report


@transaction.atomic
def _write(planned, new_companies, report, *, user, file_name, source):
    """Every row has passed full_clean() in the plan, exactly as the admin's form would have it. New companies
    and contacts are inserted in bulk (AuditedManager writes each row's CREATE entry, with the current actor);
    changed contacts go through contact_update one by one, like an edit in the admin.
    """
    companies = list(new_companies.values())
    Company.objects.bulk_create(companies, batch_size=1000)
    created = []
    for row in planned:
        if row.contact.pk is None:
            if row.company_key:
                row.contact.company = new_companies[row.company_key]
            created.append(row.contact)
        elif row.changes:
            services.contact_update(contact=Contact.objects.get(pk=row.contact.pk), **row.changes)
    Contact.objects.bulk_create(created, batch_size=2000)
    return ContactImport.objects.create(
        imported_by=user,
        file_name=file_name[:255],
        source=source,
        rows=report.rows,
        contacts_created=len(report.created),
        contacts_updated=len(report.updated),
        contacts_unchanged=len(report.unchanged),
        companies_created=report.companies_created,
    )
