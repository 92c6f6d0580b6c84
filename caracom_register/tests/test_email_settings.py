"""Email settings come from the environment: SMTP by default, the console on request, nothing else."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def mailer_of(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    environment.update(
        env, SECRET_KEY="x" * 50, DJANGO_READ_ENV_FILE="false", DJANGO_SETTINGS_MODULE="caracom_register.settings"
    )
    code = "import django; django.setup(); from django.conf import settings; print(settings.MAILERS['default'])"
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(BASE_DIR)!r}); {code}"],
        capture_output=True,
        text=True,
        env=environment,
        cwd="/",
        check=False,
    )


def test_smtp_is_the_default_with_tls_on_port_587():
    result = mailer_of()
    assert result.returncode == 0, result.stderr
    assert "smtp.EmailBackend" in result.stdout
    assert "'port': 587" in result.stdout
    assert "'use_tls': True" in result.stdout


def test_the_smtp_host_user_and_password_come_from_the_environment():
    result = mailer_of(EMAIL_HOST="mail.caracom.fi", EMAIL_HOST_USER="rekisteri", EMAIL_HOST_PASSWORD="salainen")
    assert "'host': 'mail.caracom.fi'" in result.stdout
    assert "'username': 'rekisteri'" in result.stdout
    assert "'password': 'salainen'" in result.stdout


def test_the_console_backend_can_be_chosen_for_development():
    result = mailer_of(EMAIL_BACKEND="console")
    assert "console.EmailBackend" in result.stdout


def test_an_unknown_email_backend_stops_the_start_with_its_name():
    result = mailer_of(EMAIL_BACKEND="sendgrid")
    assert result.returncode != 0
    assert "EMAIL_BACKEND must be smtp or console, not 'sendgrid'" in result.stderr
