from django import template
from django.utils import timezone

from privacy.selectors import deadline_counts

register = template.Library()


@register.simple_tag
def request_deadline_counts():
    """Open, overdue and due-within-7-days request counts for the admin index."""
    return deadline_counts(today=timezone.localdate())
