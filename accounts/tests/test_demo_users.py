import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "staff-demo-pass-123")
    monkeypatch.setenv("DEMO_PRIVACY_OFFICER_PASSWORD", "privacy-demo-pass-456")


def test_demo_users_are_created_and_their_credentials_printed(demo_env, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    assert "staff@demo.caracom.fi" in out
    assert "privacy-demo-pass-456" in out
    assert User.objects.get(email="privacy@demo.caracom.fi").groups.get().name == "Privacy officer"


def test_running_demo_users_twice_creates_no_duplicates(demo_env, settings):
    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")
    assert User.objects.filter(email__endswith="@demo.caracom.fi").count() == 2


def test_demo_users_are_refused_with_debug_off(demo_env, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_users")
    assert not User.objects.exists()
