import json

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from customers.duplicates import duplicate_pairs


class Command(BaseCommand):
    help = "List possible duplicate contact persons (same email, phone or name; similar name) with why they match."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON document: a list of pairs.")

    def handle(self, *args, **options):
        # Ids and reasons only: the output goes to logs and terminals, and names there would be personal data.
        pairs = duplicate_pairs()
        if options["json"]:
            document = [{"contact_ids": [p.first_id, p.second_id], "reasons": sorted(p.reasons)} for p in pairs]
            self.stdout.write(json.dumps(document))
            return
        for pair in pairs:
            self.stdout.write(f"#{pair.first_id} #{pair.second_id}: {'; '.join(pair.reason_labels)}")
        self.stdout.write(
            ngettext("%(count)s possible duplicate pair.", "%(count)s possible duplicate pairs.", len(pairs))
            % {"count": len(pairs)}
        )
