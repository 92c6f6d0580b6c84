from django.urls import path

from accounts import security_views, views

app_name = "accounts"

urlpatterns = [
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("security/", security_views.security, name="security"),
    path("security/passkey-saved/", security_views.passkey_registered, name="passkey_registered"),
    path("security/passkeys/<int:pk>/remove/", security_views.passkey_remove, name="passkey_remove"),
]
