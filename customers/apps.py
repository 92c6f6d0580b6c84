from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        from customers.audit_trail import register_audit_trail

        register_audit_trail()
