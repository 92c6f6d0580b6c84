from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.roles import sync_role_permissions


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now
    # so the groups get their permissions on the very first migrate.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    sync_role_permissions(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), using=schema_editor.connection.alias
    )


def remove_role_groups(apps, schema_editor):
    from accounts.roles import ROLE_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
