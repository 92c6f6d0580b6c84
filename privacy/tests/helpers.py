"""Helpers shared by the request tests."""

import io
import zipfile

from django.utils import timezone

from privacy import services
from privacy.models import (
    RequestType,
)

TODAY = timezone.localdate


def register(**overrides):
    data = {
        "request_type": RequestType.ACCESS,
        "channel": "email",
        "received_on": TODAY(),
        "requester_name": "Maija Meikäläinen",
        "requester_email": "Maija@Example.fi",
        "response_language": "fi",
    }
    return services.request_register(**{**data, **overrides})


def unzip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}
