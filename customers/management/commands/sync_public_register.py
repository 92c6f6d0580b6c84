"""Nightly check of the customer companies against the trade register (PRH open data, YTJ). From cron:

30 2 * * *  cd /srv/caracom && .venv/bin/python manage.py sync_public_register --json >> /var/log/caracom/ytj.log
"""

import json

from django.core.management.base import BaseCommand, CommandError

from customers.public_register.services import public_register_sync


class Command(BaseCommand):
    help = (
        "Check companies against the Finnish trade register (PRH open data, YTJ): update or propose changed names "
        "and addresses, flag ceased companies and those in liquidation, bankruptcy or restructuring."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--business-id",
            action="append",
            default=[],
            metavar="ID",
            help="Check only this company (repeatable), however recently it was checked.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Ask the register and report; change nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the results.")
        parser.add_argument("--limit", help="Companies to check in this run (default PUBLIC_REGISTER_LIMIT_PER_RUN).")

    def handle(self, *args, **options):
        limit = options["limit"]
        if limit is not None:
            try:
                limit = int(limit)
            except ValueError:
                raise CommandError(f"--limit {limit!r} is not a whole number.") from None
            if limit < 1:
                raise CommandError(f"--limit must be at least 1, got {limit}.")
        try:
            report = public_register_sync(business_ids=options["business_id"], dry_run=options["dry_run"], limit=limit)
        except ValueError as exc:
            raise CommandError(str(exc)) from None

        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        elif report.skipped:
            self.stdout.write(self.style.WARNING("Another sync_public_register is running; this run did nothing."))
        elif options["verbosity"] > 0:
            self._write_summary(report, options["verbosity"])
        if report.error:
            # One line, non-zero exit: cron mails it. What was checked before the failure is kept.
            raise CommandError(f"{report.error} Checked {report.checked} companies before that; the rest unchanged.")

    def _write_summary(self, report, verbosity):
        updated = "would update" if report.dry_run else "updated"
        self.stdout.write(
            f"Checked {report.checked} companies against the trade register (PRH): {report.unchanged} unchanged, "
            f"{len(report.updated)} {updated}, {len(report.proposed)} proposed for review, "
            f"{len(report.flagged)} flagged for the relationship review."
        )
        if verbosity >= 2:
            for change in report.updated:
                self.stdout.write(f"  {updated}: {change['business_id']} ({', '.join(change['fields'])})")
            for change in report.proposed:
                refused = f": {change['refused']}" if change.get("refused") else ""
                self.stdout.write(f"  proposed: {change['business_id']} ({', '.join(change['fields'])}){refused}")
            for flag in report.flagged:
                self.stdout.write(f"  flagged: {flag['business_id']} ({flag['status']})")
        self.stdout.write("Source: Finnish Patent and Registration Office (PRH), open data (YTJ), CC BY 4.0.")
