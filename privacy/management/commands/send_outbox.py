"""Send the letters waiting in the outbox (retries with backoff). Run from cron every few minutes:

*/5 * * * *  cd /srv/caracom && .venv/bin/python manage.py send_outbox >> /var/log/caracom/outbox.log 2>&1
"""

from django.core.management.base import BaseCommand, CommandError

from privacy.services import outbox_send
from privacy.services.outbox import CLAIM_BATCH_SIZE


class Command(BaseCommand):
    help = (
        "Send every queued letter that is due; a refused or unreachable mail server is retried later with "
        "backoff, and a letter whose earlier send stopped half-way is marked 'outcome unknown', never resent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            default=str(CLAIM_BATCH_SIZE),
            help=f"Letters claimed at a time (default {CLAIM_BATCH_SIZE}).",
        )

    def handle(self, *args, **options):
        try:
            batch_size = int(options["batch_size"])
        except (TypeError, ValueError):
            raise CommandError(f"--batch-size {options['batch_size']!r} is not a whole number.") from None
        if batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, got {batch_size}.")
        run = outbox_send(batch_size=batch_size)
        self.stdout.write(
            f"sent {run.sent}, waiting for a retry {run.retrying}, failed {run.failed}, outcome unknown {run.uncertain}"
        )
