from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    # Shown where Django names the app: breadcrumbs and the audit log's model column.
    verbose_name = _("Register")

    def ready(self):
        from customers.audit_trail import register_audit_trail

        register_audit_trail()
