"""Privacy notice § 13: announce a significant published version by email to the contact persons.

    python manage.py announce_notice --notice-version 2 [--batch-size 500]

Resumable: run it again after a stop and it continues; nobody gets the same version's announcement twice.
`send_outbox` (cron) sends what this queues.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from privacy.models import PrivacyNoticeVersion
from privacy.services import announcement_counts, notice_announce
from privacy.services.announcements import ANNOUNCE_BATCH_SIZE


class Command(BaseCommand):
    help = "Queue the § 13 announcement of a significant notice version for every contact person not yet told."

    def add_arguments(self, parser):
        parser.add_argument("--notice-version", required=True, help="The version number, e.g. 2.")
        parser.add_argument("--batch-size", default=str(ANNOUNCE_BATCH_SIZE), help="Letters per transaction.")

    def handle(self, *args, **options):
        try:
            number, batch_size = int(options["notice_version"]), int(options["batch_size"])
        except (TypeError, ValueError):
            raise CommandError("--notice-version and --batch-size must be whole numbers.") from None
        version = PrivacyNoticeVersion.objects.filter(number=number).first()
        if version is None:
            raise CommandError(f"There is no privacy notice version {number}.")
        try:
            queued = notice_announce(version=version, batch_size=batch_size)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        counts = announcement_counts(version=version)
        self.stdout.write(
            f"queued now {queued}; in all: waiting {counts.queued}, sent {counts.sent}, failed {counts.failed}, "
            f"skipped without an email address {counts.skipped_without_email}"
        )
