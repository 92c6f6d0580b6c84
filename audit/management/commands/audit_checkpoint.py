"""Write the audit chain's signed head outside the database. Run daily from cron (docs/audit.md):

5 0 * * *  cd /srv/caracom && .venv/bin/python manage.py audit_checkpoint --output /mnt/checkpoints/audit.jsonl
"""

import json

from django.core.management.base import BaseCommand, CommandError

from audit.chain.checkpoint import checkpoint_write


class Command(BaseCommand):
    help = "Append the audit chain's signed head (position, MAC, entry, time) to a file outside the database."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The checkpoint file; one JSON line is appended.")

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoint_write(path=options["output"])
        except OSError as error:
            raise CommandError(f"Cannot write the checkpoint to {options['output']}: {error.strerror}.") from None
        self.stdout.write(json.dumps(checkpoint, sort_keys=True))
