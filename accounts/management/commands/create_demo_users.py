from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import PRIVACY_OFFICER, STAFF
from accounts.services import staff_user_ensure
from audit.context import system_actor

DEMO_USERS = (
    ("staff@demo.caracom.fi", "Sanna", "Staff", "DEMO_STAFF_PASSWORD", [STAFF]),
    ("privacy@demo.caracom.fi", "Pekka", "Privacy", "DEMO_PRIVACY_OFFICER_PASSWORD", [PRIVACY_OFFICER]),
)


class Command(BaseCommand):
    help = "Create (or reset) the demo staff user and demo privacy officer from the local .env. Development only."

    @system_actor("demo-setup")
    def handle(self, *args, **options):
        import os

        if not settings.DEBUG:
            # Demo accounts with passwords from a file must never reach production.
            raise CommandError("Refusing to create demo users with DEBUG off: they are for local development only.")
        lines = []
        # Both users or neither: a refused second password leaves the first user as it was.
        with transaction.atomic():
            for email, first, last, env_name, roles in DEMO_USERS:
                password = os.environ.get(env_name, "")
                if not password:
                    raise CommandError(f"{env_name} is not set; `make run` writes it to .env.")
                try:
                    staff_user_ensure(email=email, password=password, first_name=first, last_name=last, roles=roles)
                except ValidationError as exc:
                    raise CommandError(
                        f"{env_name} in .env is refused for {email}: {' '.join(exc.messages)} "
                        f"Set a stronger password there (or delete the line and `make run` writes a new one); "
                        "no demo user was changed."
                    ) from None
                lines.append(f"  {roles[0]:<16} {email:<28} password: {password}")
        self.stdout.write("Demo sign-ins for http://127.0.0.1:8000/admin/ :")
        for line in lines:
            self.stdout.write(line)
