"""Turning a letter template into what the person receives: HTML, plain text and PDF.

Letters are legal text in the subject's language, so each kind has one template per language
(`privacy/letters/<kind>_<fi|en>.html`) rather than gettext strings; the facts in them come from the privacy
notice in force. Choice labels inside them (a refusal article, a consent state) are rendered in the letter's
language.
"""

import hashlib
import html
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

try:
    from weasyprint import HTML
except OSError as missing_library:  # Pango is not installed: letters still go out as HTML, PDFs are refused.
    HTML = None
    PDF_UNAVAILABLE_REASON = str(missing_library)
else:
    PDF_UNAVAILABLE_REASON = ""

from privacy.models import ResponseLanguage
from privacy.services.notice import notice_current


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load Pango: the Debian packages of `make system-deps` are missing."""


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    html: str
    text: str


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_BLOCKS = re.compile(r"</(p|h1|h2|li|tr|div|table|ul)>", re.I)
_BREAKS = re.compile(r"<br\s*/?>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_STYLE = re.compile(r"<(style|title)[^>]*>.*?</\1>", re.S | re.I)


def profiling_facts(notice):
    """Art. 15(1)(h): the purposes that profile and those that decide automatically, from the notice."""
    if notice is None:
        return {"profiling_purposes": [], "decision_purposes": []}
    purposes = list(notice.purposes.all())
    return {
        "profiling_purposes": [p for p in purposes if p.profiles],
        "decision_purposes": [p for p in purposes if p.automated_decisions],
    }


def letter_html(*, kind, language, context, request=None) -> RenderedLetter:
    """Render one letter in its language; the subject line is the document's title."""
    language = language if language in ResponseLanguage.values else ResponseLanguage.FI
    notice = context.get("notice") or notice_current()
    full = {
        "notice": notice,
        "request": request,
        "today": timezone.localdate(),
        # Only the access letter states profiling (Art. 15(1)(h)); the others need not query for it.
        **(profiling_facts(notice) if kind == "access" else {}),
        **context,
    }
    with translation.override(language):
        body = render_to_string(f"privacy/letters/{kind}_{language}.html", full)
    title = _TITLE.search(body)
    subject = html.unescape(" ".join(title.group(1).split())) if title else ""
    return RenderedLetter(subject=subject, html=body, text=html_to_text(body))


def html_to_text(body: str) -> str:
    """The plain-text alternative of an email: the letter's words without markup."""
    text = _STYLE.sub("", body)
    text = _BREAKS.sub("\n", text)
    text = _BLOCKS.sub("\n\n", text)
    text = html.unescape(_TAGS.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def letter_pdf(body: str) -> bytes:
    """The same HTML as a PDF (A4, DejaVu fonts so ä, ö and å print)."""
    if HTML is None:
        raise PdfUnavailable(PDF_UNAVAILABLE_REASON)
    return HTML(string=body).write_pdf()


def pdf_digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
