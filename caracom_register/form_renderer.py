"""Form labels, plain inputs and selects rendered in Python, with Django's own markup.

Django renders every label, every text input, every select option and every
attribute list of a form through a template of its own (django/forms/label.html,
widgets/input.html, widgets/select_option.html, widgets/attrs.html): on a
contact's page that is some three hundred template renders (the country list
alone has 250 options), most of the page's server time. The renderer here
writes those few templates' markup directly, byte for byte the same
(caracom_register/tests/test_form_renderer.py compares them), and leaves every
other template to Django. A template of these names overridden in the project would be used as
it is: only Django's own files are replaced.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

_STOCK_DIR = Path(django.forms.__file__).parent / "templates"
_INPUT = "django/forms/widgets/input.html"
_OPTION = "django/forms/widgets/select_option.html"
_SELECT = "django/forms/widgets/select.html"
# Widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`, read from Django itself.
_INPUT_ALIASES = frozenset(
    f"django/forms/widgets/{path.name}"
    for path in (_STOCK_DIR / "django/forms/widgets").glob("*.html")
    if path.read_text().strip() == '{% include "django/forms/widgets/input.html" %}'
)


def _text(value):
    # As `|stringformat:'s'` under autoescape: safe strings stay as they are, everything else is escaped.
    return value if isinstance(value, SafeData) else str(value)


def attrs_html(attrs):
    """The attribute list of django/forms/attrs.html and widgets/attrs.html: False left out, True bare."""
    return mark_safe(  # noqa: S308 - each part is escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _text(value))
            for name, value in (attrs or {}).items()
            if value is not False
        )
    )


def _input(context):
    widget = context["widget"]
    value = "" if widget["value"] is None else format_html(' value="{}"', _text(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, attrs_html(widget["attrs"])
    )


def _textarea(context):
    widget = context["widget"]
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        attrs_html(widget["attrs"]),
        widget["value"] or "",
    )


def _select(context):
    widget = context["widget"]
    parts = [format_html('<select name="{}"{}>', widget["name"], attrs_html(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        # Each option template's own last line break stays in the stock markup.
        parts.extend(
            format_html('\n  <option value="{}"{}>{}</option>\n', _text(o["value"]), attrs_html(o["attrs"]), o["label"])
            for o in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - built from format_html parts


def _label(context):
    if not context.get("use_tag"):
        return conditional_escape(context["label"])
    tag = context["tag"]
    return format_html("<{}{}>{}</{}>", tag, attrs_html(context.get("attrs")), context["label"], tag)


_FAST = {
    "django/forms/label.html": _label,
    _SELECT: _select,
    "django/forms/widgets/textarea.html": _textarea,
    _INPUT: _input,
    **dict.fromkeys(_INPUT_ALIASES, _input),
}


class FastFormRenderer(DjangoTemplates):
    def __init__(self):
        super().__init__()
        self._stock = {}

    def _is_stock(self, template_name):
        if template_name not in self._stock:
            origin = self.get_template(template_name).template.origin.name
            self._stock[template_name] = Path(origin) == _STOCK_DIR / template_name
        return self._stock[template_name]

    def render(self, template_name, context, request=None):
        fast = _FAST.get(template_name)
        if fast is None or not self._is_stock(template_name):
            return super().render(template_name, context, request=request)
        if template_name == _SELECT and not self._stock_options(context["widget"]["optgroups"]):
            return super().render(template_name, context, request=request)
        return fast(context)

    def _stock_options(self, optgroups):
        # A select whose options use another template (a subclass's) keeps Django's renderer.
        return all(
            option["template_name"] == _OPTION and self._is_stock(_OPTION)
            for _name, options, _index in optgroups
            for option in options
        )
