"""Settings for the Caracom customer register.

Everything that differs between a laptop and production comes from the
environment (or a local `.env` file that `make run` writes). The defaults
fail closed: DEBUG is off and there is no SECRET_KEY unless one is given.
"""

import hashlib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a development convenience; real deployments set the
# environment. Values already in the environment win over the file.
if env.bool("DJANGO_READ_ENV_FILE", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # No fallback key: a guessable key would let anyone forge sessions and
    # password-reset tokens for a register of personal data.
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
        "(or run `make run`, which writes a local .env with a generated key)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with the register's home page and sections (caracom_register/admin_site.py).
    "caracom_register.apps.RegisterAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_countries",
    "django_otp_webauthn",
    "accounts",
    "customers",
    "customers.public_register",
    "privacy",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "caracom_register.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Replaces auditlog.middleware.AuditlogMiddleware (see audit/middleware.py).
    "audit.middleware.AuditMiddleware",
    # Last, as django-axes requires: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caracom_register.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Labels, plain inputs and selects with Django's markup, written without a template per element.
FORM_RENDERER = "caracom_register.form_renderer.FastFormRenderer"

WSGI_APPLICATION = "caracom_register.wsgi.application"

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A change and its audit entry must commit (or roll back) together.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The contact list's covering index (customers.Contact) carries the searched columns for PostgreSQL's
    # index-only scans; SQLite, the development database, builds the same index without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "admin:login"

# django-axes must come first: it refuses a locked-out sign-in before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.EmailNameValidator"},
]

# --- Sign-in security (privacy notice § 9) ----------------------------------
# Every signed-in user must confirm a time-based one-time code before any page
# with register data. Only the local demo .env may turn this off.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Caracom customer register"
# Admins may delete a user's devices (the reset path) but never see their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Passkeys (WebAuthn, django-otp-webauthn) are a second factor beside the
# authenticator app, never a way around the password. A passkey is bound to
# the register's host name (the relying party id) and the browser reports the
# page's origin, so both must name the address staff really use; by default
# the HTTPS origin in CSRF_TRUSTED_ORIGINS, or http://localhost:8000 for the
# local demo (an IP address such as 127.0.0.1 cannot hold passkeys).
PASSKEY_ORIGINS = [origin for origin in env.list("PASSKEY_ORIGINS", default=CSRF_TRUSTED_ORIGINS) if origin] or [
    "http://localhost:8000"
]
OTP_WEBAUTHN_ALLOWED_ORIGINS = PASSKEY_ORIGINS
OTP_WEBAUTHN_RP_ID = env.str("PASSKEY_RP_ID", default=urlsplit(PASSKEY_ORIGINS[0]).hostname or "localhost")
OTP_WEBAUTHN_RP_NAME = "Caracom customer register"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
# With this on, a member of the Privacy officer group passes the second step
# only with a passkey (phishing-resistant); codes no longer count for them.
REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER = env.bool("REQUIRE_PASSKEY_FOR_PRIVACY_OFFICER", default=False)

# Sessions end after this much inactivity and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# The idle limit is pushed ahead by accounts.middleware.SessionIdleRefreshMiddleware, at most
# once a minute, instead of a session write on every request (SESSION_SAVE_EVERY_REQUEST).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# How many reverse proxies in front of the app append to X-Forwarded-For.
# 0 (the default) trusts only the connection's own address, so a client
# cannot pick its own address by sending the header. Shared by the lockout
# and the audit trail: see caracom_register.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-axes: 5 failed sign-ins lock that email address from that client
# address for 15 minutes. Locking by the pair (not the email alone) stops an
# outsider from locking a colleague out; the second factor covers password
# guessing spread over many addresses.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.client_ip.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip_address"

# --- Password reset by email (sent through the mailer set up under "Email" below) ---
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_MINUTES", default=60) * 60

