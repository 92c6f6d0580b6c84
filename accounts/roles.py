"""The staff roles and exactly the permissions each needs.

Later features add their permissions here; `sync_role_permissions()` runs
after every `migrate`, so a new model's permissions reach the roles without
anyone editing groups by hand (and a permission removed here is taken away).
"""

STAFF = "Staff"
PRIVACY_OFFICER = "Privacy officer"

REGISTER_PERMISSIONS = (
    "customers.view_company",
    "customers.add_company",
    "customers.change_company",
    "customers.delete_company",
    "customers.view_contact",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
)

# The privacy notice is the Privacy officer's alone (issue #5); Staff only reads it on the public page.
PRIVACY_NOTICE_PERMISSIONS = (
    *(
        f"privacy.{action}_{model}"
        for model in ("privacynoticeversion", "noticepurpose", "noticedatacategory", "noticesource", "noticerecipient")
        for action in ("view", "add", "change", "delete")
    ),
    "privacy.publish_privacynoticeversion",
    "privacy.download_processing_record",
)

# Data subject requests (issue #6): the Privacy officer's alone; Staff gets none of them.
DATA_SUBJECT_REQUEST_PERMISSIONS = (
    "privacy.view_datasubjectrequest",
    "privacy.add_datasubjectrequest",
    "privacy.change_datasubjectrequest",
    "privacy.handle_datasubjectrequest",
    "privacy.view_consent",
    "privacy.export_marketing_audience",
    "privacy.view_processingrestriction",
)

# Seeing sign-in attempts, clearing a lockout (the admin's logged "clear"
# action, gated on the attempt's delete permission; the delete page itself is
# refused to everyone) and resetting someone's second factor (deleting their
# devices and passkeys, whose secrets the admin never shows).
SIGN_IN_SECURITY_PERMISSIONS = (
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accessfailurelog",
    "axes.view_accesslog",
    "otp_totp.view_totpdevice",
    "otp_totp.delete_totpdevice",
    "otp_static.view_staticdevice",
    "otp_static.delete_staticdevice",
    "django_otp_webauthn.view_webauthncredential",
    "django_otp_webauthn.delete_webauthncredential",
)

ROLE_PERMISSIONS = {
    STAFF: REGISTER_PERMISSIONS,
    PRIVACY_OFFICER: (
        *REGISTER_PERMISSIONS,
        "customers.manage_legal_hold",
        "auditlog.view_logentry",
        "audit.view_securityevent",
        *PRIVACY_NOTICE_PERMISSIONS,
        "privacy.view_purgerun",
        *DATA_SUBJECT_REQUEST_PERMISSIONS,
        *SIGN_IN_SECURITY_PERMISSIONS,
    ),
}


def sync_role_permissions(group_model, permission_model, using="default"):
    """Create the role groups and set their permissions to exactly ROLE_PERMISSIONS.

    Takes the models as arguments so data migrations can pass historical ones.
    Permissions of models that do not exist yet are skipped; the next
    migrate adds them.
    """
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permission = (
                permission_model.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:
                permissions.append(permission)
        current = set(group.permissions.values_list("pk", flat=True))
        if current != {p.pk for p in permissions}:
            group.permissions.set(permissions)
