import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "kalajoki-demo-pass-123")
    monkeypatch.setenv("DEMO_PRIVACY_OFFICER_PASSWORD", "rekisteri-demo-pass-456")


def test_demo_users_are_created_and_their_credentials_printed(demo_env, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    assert "staff@demo.caracom.fi" in out
    assert "rekisteri-demo-pass-456" in out
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


def test_a_weak_demo_password_is_a_clear_command_error_and_creates_no_user(demo_env, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PRIVACY_OFFICER_PASSWORD", "short")
    with pytest.raises(CommandError) as refused:
        call_command("create_demo_users")
    message = str(refused.value)
    assert message.startswith("DEMO_PRIVACY_OFFICER_PASSWORD in .env is refused for privacy@demo.caracom.fi:")
    assert "too short" in message
    assert not User.objects.exists()
