"""Nightly retention purge (privacy notice § 9 and § 10). Run from cron:

15 3 * * *  cd /srv/caracom && .venv/bin/python manage.py purge_expired --json >> /var/log/caracom/purge.log 2>&1
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caracom_register.dates import date_bounds_error
from privacy.models import PurgeRun
from privacy.services import PURGE_BATCH_SIZE, retention_purge


def iso_date(value):
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date in the form YYYY-MM-DD.") from None
    error = date_bounds_error(day)
    if error:
        raise CommandError(f"--as-of {value}: {error}")
    return day


class Command(BaseCommand):
    help = (
        "Delete contacts and companies whose retention has ended (24 months after the customer relationship), "
        "redact their audit entries, and delete audit entries older than two years."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Apply the rules as of this date (YYYY-MM-DD); default today.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be removed; change nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the counts.")
        parser.add_argument(
            "--batch-size",
            default=str(PURGE_BATCH_SIZE),
            help=f"Rows per transaction (default {PURGE_BATCH_SIZE}).",
        )

    def handle(self, *args, **options):
        # Every argument is checked before anything is touched.
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        try:
            batch_size = int(options["batch_size"])
        except (TypeError, ValueError):
            raise CommandError(f"--batch-size {options['batch_size']!r} is not a whole number.") from None
        if batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, got {batch_size}.")
        if as_of > timezone.localdate() and not options["dry_run"]:
            raise CommandError(
                f"--as-of {as_of.isoformat()} is in the future: that would delete data still within its retention "
                "period. Use a future date only with --dry-run."
            )

        from audit.context import system_actor

        with system_actor("retention-purge"):
            run = retention_purge(as_of=as_of, dry_run=options["dry_run"], batch_size=batch_size)

        if run.outcome == PurgeRun.Outcome.SKIPPED:
            message = "Another purge_expired is running; this run did nothing."
            if options["json"]:
                self.stdout.write(json.dumps({"as_of": as_of.isoformat(), "dry_run": run.dry_run, "skipped": True}))
            else:
                self.stdout.write(self.style.WARNING(message))
            return

        counts = run.counts()
        if options["json"]:
            self.stdout.write(json.dumps({"as_of": as_of.isoformat(), "dry_run": run.dry_run, **counts}))
            return
        if options["verbosity"] == 0:
            return
        verb = "Would remove" if run.dry_run else "Removed"
        self.stdout.write(
            f"{verb} as of {as_of.isoformat()}: {counts['contacts_deleted']} contacts, "
            f"{counts['companies_deleted']} companies, {counts['audit_entries_deleted']} audit entries; "
            f"{'would redact' if run.dry_run else 'redacted'} {counts['audit_entries_redacted']} audit entries."
        )
        if options["verbosity"] >= 2:
            self.stdout.write(f"Purge run #{run.pk}, {run.started_at:%Y-%m-%d %H:%M:%S} - {run.finished_at:%H:%M:%S}")
