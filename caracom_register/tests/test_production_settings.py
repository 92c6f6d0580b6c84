"""The settings a production start gets from its environment, checked in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k7Qw-" + "x2Vb9" * 12  # 65 characters, many distinct: passes Django's strength check

PRODUCTION_ENV = {
    "DJANGO_READ_ENV_FILE": "false",
    "SECRET_KEY": STRONG_KEY,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "asiakasrekisteri.caracom.fi",
    "AUDIT_CHAIN_KEY": "c9Rt-" + "m4Lp8" * 8,
    "ERASURE_LEDGER_KEY": "e2Hs-" + "q7Nd3" * 8,
    "ERASURE_LEDGER_PATH": "/var/lib/caracom/erasure-ledger.jsonl",
    # Production runs on PostgreSQL; these checks read the settings and never connect (nothing listens on port 1).
    "DATABASE_URL": "postgres://caracom@127.0.0.1:1/caracom",
}


def run(args, **env):
    # Only what production would set: nothing from the test run's own environment.
    clean = {"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, check=False
    )


def setting(name, **env):
    code = f"from django.conf import settings; import json; print(json.dumps(settings.{name}))"
    result = run(["shell", "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_production_settings():
    result = run(["check", "--deploy", "--fail-level", "DEBUG"])

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_the_audit_chain_key_is_missing_in_production():
    result = run(["check", "--deploy"], AUDIT_CHAIN_KEY="")
    assert "audit.W001" in result.stderr + result.stdout
    assert "AUDIT_CHAIN_KEY is not set" in result.stderr + result.stdout


def test_without_debug_there_is_no_default_chain_key_or_ledger():
    assert setting("AUDIT_CHAIN_KEY", AUDIT_CHAIN_KEY="") == ""
    assert setting("ERASURE_LEDGER_KEY", ERASURE_LEDGER_KEY="") == ""
    assert setting("ERASURE_LEDGER_PATH", ERASURE_LEDGER_PATH="") == ""


def test_check_deploy_complains_when_https_protections_are_turned_off():
    result = run(["check", "--deploy"], SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false", SECURE_HSTS_SECONDS="0")

    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr


def test_check_deploy_warns_when_two_factor_is_off():
    result = run(["check", "--deploy"], REQUIRE_2FA="false")

    assert "accounts.W001" in result.stderr


def test_two_factor_is_required_unless_turned_off():
    assert setting("REQUIRE_2FA") is True


def test_the_proxy_https_header_is_trusted_only_when_configured():
    assert setting("SECURE_PROXY_SSL_HEADER") is None
    assert setting("SECURE_PROXY_SSL_HEADER", TRUST_X_FORWARDED_PROTO="true") == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_no_proxy_is_trusted_for_client_addresses_unless_configured():
    assert setting("TRUSTED_PROXY_COUNT") == 0
    assert setting("TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="1") == 1


def test_sessions_idle_out_after_thirty_minutes_unless_configured():
    assert setting("SESSION_COOKIE_AGE") == 30 * 60
    assert setting("SESSION_COOKIE_AGE", SESSION_IDLE_MINUTES="10") == 10 * 60
    assert setting("SESSION_EXPIRE_AT_BROWSER_CLOSE") is True
    assert "accounts.middleware.SessionIdleRefreshMiddleware" in setting("MIDDLEWARE")


def test_the_passkey_policy_for_the_privacy_officer_is_off_unless_turned_on():
    assert setting("REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER") is False
    assert setting("REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER", REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER="true") is True


def test_passkeys_are_bound_to_the_registers_https_origin():
    origin = "https://asiakasrekisteri.caracom.fi"

    assert setting("OTP_WEBAUTHN_ALLOWED_ORIGINS", CSRF_TRUSTED_ORIGINS=origin) == [origin]
    assert setting("OTP_WEBAUTHN_RP_ID", CSRF_TRUSTED_ORIGINS=origin) == "asiakasrekisteri.caracom.fi"
    assert setting("OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN") is False
