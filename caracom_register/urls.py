from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from caracom_register.health import HealthView

# Password reset by email, in the admin's look (its registration/ templates). The link only sets a
# new password: the next sign-in still asks for the second factor.
password_reset_urls = [
    path("admin/password-reset/", auth_views.PasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/passkeys/", include("accounts.passkey_urls")),
    path("accounts/", include("accounts.urls")),
    *password_reset_urls,
    path("admin/", admin.site.urls),
    path("privacy/", include("privacy.urls")),
    path("health/", HealthView.as_view(), name="health"),
]

handler500 = "caracom_register.errors.server_error_or_unavailable"
