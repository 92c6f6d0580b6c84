from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from caracom_register.health import HealthView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/passkeys/", include("accounts.passkey_urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("privacy/", include("privacy.urls")),
    path("health/", HealthView.as_view(), name="health"),
]

handler500 = "caracom_register.errors.server_error_or_unavailable"
