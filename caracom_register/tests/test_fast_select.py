from django import forms
from django.utils import translation
from django_countries.widgets import LazySelect

from caracom_register.widgets import FastCountrySelect, FastSelect
from customers.models import Company, Contact

GROUPED_CHOICES = [
    ("", "---------"),
    ("Pohjoismaat", [("fi", "Suomi"), ("se", 'Ruotsi & "Sverige"')]),
    ("<b>", "<script>alert(1)</script>"),
]


def test_the_fast_select_renders_the_stock_markup_with_groups_a_selection_and_escaping():
    attrs = {"id": "id_x", "required": True, "disabled": False, "data-note": 'a "quoted" <value>'}

    fast = FastSelect(choices=GROUPED_CHOICES).render("x", "se", attrs=attrs)
    stock = forms.Select(choices=GROUPED_CHOICES).render("x", "se", attrs=attrs)

    assert fast == stock
    assert 'value="se" selected>' in fast


def test_the_fast_select_renders_the_stock_markup_with_no_value_selecting_the_blank_option():
    fast = FastSelect(choices=GROUPED_CHOICES).render("x", None)
    stock = forms.Select(choices=GROUPED_CHOICES).render("x", None)

    assert fast == stock
    assert fast.count("selected") == 1
    assert '<option value="" selected>' in fast


def test_the_country_select_renders_what_django_countries_own_select_renders_in_finnish():
    field = Contact._meta.get_field("country").formfield()

    with translation.override("fi"):
        fast = field.widget.render("country", "FI", attrs={"id": "id_country"})
        stock = LazySelect(choices=field.choices).render("country", "FI", attrs={"id": "id_country"})

    assert fast == stock
    assert '<option value="FI" selected>Suomi</option>' in fast


def test_a_select_with_its_own_option_template_keeps_the_stock_renderer():
    class Custom(FastSelect):
        option_template_name = "django/forms/widgets/input_option.html"

    class Stock(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    choices = [("a", "A"), ("b", "B")]

    assert Custom(choices=choices).render("x", "a") == Stock(choices=choices).render("x", "a")


def test_the_contact_and_company_forms_use_the_fast_country_select():
    for model in (Contact, Company):
        assert isinstance(model._meta.get_field("country").formfield().widget, FastCountrySelect)
