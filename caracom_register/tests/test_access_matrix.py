"""Least privilege: every role against every admin page, with the status each should get.

The pages are built from the admin registry, so a model registered later is
in the matrix automatically and, until it is listed in GRANTS, is expected to
be the superuser's alone. Pages outside the admin (privacy views, ...) go in
OTHER_PAGES.
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.admin import site
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.tests.factories import (
    TEST_PASSWORD,
    PasskeyFactory,
    PrivacyOfficerFactory,
    StaffUserFactory,
    SuperuserFactory,
    sign_in_verified,
)
from customers.tests.factories import ContactFactory
from privacy.services import retention_purge
from privacy.tests.factories import ConsentFactory, ProcessingRestrictionFactory, VerifiedRequestFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, STAFF, PRIVACY_OFFICER, SUPERUSER = "anonymous", "staff", "privacy officer", "superuser"
ROLES = (ANONYMOUS, STAFF, PRIVACY_OFFICER, SUPERUSER)
REGISTER = "view add change delete"

# What each role besides the superuser may do with each model in the admin.
GRANTS = {
    "customers.company": {STAFF: REGISTER, PRIVACY_OFFICER: REGISTER},
    "customers.contact": {STAFF: REGISTER, PRIVACY_OFFICER: REGISTER},
    "auditlog.logentry": {PRIVACY_OFFICER: "view"},
    # Clearing a lockout is its own logged action (accounts.admin), never a delete.
    "axes.accessattempt": {PRIVACY_OFFICER: "view"},
    "axes.accesslog": {PRIVACY_OFFICER: "view"},
    "axes.accessfailurelog": {PRIVACY_OFFICER: "view"},
    "otp_totp.totpdevice": {PRIVACY_OFFICER: "view delete"},
    "otp_static.staticdevice": {PRIVACY_OFFICER: "view delete"},
    "django_otp_webauthn.webauthncredential": {PRIVACY_OFFICER: "view delete"},
    "audit.securityevent": {PRIVACY_OFFICER: "view"},
    "privacy.privacynoticeversion": {PRIVACY_OFFICER: REGISTER},
    "privacy.purgerun": {PRIVACY_OFFICER: "view"},
    "privacy.datasubjectrequest": {PRIVACY_OFFICER: "view add change"},
    "privacy.consent": {PRIVACY_OFFICER: "view"},
    "privacy.processingrestriction": {PRIVACY_OFFICER: "view"},
}

# What no one does through the admin, the superuser included: records the
# system writes itself, and an audit trail nobody may edit.
NOBODY = {
    "auditlog.logentry": "add change delete",
    # Sign-in records are evidence: the superuser cannot alter them either.
    "axes.accessattempt": "add change delete",
    "axes.accesslog": "add change delete",
    "axes.accessfailurelog": "add change delete",
    "django_otp_webauthn.webauthncredential": "add change",
    "audit.securityevent": "add change delete",
    # Versions are made by copying ("new draft"); the one checked here is the
    # published notice, which nobody changes or deletes.
    "privacy.privacynoticeversion": "add delete",
    "privacy.purgerun": "add change delete",
    # A request is the proof of its handling: never deleted; consents and
    # restrictions change only through a request's actions.
    "privacy.datasubjectrequest": "delete",
    "privacy.consent": "add change delete",
    "privacy.processingrestriction": "add change delete",
}

# Pages outside the model admins: (url name, {role: status}).
OTHER_PAGES = [
    ("admin:index", {ANONYMOUS: 302, STAFF: 200, PRIVACY_OFFICER: 200, SUPERUSER: 200}),
    ("admin:password_change", {ANONYMOUS: 302, STAFF: 200, PRIVACY_OFFICER: 200, SUPERUSER: 200}),
    ("admin:privacy_retention_review", {ANONYMOUS: 302, STAFF: 403, PRIVACY_OFFICER: 200, SUPERUSER: 200}),
    ("admin:privacy_privacynoticeversion_record", {ANONYMOUS: 302, STAFF: 403, PRIVACY_OFFICER: 200, SUPERUSER: 200}),
    ("privacy:notice", {ANONYMOUS: 200, STAFF: 200, PRIVACY_OFFICER: 200, SUPERUSER: 200}),
    ("admin:privacy_subject_lookup", {ANONYMOUS: 302, STAFF: 403, PRIVACY_OFFICER: 200, SUPERUSER: 200}),
    (
        "admin:privacy_marketing_audience",
        {ANONYMOUS: 302, STAFF: 403, PRIVACY_OFFICER: 200, SUPERUSER: 200},
    ),
]

# Which permission each admin page needs.
PAGES = {
    "changelist": ("view", "change"),
    "add": ("add",),
    "change": ("view", "change"),
    "history": ("view", "change"),
    "delete": ("delete",),
}


def may(role, label, action):
    if action in NOBODY.get(label, "").split():
        return False
    if role == SUPERUSER:
        return True
    return action in GRANTS.get(label, {}).get(role, "").split()


def expected_status(role, label, page):
    if role == ANONYMOUS:
        return 302
    return 200 if any(may(role, label, action) for action in PAGES[page]) else 403


def some_of_everything():
    """At least one row of every model registered now, so its object pages are checked too."""
    contact = ContactFactory()
    user = StaffUserFactory()
    services.recovery_codes_replace(user=user)
    sign_in_verified(Client(), user)  # a TOTP device
    PasskeyFactory(user=user)
    # A successful and then a failed sign-in: the lockout's access and attempt records.
    login = reverse("admin:login")
    Client().post(login, {"username": user.email, "password": TEST_PASSWORD})
    Client().post(login, {"username": user.email, "password": "not-the-password"})
    LogEntry.objects.log_create(contact, action=LogEntry.Action.CREATE, changes={}, force_log=True)
    retention_purge(as_of=datetime.date.today(), dry_run=True)
    ConsentFactory(contact=contact)
    # On other contacts: one in an open request, or restricted, is kept from deletion by everybody.
    request = VerifiedRequestFactory(contacts=[ContactFactory()])
    ProcessingRestrictionFactory(contact=ContactFactory(), request=request)


def admin_pages():
    pages = []
    for model in site._registry:
        label = model._meta.label_lower
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((label, "changelist", reverse(f"{prefix}_changelist")))
        pages.append((label, "add", reverse(f"{prefix}_add")))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for page in ("change", "history", "delete"):
                pages.append((label, page, reverse(f"{prefix}_{page}", args=[obj.pk])))
    return pages


def client_for(role):
    client = Client()
    factory = {STAFF: StaffUserFactory, PRIVACY_OFFICER: PrivacyOfficerFactory, SUPERUSER: SuperuserFactory}.get(role)
    if factory is not None:
        sign_in_verified(client, factory())
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_admin_pages_it_needs(role):
    some_of_everything()
    client = client_for(role)

    wrong = []
    for label, page, url in admin_pages():
        expected = expected_status(role, label, page)
        actual = client.get(url).status_code
        if actual != expected:
            wrong.append(f"{url} ({label} {page}): expected {expected}, got {actual}")

    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_other_pages_it_needs(role):
    client = client_for(role)

    actual = {name: client.get(reverse(name)).status_code for name, _ in OTHER_PAGES}

    assert actual == {name: statuses[role] for name, statuses in OTHER_PAGES}


def test_every_registered_model_has_object_pages_in_the_matrix():
    some_of_everything()

    covered = {label for label, page, _ in admin_pages() if page == "change"}

    assert covered == {model._meta.label_lower for model in site._registry}


def test_the_matrix_lists_only_models_that_exist():
    registered = {model._meta.label_lower for model in site._registry}

    assert set(GRANTS) | set(NOBODY) <= registered


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(reverse("admin:customers_contact_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
