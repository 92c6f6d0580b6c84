"""Ties audit entries to the data subject request they were made for.

Inside `handling_request(request)` every new audit entry (a rectification, an
export's access entries, a consent change) carries
`additional_data["data_subject_request"] = <id>`, so the trail shows which
request a change or disclosure answered.
"""

import contextlib
from contextvars import ContextVar

_current: ContextVar = ContextVar("privacy_data_subject_request", default=None)

KEY = "data_subject_request"


@contextlib.contextmanager
def handling_request(request):
    token = _current.set(request.pk if request is not None else None)
    try:
        yield
    finally:
        _current.reset(token)


def current_request_id():
    return _current.get()


def tag_log_entry(sender, instance, **kwargs):
    request_id = _current.get()
    if request_id is None or not instance._state.adding:
        return
    data = instance.additional_data if isinstance(instance.additional_data, dict) else {}
    instance.additional_data = {**data, KEY: request_id}
