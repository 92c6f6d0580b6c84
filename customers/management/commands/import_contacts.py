from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.context import user_actor
from customers.import_files import ImportFileError
from customers.importing import IMPORT_PERMISSIONS, ImportRefused, contacts_import
from customers.models import Source


class Command(BaseCommand):
    help = (
        "Import contact persons from a CSV (Finnish Excel: ; or , separated, UTF-8 or Windows-1252) or XLSX file. "
        "All or nothing: any invalid row and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file.")
        parser.add_argument(
            "--as",
            dest="as_email",
            required=True,
            help="Email of the active staff user the changes are logged for (privacy notice § 9).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing.")
        parser.add_argument(
            "--source",
            choices=Source.values,
            default=Source.CUSTOMER_COMPANY,
            help="Where the contacts come from (privacy notice § 7); default customer_company.",
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(email__iexact=options["as_email"].strip()).first()
        if user is None or not user.is_active:
            raise CommandError(
                _("--as %(email)s: no active user has this email address.") % {"email": options["as_email"]}
            )
        if not user.has_perms(IMPORT_PERMISSIONS):
            raise CommandError(
                _("--as %(email)s: this user may not add and change contact persons.") % {"email": user.email}
            )
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("%(file)s: cannot be read (%(reason)s).") % {"file": path, "reason": exc.strerror}
            ) from None
        try:
            with user_actor(user):
                report = contacts_import(
                    data=data, file_name=path.name, user=user, source=options["source"], dry_run=options["dry_run"]
                )
        except (ImportFileError, ImportRefused) as exc:
            errors = exc.errors if isinstance(exc, ImportFileError) else exc.report.errors
            for line in errors:
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)s error.", "Nothing was imported: %(count)s errors.", len(errors)
                )
                % {"count": len(errors)}
            ) from None
        prefix = _("Dry run, nothing changed: would create") if report.dry_run else _("Imported: created")
        self.stdout.write(
            _("%(prefix)s %(created)s, update %(updated)s, leave %(unchanged)s unchanged; %(companies)s new companies.")
            % {
                "prefix": prefix,
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
                "companies": report.companies_created,
            }
        )
