"""Verify the audit log's MAC chain (docs/audit.md). Exit status 0: intact; 1: the first failure is named."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.chain.checkpoint import CheckpointError, checkpoint_compare, checkpoint_read
from audit.chain.verify import chain_verify


def since_date(value):
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not a date in the form YYYY-MM-DD.") from None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Command(BaseCommand):
    help = "Walk the audit log's MAC chain and name the first entry that was changed, removed, inserted or moved."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Check only links chained on or after this date (YYYY-MM-DD).")
        parser.add_argument("--checkpoint", help="A file written by audit_checkpoint; compare its last head.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Links read per query (default 5000).")

    def handle(self, *args, **options):
        since = since_date(options["since"]) if options["since"] else None
        if options["batch_size"] < 1:
            raise CommandError(f"--batch-size must be at least 1, got {options['batch_size']}.")
        checkpoint = None
        if options["checkpoint"]:
            try:
                checkpoint = checkpoint_read(options["checkpoint"])
            except CheckpointError as error:
                raise CommandError(str(error)) from None
        report = chain_verify(since=since, batch_size=options["batch_size"])
        result = report.as_dict()
        if report.ok and checkpoint is not None:
            problem = checkpoint_compare(checkpoint)
            result["checkpoint"] = {"position": checkpoint["position"], "time": checkpoint["time"], "ok": not problem}
            if problem:
                result["ok"] = False
                result["failure"] = {"reason": "missing" if "missing" in problem else "changed", "message": problem}
        if options["json"]:
            self.stdout.write(json.dumps(result, default=str))
        if not result["ok"]:
            raise CommandError(result["failure"]["message"])
        if not options["json"]:
            self.stdout.write(
                f"Audit log intact: {report.checked} entries checked from position {report.start_position + 1} to "
                f"{report.head_position} ({report.redacted} redacted, {report.purged} purged)"
                + (f"; matches the checkpoint of {checkpoint['time']}." if checkpoint else ".")
            )
