"""Email each Privacy officer the day's deadline digest (nothing when nothing is due). Run from cron daily:

0 7 * * *  cd /srv/caracom && .venv/bin/python manage.py remind_deadlines >> /var/log/caracom/reminders.log 2>&1
"""

from django.core.management.base import BaseCommand

from privacy.services import deadlines_remind


class Command(BaseCommand):
    help = (
        "Send each Privacy officer one digest of open requests that are overdue, due within 7 days, or extended "
        "without the extension letter sent. Sends nothing when there is nothing to say, and one digest a day."
    )

    def handle(self, *args, **options):
        queued = deadlines_remind()
        self.stdout.write(f"digests sent or queued: {queued}")
