"""After restoring a backup: erase again what the erasure ledger says was erased or purged since.

python manage.py reapply_erasures --dry-run   # what would be erased; changes nothing
python manage.py reapply_erasures
"""

import json

from django.core.management.base import BaseCommand, CommandError

from audit.context import system_actor
from audit.ledger import LedgerError
from privacy.services import erasures_reapply


class Command(BaseCommand):
    help = (
        "Erase again every record in the erasure ledger that a restored backup brought back (by key and by its "
        "hashed identifiers), and list the restrictions and rectifications to redo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be erased; change nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        try:
            with system_actor("reapply-erasures"):
                outcome = erasures_reapply(dry_run=options["dry_run"])
        except LedgerError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        if options["json"]:
            self.stdout.write(json.dumps(outcome.__dict__))
            return
        verb = "Would erase" if outcome.dry_run else "Erased"
        self.stdout.write(
            f"{verb} {len(outcome.contacts)} contacts and {len(outcome.companies)} companies again "
            f"({outcome.ledger_lines} ledger lines read)."
        )
        for pk, line in outcome.contacts:
            self.stdout.write(f"  contact #{pk} (ledger line {line})")
        for pk, line in outcome.companies_kept:
            self.stdout.write(f"  company #{pk} (ledger line {line}) kept: it has contacts that were not erased")
        for pk, line, reference in outcome.restrictions:
            self.stdout.write(f"  restrict contact #{pk} again ({reference}, ledger line {line})")
        for pk, line, reference in outcome.rectifications:
            self.stdout.write(f"  redo the rectification of contact #{pk} ({reference}, ledger line {line})")
