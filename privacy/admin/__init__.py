"""The privacy officer's admin, one module per subject; importing them registers their model admins."""

from privacy.admin import notice, request_actions, requests, retention, rights  # noqa: F401
