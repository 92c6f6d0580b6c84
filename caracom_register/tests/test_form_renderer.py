"""The fast form renderer writes Django's own markup, byte for byte, for every element it takes over."""

import pytest
from django import forms
from django.contrib.admin.widgets import AdminEmailInputWidget, AdminTextInputWidget
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from caracom_register.form_renderer import FastFormRenderer
from customers.models import Contact

FAST, STOCK = FastFormRenderer(), DjangoTemplates()

GROUPED_CHOICES = [
    ("", "---------"),
    ("Pohjoismaat", [("fi", "Suomi"), ("se", 'Ruotsi & "Sverige"')]),
    ("<b>", "<script>alert(1)</script>"),
]
ATTRS = {"id": "id_x", "required": True, "disabled": False, "data-note": 'a "quoted" <value>'}


def both(widget, value, attrs=None):
    return widget.render("x", value, attrs=attrs, renderer=FAST), widget.render("x", value, attrs=attrs, renderer=STOCK)


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.EmailInput(),
        forms.NumberInput(),
        forms.HiddenInput(),
        forms.PasswordInput(render_value=True),
        AdminTextInputWidget(),
        AdminEmailInputWidget(),
    ],
    ids=lambda w: type(w).__name__,
)
@pytest.mark.parametrize("value", [None, "", "Mäkelä & <Poika>", 42, mark_safe("<b>safe</b>")], ids=repr)
def test_an_input_renders_the_stock_markup(widget, value):
    fast, stock = both(widget, value, ATTRS)

    assert fast == stock


@pytest.mark.parametrize("value", [None, "", 'Rivi 1\nRivi 2 <script>"'])
def test_a_textarea_renders_the_stock_markup(value):
    fast, stock = both(forms.Textarea(), value, ATTRS)

    assert fast == stock


@pytest.mark.parametrize("value", ["se", None, "<b>"])
def test_a_select_renders_the_stock_markup_with_groups_a_selection_and_escaping(value):
    fast, stock = both(forms.Select(choices=GROUPED_CHOICES), value, ATTRS)

    assert fast == stock
    assert fast.count(" selected") == 1


def test_the_country_select_renders_the_stock_markup_in_finnish():
    field = Contact._meta.get_field("country").formfield()

    with translation.override("fi"):
        fast, stock = both(field.widget, "FI", {"id": "id_country"})

    assert fast == stock
    assert '<option value="FI" selected>Suomi</option>' in fast


def test_a_select_with_its_own_option_template_keeps_the_stock_renderer():
    class RadioLikeOptions(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    fast, stock = both(RadioLikeOptions(choices=[("a", "A"), ("b", "B")]), "a")

    assert fast == stock
    assert 'type="' in fast


@pytest.mark.parametrize("label", ["Sähköposti", "<i>Puhelin</i> & faksi", mark_safe("<abbr>Y-tunnus</abbr>")])
@pytest.mark.parametrize("attrs", [None, {"class": "required", "for": "id_x"}])
def test_a_label_renders_the_stock_markup(label, attrs):
    class Form(forms.Form):
        x = forms.CharField(label=label)

    fast = Form(renderer=FAST)["x"].label_tag(attrs=attrs)
    stock = Form(renderer=STOCK)["x"].label_tag(attrs=attrs)

    assert fast == stock


def test_a_legend_and_a_bare_label_render_the_stock_markup():
    class Form(forms.Form):
        x = forms.CharField(label="Osoite <katu>")

    assert Form(renderer=FAST)["x"].legend_tag() == Form(renderer=STOCK)["x"].legend_tag()
    fast_bare = FAST.render("django/forms/label.html", {"use_tag": False, "label": "a < b"})
    assert fast_bare == STOCK.render("django/forms/label.html", {"use_tag": False, "label": "a < b"})


def test_the_project_renders_its_forms_with_the_fast_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastFormRenderer)


def test_inputs_labels_and_selects_never_reach_the_template_engine(monkeypatch):
    def engine_render(*args, **kwargs):
        raise AssertionError("rendered through a template")

    monkeypatch.setattr(DjangoTemplates, "render", engine_render)

    class Form(forms.Form):
        x = forms.CharField(label="Nimi")

    assert 'name="x"' in forms.TextInput().render("x", "a", renderer=FAST)
    assert "<select" in forms.Select(choices=GROUPED_CHOICES).render("x", "fi", renderer=FAST)
    assert "<label" in Form(renderer=FAST)["x"].label_tag()
