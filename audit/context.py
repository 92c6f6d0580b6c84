"""Who is acting: the signed-in user in a request, a named service user in a
command, and an identifiable fallback everywhere else.

Every new audit entry is stamped here (a pre_save receiver on LogEntry and the
bulk paths), so no entry is ever written with an empty `actor_email`.

Management commands name themselves::

    from audit.context import system_actor

    class Command(BaseCommand):
        @system_actor("retention-purge")
        def handle(self, *args, **options): ...

Entries written inside get the service user ``retention-purge@system.local``
(created on first use: inactive, unusable password, so it can never sign in).
"""

import contextlib
import getpass
import re
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

SYSTEM_DOMAIN = "system.local"
FALLBACK_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass
class _RequestFrame:
    request: object
    remote_addr: str | None
    remote_port: int | None


@dataclass
class _SystemFrame:
    name: str
    _user: object = field(default=None, repr=False)

    @property
    def email(self):
        return service_email(self.name)

    def user(self):
        if self._user is None:
            self._user = service_user(self.name)
        return self._user


_frame: ContextVar = ContextVar("audit_actor_frame", default=None)


@dataclass(frozen=True)
class Actor:
    user: object
    email: str
    remote_addr: str | None = None
    remote_port: int | None = None
    additional_data: dict | None = None


def service_email(name):
    return f"{name}@{SYSTEM_DOMAIN}"


def _check_name(name):
    if not _NAME_RE.match(name or ""):
        raise ValueError(
            f"Service actor name {name!r} is invalid: use 1-63 lower-case letters, digits and hyphens, "
            "e.g. 'retention-purge'."
        )


def service_user(name):
    """The non-login user that stands for a command in the audit trail."""
    _check_name(name)
    User = get_user_model()
    email = service_email(name)
    user = User.objects.filter(email=email).first()
    if user is None:
        # Inactive with an unusable password: ModelBackend refuses it, so the
        # identity can sign nothing in, only sign log entries.
        user = User.objects.create_user(email, password=None, is_active=False, is_staff=False)
    return user


class system_actor(contextlib.ContextDecorator):
    """Attribute every change inside to the service user `<name>@system.local`."""

    def __init__(self, name):
        _check_name(name)
        self.name = name
        self._tokens = []

    def __enter__(self):
        self._tokens.append(_frame.set(_SystemFrame(self.name)))
        return self

    def __exit__(self, *exc):
        _frame.reset(self._tokens.pop())
        return False


@dataclass
class _UserFrame:
    user: object


@contextlib.contextmanager
def user_actor(user):
    """Attribute every change inside to `user`: a command run on a named staff member's behalf (an import)."""
    if user is None or not user.pk or not user.is_active:
        raise ValueError("user_actor() needs an active, saved user.")
    token = _frame.set(_UserFrame(user))
    try:
        yield
    finally:
        _frame.reset(token)


@contextlib.contextmanager
def request_actor(request, *, remote_addr=None, remote_port=None):
    token = _frame.set(_RequestFrame(request, remote_addr, remote_port))
    try:
        yield
    finally:
        _frame.reset(token)


def _fallback_name():
    # `manage.py shell`, `manage.py createsuperuser`, cron calling a command
    # without system_actor: name the command so the entry is still traceable.
    argv = sys.argv or []
    if len(argv) > 1 and argv[0].endswith(("manage.py", "django-admin")):
        command = re.sub(r"[^a-z0-9-]+", "-", argv[1].lower()).strip("-")[:50]
        if command:
            return f"manage-{command}"
    return FALLBACK_ACTOR


def current_actor() -> Actor:
    frame = _frame.get()
    if isinstance(frame, _SystemFrame):
        user = frame.user()
        return Actor(user=user, email=user.email)
    if isinstance(frame, _UserFrame):
        return Actor(user=frame.user, email=frame.user.email)
    if isinstance(frame, _RequestFrame):
        user = getattr(frame.request, "user", None)
        if user is not None and user.is_authenticated and isinstance(user, get_user_model()):
            email = user.email
        else:
            user, email = None, service_email(ANONYMOUS_ACTOR)
        return Actor(user=user, email=email, remote_addr=frame.remote_addr, remote_port=frame.remote_port)
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = None
    # No user row for the fallback: it must not create users as a side effect
    # of, say, a test or a one-off script; the email and context identify it.
    return Actor(
        user=None,
        email=service_email(_fallback_name()),
        additional_data={"os_user": os_user, "process": " ".join(sys.argv[:2])[:200]},
    )


def stamp(entry, actor: Actor | None = None):
    """Fill who/where on a new entry that has no actor yet."""
    if entry.actor_email:
        return
    if entry.actor_id is not None:
        entry.actor_email = entry.actor.email
        return
    actor = actor or current_actor()
    entry.actor = actor.user
    entry.actor_email = actor.email
    entry.remote_addr = actor.remote_addr
    entry.remote_port = actor.remote_port
    if actor.additional_data:
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        entry.additional_data = {**data, "system_context": actor.additional_data}
