from django import template
from django.utils import timezone

from privacy.workspace import workspace_summary

register = template.Library()


@register.simple_tag
def privacy_workspace():
    """The Privacy officer's home page: requests by deadline, expiring records, holds, the last purge."""
    return workspace_summary(today=timezone.localdate())
