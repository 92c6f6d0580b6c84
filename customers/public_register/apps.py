from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicRegisterConfig(AppConfig):
    """The trade register as a source: its own app inside the register, so its models import the register's
    and never the other way round."""

    name = "customers.public_register"
    label = "public_register"
    verbose_name = _("Trade register")
