from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import sync_role_permissions

    sync_role_permissions(Group, Permission, using=using)


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from accounts import (
            checks,  # noqa: F401  (registers the system checks)
            credential_events,
        )
        from accounts.audit_trail import register_audit_trail

        register_audit_trail()
        credential_events.connect()

        # Runs after every app's permissions exist, so roles pick up new models.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
