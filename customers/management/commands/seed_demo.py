import time

from django.core.management.base import BaseCommand, CommandError

from audit.context import system_actor
from customers.models import Company
from customers.services import register_seed_demo


def positive_int(value):
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Load realistic Finnish demo companies and contact persons (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=positive_int, default=50, help="How many companies (default 50).")
        parser.add_argument(
            "--contacts-per-company", type=positive_int, default=3, help="Contacts per company (default 3)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for reproducible data.")
        parser.add_argument("--batch-size", type=positive_int, default=2000, help="Companies per transaction.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the register already has companies.")

    @system_actor("seed-demo")
    def handle(self, *args, **options):
        if options["if_empty"] and Company.objects.exists():
            self.stdout.write("The register already has data; no demo data loaded.")
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.monotonic()

        def progress(companies, contacts):
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {companies} companies, {contacts} contacts")

        companies, contacts = register_seed_demo(
            companies=options["companies"],
            contacts_per_company=options["contacts_per_company"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            progress=progress,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {companies} demo companies and {contacts} contacts in {time.monotonic() - started:.1f} s."
            )
        )