# --- HTTPS and browser protections ------------------------------------------
# Secure by default whenever DEBUG is off; each can be turned off explicitly
# (the test suite turns off the redirect because the test client speaks HTTP).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The proxy's health probe may ask the application server directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Only behind a proxy that terminates TLS and always sets this header; trusting
# it otherwise would let any client claim to be on HTTPS.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date form in both languages, 30.11.2026 (caracom_register/formats/).
FORMAT_MODULE_PATH = "caracom_register.formats"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Retention (privacy notice § 9 and § 10) --------------------------------
RETENTION_MONTHS_AFTER_RELATIONSHIP = env.int("RETENTION_MONTHS_AFTER_RELATIONSHIP", default=24)
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=730)

# --- Audit chain and erasure ledger (docs/audit.md) --------------------------
# Keys live in the environment, never in the database. Without them nothing audited can be
# written outside development (fail closed); `check --deploy` names the missing one. In
# development they are derived from SECRET_KEY, so `make run` works with any .env.


def _development_key(label):
    return hashlib.sha256(f"{label}:{SECRET_KEY}".encode()).hexdigest() if DEBUG else ""


AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default="") or _development_key("audit-chain")
ERASURE_LEDGER_KEY = env.str("ERASURE_LEDGER_KEY", default="") or _development_key("erasure-ledger")
ERASURE_LEDGER_PATH = env.str("ERASURE_LEDGER_PATH", default=str(BASE_DIR / "erasure-ledger.jsonl") if DEBUG else "")
# --- The trade register as a source (privacy notice § 7 and § 10) ----------
# PRH's open data API (YTJ v3): free, no key, rate-limited. See customers/public_register/.
PUBLIC_REGISTER_API_URL = env.str("PUBLIC_REGISTER_API_URL", default="https://avoindata.prh.fi/opendata-ytj-api/v3")
PUBLIC_REGISTER_TIMEOUT_SECONDS = env.float("PUBLIC_REGISTER_TIMEOUT_SECONDS", default=10.0)
PUBLIC_REGISTER_RETRIES = env.int("PUBLIC_REGISTER_RETRIES", default=3)
PUBLIC_REGISTER_BACKOFF_SECONDS = env.float("PUBLIC_REGISTER_BACKOFF_SECONDS", default=2.0)
# The nightly sync: a company is checked again when its last check is this many days old.
PUBLIC_REGISTER_CHECK_DAYS = env.int("PUBLIC_REGISTER_CHECK_DAYS", default=30)
PUBLIC_REGISTER_DELAY_SECONDS = env.float("PUBLIC_REGISTER_DELAY_SECONDS", default=1.0)
PUBLIC_REGISTER_LIMIT_PER_RUN = env.int("PUBLIC_REGISTER_LIMIT_PER_RUN", default=1000)
# "update": a changed name or address is saved by the sync; "propose": it waits for a person to accept it.
PUBLIC_REGISTER_SYNC_MODE = env.str("PUBLIC_REGISTER_SYNC_MODE", default="update")
if PUBLIC_REGISTER_SYNC_MODE not in ("update", "propose"):
    raise ImproperlyConfigured(
        f"PUBLIC_REGISTER_SYNC_MODE is {PUBLIC_REGISTER_SYNC_MODE!r}; it must be 'update' or 'propose'."
    )
# --- Email: letters to data subjects, reminders, announcements -------------
# SMTP unless told otherwise; `make run`'s development .env says console, so a
# demo never mails anyone. Letters wait in the outbox while SMTP is down.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = env.str("EMAIL_BACKEND", default="smtp")
if _email_backend not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be smtp or console, not {_email_backend!r}.")
MAILERS = {"default": {"BACKEND": _EMAIL_BACKENDS[_email_backend]}}
if _email_backend == "smtp":
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=587),
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        "use_ssl": env.bool("EMAIL_USE_SSL", default=False),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="info@caracom.fi")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox: how many times a letter is tried before it is marked failed, and
# after how long an unfinished send is treated as "outcome unknown".
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_SENDING_TIMEOUT_MINUTES = env.int("OUTBOX_SENDING_TIMEOUT_MINUTES", default=15)

# --- Audit log (django-auditlog) --------------------------------------------
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_INCLUDE_ALL_MODELS = False
# Models are registered explicitly in audit/registry.py; the client address
# follows TRUSTED_PROXY_COUNT (caracom_register.client_ip), like the lockout.

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request at INFO (the trade register sync would print a line per company);
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
