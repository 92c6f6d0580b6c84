from django import template

from privacy.models import localized as localized_value

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ purpose|localized:"title" }}` shows title_fi or title_en for the active language."""
    return localized_value(obj, field)
