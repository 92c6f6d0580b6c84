from django.contrib.admin.apps import AdminConfig


class RegisterAdminConfig(AdminConfig):
    """Django's admin app, with the register's own site (caracom_register/admin_site.py) as `admin.site`."""

    default_site = "caracom_register.admin_site.RegisterAdminSite"
