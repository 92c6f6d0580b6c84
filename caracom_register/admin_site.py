"""The admin site of the register: its home page is sorted by the work, not by Python package.

Django's index groups models by the app that defines them, so a privacy
officer saw AXES, OTP_STATIC and OTP_TOTP beside "Audit log" and "Audit trail".
Here every model belongs to one section named for the job done there, and the
third-party models get names in our own catalogue (Finnish included).
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

# (section key, section title, [(app label, model name, our display name or None)]).
SECTIONS = [
    (
        "register",
        _("Register"),
        [("customers", "company", None), ("customers", "contact", None), ("customers", "contactimport", None)],
    ),
    (
        "requests",
        _("Data subject requests"),
        [
            ("privacy", "datasubjectrequest", None),
            ("privacy", "consent", None),
            ("privacy", "processingrestriction", None),
        ],
    ),
    (
        "audit",
        _("Audit and security"),
        [
            ("auditlog", "logentry", _("Audit log entries")),
            ("audit", "securityevent", None),
            ("axes", "accessattempt", _("Failed sign-ins and lockouts")),
            ("axes", "accessfailurelog", _("Failed sign-in log")),
            ("axes", "accesslog", _("Sign-in log")),
        ],
    ),
    (
        "notice",
        _("Notice and retention"),
        [("privacy", "privacynoticeversion", None), ("privacy", "purgerun", None)],
    ),
    (
        "accounts",
        _("Staff accounts"),
        [
            ("accounts", "user", None),
            ("auth", "group", _("Roles")),
            ("django_otp_webauthn", "webauthncredential", _("Passkeys")),
            ("otp_totp", "totpdevice", _("Authenticator apps")),
            ("otp_static", "staticdevice", _("Recovery codes")),
        ],
    ),
]


class SignInForm(AdminAuthenticationForm):
    # Django's message says both fields may be case-sensitive; our email is not (accounts.User stores it lower-case).
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "The email address or the password is wrong. The email address may be typed in any case; "
            "the password must match exactly."
        ),
    }


class RegisterAdminSite(admin.AdminSite):
    login_form = SignInForm
    site_header = _("Caracom customer register")
    site_title = _("Caracom customer register")
    index_title = _("Home")
    # The register has no public site besides the privacy notice: "View site" is the work's home page.
    site_url = "/admin/"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        models = {(app["app_label"], model["object_name"].lower()): model for app in apps for model in app["models"]}
        sections = []
        placed = set()
        for key, title, members in SECTIONS:
            section_models = []
            for app, model_name, name in members:
                model = models.get((app, model_name))
                if model is None:
                    continue
                placed.add((app, model_name))
                section_models.append({**model, "name": name or model["name"]})
            if section_models:
                sections.append(
                    {
                        "name": title,
                        "app_label": key,
                        "app_url": section_models[0]["admin_url"],
                        "has_module_perms": True,
                        "models": section_models,
                    }
                )
        # A model added later without a section still shows, under its own app, rather than vanishing.
        for app in apps:
            rest = [m for m in app["models"] if (app["app_label"], m["object_name"].lower()) not in placed]
            if rest:
                sections.append({**app, "models": rest})
        return sections
