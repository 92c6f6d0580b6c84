import logging

from django.db import DataError
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

logger = logging.getLogger("caracom_register.bad_input")


def _has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class BadInputMiddleware:
    """Answers input no form could accept with 400 instead of a server error.

    A NUL byte is never typed into a form, and PostgreSQL cannot even compare
    a text value holding one, so such requests stop here. Values that got
    past validation but that the database cannot hold (a number beyond its
    range, text beyond a column's length) end the request the same way; the
    request's transaction has already been rolled back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            logger.warning("Refused a request with a NUL byte to %s", request.path.replace("\x00", "\\x00"))
            return HttpResponseBadRequest(_("The request contained a character that is not allowed."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError | DataError):
            logger.warning("Refused a value the database cannot store at %s: %s", request.path, exception)
            return HttpResponseBadRequest(_("The request contained a value that is out of range or too long."))
        return None
