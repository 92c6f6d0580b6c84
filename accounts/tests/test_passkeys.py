"""Passkeys beside the authenticator app: setup, the second step, removal, reset and the Privacy officer policy.

The ceremony itself (a real authenticator signing a challenge) runs in Chromium
with a virtual authenticator: caracom_register/tests/e2e/test_passkeys.py.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential

from accounts.tests.factories import (
    TEST_PASSWORD,
    PasskeyFactory,
    PrivacyOfficerFactory,
    StaffUserFactory,
    SuperuserFactory,
    TOTPDeviceFactory,
    current_totp,
    sign_in_verified,
)
from audit.models import SecurityEvent

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
SECURITY = reverse("accounts:security")
ADMIN_INDEX = reverse("admin:index")
AUTH_BEGIN = reverse("otp_webauthn:credential-authentication-begin")
AUTH_COMPLETE = reverse("otp_webauthn:credential-authentication-complete")
REGISTER_BEGIN = reverse("otp_webauthn:credential-registration-begin")


@pytest.fixture
def policy_on(settings):
    settings.REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER = True


def password_sign_in(client, user):
    response = client.post(reverse("admin:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def sign_in_with_passkey_session(client, user):
    """Both steps passed, the second with a passkey (as the ceremony in the browser tests does)."""
    passkey = WebAuthnCredential.objects.filter(user=user).first() or PasskeyFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = passkey.persistent_id
    session.save()
    return passkey


# --- Setup and the second step -------------------------------------------------------------


def test_the_setup_page_offers_a_passkey_beside_the_authenticator_app(client):
    password_sign_in(client, StaffUserFactory())

    response = client.get(SETUP)
    page = response.content.decode()

    assert 'id="passkey-registration-placeholder"' in page
    assert 'id="totp-secret"' in page
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in page


def test_a_user_with_a_passkey_is_offered_it_at_the_second_step(client):
    user = StaffUserFactory()
    PasskeyFactory(user=user)
    password_sign_in(client, user)

    response = client.get(ADMIN_INDEX)
    page = client.get(response.url)

    assert response.url.startswith(VERIFY)
    assert 'id="passkey-verification-placeholder"' in page.content.decode()


def test_a_passkey_ceremony_cannot_start_before_the_password():
    response = Client().post(AUTH_BEGIN)

    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "passwordless_login_disabled"


def test_after_the_password_the_passkey_ceremony_starts_for_the_users_own_passkeys(client):
    user = StaffUserFactory()
    passkey = PasskeyFactory(user=user)
    PasskeyFactory()  # someone else's
    password_sign_in(client, user)

    response = client.post(AUTH_BEGIN)

    options = json.loads(response.content)
    assert response.status_code == 200
    assert options["rpId"] == "localhost"
    assert len(options["allowCredentials"]) == 1
    assert passkey.credential_id_sha256  # the options name the credential, never a secret


def test_a_failed_passkey_verification_is_recorded_and_does_not_pass_the_step(client):
    user = StaffUserFactory()
    PasskeyFactory(user=user)
    password_sign_in(client, user)
    client.post(AUTH_BEGIN)

    response = client.post(AUTH_COMPLETE, data=json.dumps({"id": "bm90LWEta2V5"}), content_type="application/json")

    assert response.status_code in (400, 404, 422)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_FAILED)
    assert (event.user, event.factor) == (user, SecurityEvent.Factor.PASSKEY)
    assert client.get(ADMIN_INDEX).status_code == 302


def test_a_passkey_error_is_explained_in_finnish_to_a_finnish_user(client):
    user = StaffUserFactory()
    TOTPDeviceFactory(user=user)
    password_sign_in(client, user)

    with translation.override("fi"):
        response = client.post(REGISTER_BEGIN, HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 403
    assert json.loads(response.content)["detail"] == (
        "Läpäise ensin kirjautumisen toinen vaihe ja lisää pääsyavain sitten."
    )


def test_a_user_with_a_second_factor_cannot_add_a_passkey_before_passing_the_step(client):
    user = StaffUserFactory()
    TOTPDeviceFactory(user=user)
    password_sign_in(client, user)

    response = client.post(REGISTER_BEGIN)

    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "user_not_verified"


def test_a_new_user_may_start_adding_a_passkey_as_their_first_factor(client):
    user = StaffUserFactory()
    password_sign_in(client, user)

    response = client.post(REGISTER_BEGIN)

    options = json.loads(response.content)
    assert response.status_code == 200
    assert (options["rp"]["id"], options["user"]["name"]) == ("localhost", user.email)


# --- The security page: adding and removing one's own passkeys --------------------------


def test_the_security_page_lists_the_users_passkeys(client):
    user = StaffUserFactory()
    PasskeyFactory(user=user)
    PasskeyFactory(user=user)
    sign_in_verified(client, user)

    response = client.get(SECURITY)

    assert response.status_code == 200
    assert response.content.decode().count('action="/accounts/security/passkeys/') == 2


def test_every_admin_page_links_to_the_sign_in_security_page(client):
    sign_in_verified(client, StaffUserFactory())

    assert 'id="sign-in-security-link"' in client.get(ADMIN_INDEX).content.decode()


def test_a_user_removes_one_of_their_passkeys_and_it_is_recorded(client):
    user = StaffUserFactory()
    kept, removed = PasskeyFactory(user=user), PasskeyFactory(user=user)
    sign_in_verified(client, user)

    client.post(reverse("accounts:passkey_remove", args=[removed.pk]))

    assert list(WebAuthnCredential.objects.filter(user=user)) == [kept]
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_REMOVED)
    assert (event.user, event.actor, event.factor) == (user, user, SecurityEvent.Factor.PASSKEY)


def test_a_users_only_second_factor_cannot_be_removed(client):
    user = StaffUserFactory()
    sign_in_with_passkey_session(client, user)

    response = client.post(reverse("accounts:passkey_remove", args=[user.webauthncredential_set.get().pk]), follow=True)

    assert WebAuthnCredential.objects.filter(user=user).count() == 1
    assert "This is your only second factor" in response.content.decode()


def test_a_last_passkey_can_be_removed_when_an_authenticator_app_remains(client):
    user = StaffUserFactory()
    passkey = PasskeyFactory(user=user)
    sign_in_verified(client, user)

    client.post(reverse("accounts:passkey_remove", args=[passkey.pk]))

    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_nobody_removes_someone_elses_passkey_from_their_security_page(client):
    other = PasskeyFactory()
    sign_in_verified(client, StaffUserFactory())

    response = client.post(reverse("accounts:passkey_remove", args=[other.pk]), follow=True)

    assert WebAuthnCredential.objects.filter(pk=other.pk).exists()
    assert "not one of yours" in response.content.decode()


def test_removing_a_passkey_needs_a_post(client):
    user = StaffUserFactory()
    passkey = PasskeyFactory(user=user)
    sign_in_verified(client, user)

    assert client.get(reverse("accounts:passkey_remove", args=[passkey.pk])).status_code == 405
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_first_passkey_leads_to_ten_recovery_codes_once(client):
    user = StaffUserFactory()
    sign_in_with_passkey_session(client, user)

    first = client.post(reverse("accounts:passkey_registered"), {"next": ADMIN_INDEX})
    second = client.post(reverse("accounts:passkey_registered"), {"next": ADMIN_INDEX})

    assert first.content.decode().count("<li><code>") == 10
    assert second.status_code == 302


# --- The reset ----------------------------------------------------------------------------


def test_the_privacy_officer_resets_a_colleagues_passkey_in_the_admin_and_it_is_recorded(client):
    officer, colleague = PrivacyOfficerFactory(), StaffUserFactory()
    passkey = PasskeyFactory(user=colleague)
    sign_in_verified(client, officer)

    page = client.get(reverse("admin:django_otp_webauthn_webauthncredential_change", args=[passkey.pk]))
    response = client.post(
        reverse("admin:django_otp_webauthn_webauthncredential_delete", args=[passkey.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert passkey.public_key.hex() not in page.content.decode(), "the admin must never show the key"
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_REMOVED)
    assert (event.user, event.actor) == (colleague, officer)


def test_staff_cannot_reset_anyones_passkey(client):
    passkey = PasskeyFactory()
    sign_in_verified(client, StaffUserFactory())

    response = client.post(
        reverse("admin:django_otp_webauthn_webauthncredential_delete", args=[passkey.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_nobody_edits_a_passkey_in_the_admin_the_superuser_included(client):
    passkey = PasskeyFactory()
    superuser = SuperuserFactory()
    sign_in_verified(client, superuser)

    response = client.post(
        reverse("admin:django_otp_webauthn_webauthncredential_change", args=[passkey.pk]),
        {"user": superuser.pk, "name": "mine now", "confirmed": "on"},
    )

    passkey.refresh_from_db()
    assert response.status_code == 403
    assert (passkey.user_id, passkey.name) == (passkey.user.pk, "Passkey")
    assert passkey.user != superuser


# --- The Privacy officer policy -----------------------------------------------------------


def test_without_the_policy_a_privacy_officer_passes_the_step_with_an_app_code(client):
    officer = PrivacyOfficerFactory()
    device = TOTPDeviceFactory(user=officer)
    PasskeyFactory(user=officer)
    password_sign_in(client, officer)

    client.post(VERIFY, {"token": current_totp(device)})

    assert client.get(ADMIN_INDEX).status_code == 200


def test_with_the_policy_a_privacy_officers_app_code_is_refused_when_they_have_a_passkey(client, policy_on):
    officer = PrivacyOfficerFactory()
    device = TOTPDeviceFactory(user=officer)
    PasskeyFactory(user=officer)
    password_sign_in(client, officer)

    response = client.post(VERIFY, {"token": current_totp(device)})

    assert "passkey only" in response.content.decode()
    assert 'id="two-factor-verify-form"' not in response.content.decode()
    assert client.get(ADMIN_INDEX).status_code == 302


def test_with_the_policy_a_privacy_officer_verified_with_a_passkey_reaches_the_admin(client, policy_on):
    officer = PrivacyOfficerFactory()
    sign_in_with_passkey_session(client, officer)

    assert client.get(ADMIN_INDEX).status_code == 200


def test_with_the_policy_a_session_verified_by_an_app_code_is_sent_to_the_passkey(client, policy_on):
    officer = PrivacyOfficerFactory()
    PasskeyFactory(user=officer)
    sign_in_verified(client, officer)  # an app code, e.g. from before the policy was turned on

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_with_the_policy_a_privacy_officer_without_a_passkey_must_add_one_after_the_app_code(client, policy_on):
    officer = PrivacyOfficerFactory()
    sign_in_verified(client, officer)

    response = client.get(ADMIN_INDEX)
    setup = client.get(response.url)

    assert response.url.startswith(SETUP)
    assert 'id="passkey-registration-placeholder"' in setup.content.decode()
    assert 'id="totp-secret"' not in setup.content.decode()
    assert client.post(REGISTER_BEGIN).status_code == 200


def test_with_the_policy_an_app_verified_officer_cannot_add_a_second_passkey(client, policy_on):
    officer = PrivacyOfficerFactory()
    PasskeyFactory(user=officer)
    sign_in_verified(client, officer)

    response = client.post(REGISTER_BEGIN)

    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "passkey_required"


def test_with_the_policy_a_privacy_officers_last_passkey_cannot_be_removed(client, policy_on):
    officer = PrivacyOfficerFactory()
    TOTPDeviceFactory(user=officer)
    passkey = sign_in_with_passkey_session(client, officer)

    client.post(reverse("accounts:passkey_remove", args=[passkey.pk]))

    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_with_the_policy_staff_still_pass_the_step_with_an_app_code(client, policy_on):
    user = StaffUserFactory()
    device = TOTPDeviceFactory(user=user)
    PasskeyFactory(user=user)
    password_sign_in(client, user)

    client.post(VERIFY, {"token": current_totp(device)})

    assert client.get(ADMIN_INDEX).status_code == 200


def test_the_passkey_buttons_texts_come_in_finnish_before_the_second_step(client):
    password_sign_in(client, StaffUserFactory())

    with translation.override("fi"):
        response = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 200
    # The catalog is JSON inside a script, with non-ASCII letters escaped.
    assert json.dumps("Lisää pääsyavain")[1:-1] in response.content.decode()
