import html

from django import template
from django.utils.html import strip_tags

from privacy.models import localized as localized_value

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ purpose|localized:"title" }}` shows title_fi or title_en for the active language."""
    return localized_value(obj, field)


# Backslash escapes are Markdown's own: the character is shown, never read as markup.
_MARKUP = str.maketrans({"<": "\\<", ">": "\\>"})


@register.filter
def markdown_text(value):
    """A notice text as plain text in a Markdown document: no HTML reaches whoever renders the file.

    Tags are removed (also those written as entities, `&lt;script&gt;`) and any `<` or `>` left is escaped;
    what a person wrote as text stays readable.
    """
    text = strip_tags(html.unescape(strip_tags(str(value if value is not None else ""))))
    return text.translate(_MARKUP)


@register.filter
def markdown_cell(value):
    """`markdown_text` for a table cell: one line, and a `|` does not end the cell."""
    return " ".join(markdown_text(value).split()).replace("|", "\\|")
