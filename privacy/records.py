"""The record of processing activities (GDPR Art. 30(1)) generated from a notice version."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from privacy.models import PrivacyNoticeVersion


def processing_record_markdown(*, version: PrivacyNoticeVersion, language: str) -> str:
    """The record as Markdown, in the given language, from the same rows as the public notice."""
    with translation.override(language):
        return render_to_string(
            "privacy/processing_record.md",
            {"notice": version, "generated_at": timezone.localtime()},
        )
