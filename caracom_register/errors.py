"""Error pages that must render without the database."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.defaults import server_error

# How long a browser or a client library is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def server_error_or_unavailable(request, template_name="500.html"):
    """handler500: a database that cannot be reached is an outage (503, try again), not a bug (500).

    Django calls this inside the `except` block that caught the error, so the
    exception is at hand. The page is rendered without the request's context
    processors: they would ask the unreachable database who is signed in.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return register_unavailable(request)
    return server_error(request, template_name)


def register_unavailable(request):
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string("unavailable.html", {"language": translation.get_language()})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An outage page must never be cached in place of the register.
    response["Cache-Control"] = "no-store"
    return response
