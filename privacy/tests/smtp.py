"""A real SMTP server in the test process (aiosmtpd), and the settings that point the register's mailer at it."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Keeps what the server accepted; `refuse` makes the next DATA commands answer with the given replies."""

    def __init__(self):
        self.envelopes = []
        self.replies = []

    async def handle_DATA(self, server, session, envelope):
        if self.replies:
            return self.replies.pop(0)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def refuse(self, *replies):
        self.replies.extend(replies)

    @property
    def messages(self):
        return [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in self.envelopes]


def point_mailer_at(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    point_mailer_at(settings, port)
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server_down(settings):
    """A port where nothing listens: the connection is refused."""
    point_mailer_at(settings, free_port())
