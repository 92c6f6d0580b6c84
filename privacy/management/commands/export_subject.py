"""The data subject export from the shell: the same ZIP the privacy officer downloads from a request."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.context import system_actor
from privacy.models import DataSubjectRequest, ResponseLanguage
from privacy.services import subject_export


class Command(BaseCommand):
    help = (
        "Write a data subject's data (data.json, data.csv and a cover letter) to a ZIP file. With --request the "
        "request must be verified and the export is logged under it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The data subject's email address.")
        parser.add_argument("--output", required=True, help="The ZIP file to write (must not exist).")
        parser.add_argument("--request", help="The id of the verified data subject request this answers.")
        parser.add_argument(
            "--language",
            choices=ResponseLanguage.values,
            help="Cover letter language without --request (default fi); with it, the request's language.",
        )

    @system_actor("export-subject")
    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.suffix.lower() != ".zip":
            raise CommandError(f"--output {output} must end in .zip.")
        if output.exists():
            raise CommandError(f"--output {output} already exists; choose a new file name.")
        if not output.parent.is_dir():
            raise CommandError(f"The directory {output.parent} does not exist.")
        request = None
        if options["request"] is not None:
            if not str(options["request"]).isdigit():
                raise CommandError(f"--request {options['request']!r} is not a request id (a number).")
            request = DataSubjectRequest.objects.filter(pk=int(options["request"])).first()
            if request is None:
                raise CommandError(f"There is no data subject request #{options['request']}.")
        try:
            export = subject_export(email=options["email"], request=request, language=options["language"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        output.write_bytes(export.content)
        if export.contact_count:
            self.stdout.write(f"Wrote {output}: {export.contact_count} contact record(s).")
        else:
            self.stdout.write(f"Wrote {output}: no data held for this address (the letter says so).")
