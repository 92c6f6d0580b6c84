from django.conf import settings
from django.core.checks import Warning, register


@register()
def two_factor_required(app_configs, **kwargs):
    """Says so at every start (runserver, migrate, check) when the second factor is off."""
    if settings.REQUIRE_2FA:
        return []
    return [
        Warning(
            "REQUIRE_2FA is off: staff sign in with a password alone.",
            hint="Fine for the local demo only. Production must leave REQUIRE_2FA unset or true.",
            id="accounts.W001",
        )
    ]
