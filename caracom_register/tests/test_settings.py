"""The settings fail closed: tested in a fresh interpreter, as a deployment would start."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def start_django(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="caracom_register.settings")
    code = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(BASE_DIR)!r}); {code}"],
        capture_output=True,
        text=True,
        env=environment,
        cwd="/",
        check=False,
    )


def test_start_without_secret_key_stops_with_a_clear_message():
    result = start_django(DJANGO_READ_ENV_FILE="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = start_django(SECRET_KEY="x" * 50, DJANGO_READ_ENV_FILE="false")
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_debug_can_be_turned_on_for_development():
    result = start_django(SECRET_KEY="x" * 50, DEBUG="true", DJANGO_READ_ENV_FILE="false")
    assert "DEBUG True" in result.stdout
