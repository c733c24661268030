"""Perhelinja settings, read from environment variables.

Every setting that differs between a laptop and production comes from the environment;
the defaults make `make demo` work with no services (SQLite, eager Celery).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(s: str, default: str) -> bool:
    v = os.getenv(s, default=default)
    if v not in ("", "True", "False", "true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{s} is {v!r}: use True or False")
    return v in ("True", "true", "1")


def envint(s: str, default: str) -> int:
    v = os.getenv(s, default)
    return 0 if v == "" else int(v)


def envlist(s: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(s, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105
# Earlier keys, still accepted for signatures (sessions, password resets, family links) while
# they expire: to rotate, put the old key here and a new one in SECRET_KEY.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # The admin with a site that asks for a verified second factor (directory/admin_site.py).
    "directory.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_fsm",
    "guardian",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "rest_framework",
    # API tokens: stored as hashes, expiring (see REST_KNOX and API_TOKEN_HOURS).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # One-time backup codes for a lost phone, made when the authenticator app is set up.
    "django_otp.plugins.otp_static",
    "perhelinja.apps.PerhelinjaConfig",
    "directory",
    "consent",
    "referrals",
    "appointments",
    "evaluation",
    "packages",
    "insight",
    "interop",
]
# Tools that only developers, tests and benchmarks use: demo data and the Finland-scale
# generator with its benchmark. Production leaves them out.
TOOLS = envbool("TOOLS", "True" if DEBUG else "False")
if TOOLS:
    INSTALLED_APPS += ["demo", "scale"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (see CONTENT_SECURITY_POLICY).
    "directory.middleware.ContentSecurityPolicyMiddleware",
    # Serves the collected static files from gunicorn, before any other work on the request.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Moves the session's idle expiry on, at most once a minute (SESSION_REFRESH_SECONDS).
    "perhelinja.middleware.IdleSessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified() and the roles, from what the session remembers (django-otp's
    # OTPMiddleware reads the device on every request); then the second factor is enforced.
    "directory.middleware.SessionAccessMiddleware",
    "directory.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Cache-Control: no-store, private on whatever may carry personal data.
    "perhelinja.middleware.NoStoreMiddleware",
    # A view that cannot reach the database answers 503 (before a view: handler500).
    "perhelinja.middleware.DatabaseUnavailableMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perhelinja.urls"
WSGI_APPLICATION = "perhelinja.wsgi.application"

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
                "perhelinja.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
# A read-only streaming replica of default (issue 20, docs/operations.md): when set, the reads
# that say so (perhelinja/routers.py: the dashboard, the reports, the statistics job, the
# catalogue) go to it; a person who has just written reads the primary for
# READ_YOUR_WRITES_SECONDS. Unset, everything uses default.
DATABASE_REPLICA_URL = os.getenv("DATABASE_REPLICA_URL", "")
READ_YOUR_WRITES_SECONDS = envint("READ_YOUR_WRITES_SECONDS", "10")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "0")
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["perhelinja.routers.ReplicaRouter"]
    MIDDLEWARE.append("perhelinja.routers.ReadYourWritesMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, answering has_perm from what the session remembers.
    "directory.backends.RememberedPermissionsBackend",
    # Single sign-on for staff; answers nothing unless OIDC_RP_CLIENT_ID is set (see below).
    "directory.oidc.OIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_USER_OBJ_PERMS_MODEL = "guardian.UserObjectPermission"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The number of reverse proxies in front of the application that append the client's address
# to X-Forwarded-For (1 behind one nginx). 0: the header is ignored, the address is the peer's.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
# Login throttling (directory/lockout.py): after AXES_FAILURE_LIMIT failures a username from one
# client address waits an hour; after AXES_USERNAME_FAILURE_LIMIT failures from any addresses
# the username does. Attempts made while locked are not counted, so one address adds at most
# AXES_FAILURE_LIMIT an hour to a username's count.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_USERNAME_FAILURE_LIMIT = envint("AXES_USERNAME_FAILURE_LIMIT", "30")
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "directory.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "directory.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "directory.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Sessions end after SESSION_IDLE_SECONDS without activity, and with the browser. Activity
# moves the expiry on at most once every SESSION_REFRESH_SECONDS (perhelinja/middleware.py), so a
# plain GET writes nothing; with CACHE_URL the sessions are read from Redis, written through to
# the database (see docs/operations.md#sessions-and-the-cache).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", "1800")
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.getenv("CACHE_URL")
    else "django.contrib.sessions.backends.db"
)
# Behind HTTPS in production (HTTPS=True): redirect, secure cookies, HSTS.
HTTPS = envbool("HTTPS", "False")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style anywhere: htmx's indicator styles are in site.css, the API docs
# load their start-up script as a file, QR codes are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Two-factor authentication (TOTP): offered to everyone, required for these roles.
OTP_REQUIRED_ROLES = envlist("OTP_REQUIRED_ROLES", "coordinator")
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "Perhelinja")
# Each wrong code doubles the wait before the next attempt: 1, 2, 4, 8 … seconds, up to the
# last doubling within OTP_THROTTLE_MAX_SECONDS (256 s with these defaults). Backup codes alike.
OTP_TOTP_THROTTLE_FACTOR = envint("OTP_TOTP_THROTTLE_FACTOR", "1")
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
OTP_THROTTLE_MAX_SECONDS = envint("OTP_THROTTLE_MAX_SECONDS", "300")
# How many one-time backup codes a person gets at a time.
OTP_BACKUP_CODES = envint("OTP_BACKUP_CODES", "10")
# The admin's device pages never show a key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Single sign-on for staff with OpenID Connect (mozilla-django-oidc, directory/oidc.py): off
# unless OIDC_RP_CLIENT_ID is set; then the login page offers the organization's account, and
# /oidc/ answers. The provider's endpoints are given one by one (no discovery at start-up).
OIDC_RP_CLIENT_ID = os.getenv("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.getenv("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.getenv("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.getenv("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.getenv("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.getenv("OIDC_OP_JWKS_ENDPOINT", "")
# The ID token's `iss` must be this when set.
OIDC_OP_ISSUER = os.getenv("OIDC_OP_ISSUER", "")
OIDC_RP_SIGN_ALGO = os.getenv("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.getenv("OIDC_RP_SCOPES", "openid email")
OIDC_USE_PKCE = envbool("OIDC_USE_PKCE", "True")
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", "10")
# Users are matched by this claim of the ID token (or the user info), stored in
# User.oidc_subject by an administrator; never created from claims.
OIDC_SUBJECT_CLAIM = os.getenv("OIDC_SUBJECT_CLAIM", "sub")
OIDC_CREATE_USER = False
# On: a first sign-in links the one active staff user whose email the provider reports as
# verified (`email_verified`) and who has no identifier yet, and records the identifier.
OIDC_LINK_BY_EMAIL = envbool("OIDC_LINK_BY_EMAIL", "False")
# The roles that may sign in with the organization's account.
OIDC_ROLES = envlist("OIDC_ROLES", "municipal_professional,organization_worker")
# The provider's `acr` values and `amr` methods that count as the second factor: then the TOTP
# step is not asked (e.g. "http://ftn.ficora.fi/2017/loa3,substantial,high" and "mfa,hwk").
OIDC_STRONG_ACR_VALUES = envlist("OIDC_STRONG_ACR_VALUES")
OIDC_STRONG_AMR_VALUES = envlist("OIDC_STRONG_AMR_VALUES")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as written in Finland in each language: 7.12.2026 klo 13.00, 7.12.2026 kl. 13.00,
# 7 Dec 2026 13:00 (perhelinja/formats/; Django's own formats fill in the rest).
FORMAT_MODULE_PATH = ["perhelinja.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "static-collected"))
# Production serves hashed, compressed copies that browsers may cache for ever. That storage
# needs `collectstatic` to have run (else every page with a static file fails), so it follows
# STATIC_MANIFEST, on by default whenever DEBUG is off: a deployment cannot forget it, and the
# test suite, which runs with DEBUG off but collects nothing, turns it off in pyproject's env.
STATIC_MANIFEST = envbool("STATIC_MANIFEST", "False" if DEBUG else "True")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Source maps (half the bytes, mostly Swagger UI's and ReDoc's) are fetched only by developer
# tools: compressing them would double the time `collectstatic` takes.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
STATICFILES_DIRS = [BASE_DIR / "static"]

EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
if os.getenv("EMAIL_FILE_PATH"):
    # For django.core.mail.backends.filebased.EmailBackend: one file per sending connection.
    EMAIL_FILE_PATH = os.getenv("EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Perhelinja <noreply@perhelinja.invalid>")

# Retention: a closed referral's personal data is erased this many days after closure, and a
# withdrawn one's after the shorter grace period; the anonymous facts stay for statistics.
RETENTION_DAYS_AFTER_CLOSURE = envint("RETENTION_DAYS_AFTER_CLOSURE", "730")
RETENTION_DAYS_AFTER_WITHDRAWAL = envint("RETENTION_DAYS_AFTER_WITHDRAWAL", "30")
# A draft, returned or declined referral with no state change and no edit for this many days
# is abandoned: its personal data is erased too.
REFERRAL_ABANDONED_DAYS = envint("REFERRAL_ABANDONED_DAYS", "90")
# The controller named in the privacy notice and the accessibility statement (the wellbeing
# services county or the organizations that run the service): the deployer fills them in.
CONTROLLER_NAME = os.getenv("CONTROLLER_NAME", "")
CONTROLLER_EMAIL = os.getenv("CONTROLLER_EMAIL", "")
# The data protection officer's contact (GDPR art. 37): an email address or a web page.
DATA_PROTECTION_OFFICER = os.getenv("DATA_PROTECTION_OFFICER", "")
# Fernet keys for identity codes at rest, comma-separated; the first encrypts, all decrypt.
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off")

# Text messages to families: the console backend prints them; a gateway is one more class.
SMS_BACKEND = os.getenv("SMS_BACKEND", "perhelinja.sms.ConsoleBackend")
# Phone numbers (django-phonenumber-field): typed as people write them, Finnish by default
# ("040 123 4567"), stored and sent in E.164 ("+358401234567").
PHONENUMBER_DEFAULT_REGION = "FI"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"
# How long a family's link to offered slots stays valid (hours), and the reminder lead time.
SLOT_OFFER_VALID_HOURS = envint("SLOT_OFFER_VALID_HOURS", "72")
APPOINTMENT_REMINDER_HOURS = envint("APPOINTMENT_REMINDER_HOURS", "24")
# How long a family's link to the feedback questionnaire stays valid (days).
FEEDBACK_LINK_VALID_DAYS = envint("FEEDBACK_LINK_VALID_DAYS", "30")

CACHE_URL = os.getenv("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# API tokens (django-rest-knox): only a hash is stored; a token is valid for API_TOKEN_HOURS, for
# the roles in OTP_REQUIRED_ROLES API_TOKEN_HOURS_OTP_ROLES; a person holds at most
# API_TOKENS_PER_USER at once. Revoked by their owner (account page, DELETE on the token URL),
# and all of them on a password change, turning the second factor off and deactivation.
API_TOKEN_HOURS = envint("API_TOKEN_HOURS", "8")
API_TOKEN_HOURS_OTP_ROLES = envint("API_TOKEN_HOURS_OTP_ROLES", "1")
API_TOKENS_PER_USER = envint("API_TOKENS_PER_USER", "10")
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
REST_FRAMEWORK = {
    # The token first: a request without valid credentials is answered 401 with
    # `WWW-Authenticate: Token` (an expired token, too), not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "directory.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "perhelinja.schema.AutoSchema",
    "EXCEPTION_HANDLER": "referrals.api.exception_handler",
    # 429 beyond these rates; the counters live in the cache (CACHE_URL: Redis when several
    # processes serve, so that they share one count).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # The client address of the anonymous rate, behind TRUSTED_PROXY_COUNT proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.getenv("API_RATE_ANON", "60/minute"),
        "user": os.getenv("API_RATE_USER", "600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Perhelinja API",
    "DESCRIPTION": "Referrals of the Perhelinja family services; the same rules as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ModeCodeEnum": "directory.models.ModeCode",
        "ReferralStateEnum": "referrals.models.State",
        "AppointmentStateEnum": "appointments.models.AppointmentState",
        "PackageStateEnum": "packages.models.State",
        "LanguageCodeEnum": "directory.models.LanguageCode",
    },
}

# Celery: without a broker every task runs in-process, so a newcomer needs no services.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.getenv("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Longer than any countdown we schedule, else Redis re-delivers the task.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "outbox-republish": {"task": "perhelinja.outbox.republish_unsent", "schedule": 60},
    "timeliness-sweep": {"task": "referrals.tasks.sweep_timeliness", "schedule": 15 * 60},
    "consent-expiry": {"task": "referrals.tasks.end_expired_consents", "schedule": 60 * 60},
    "retention-erasure": {
        "task": "referrals.tasks.erase_expired_personal_data",
        "schedule": 6 * 3600,
    },
    "appointment-reminders": {
        "task": "appointments.tasks.send_appointment_reminders",
        "schedule": 10 * 60,
    },
    "recurring-shift-slots": {
        "task": "appointments.tasks.extend_recurring_shifts",
        "schedule": 24 * 3600,
    },
    "dashboard-statistics": {
        "task": "insight.tasks.refresh_dashboard_statistics",
        "schedule": 10 * 60,
    },
}
# Outbox: undelivered messages are published again after this many seconds, at most this
# many times (a broker outage delays messages, never loses them).
OUTBOX_REPUBLISH_SECONDS = envint("OUTBOX_REPUBLISH_SECONDS", "180")
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", "20")
# The coordinator dashboard reads stored figures younger than this (seconds); 0 = always live.
INSIGHT_SNAPSHOT_SECONDS = envint("INSIGHT_SNAPSHOT_SECONDS", "900")
# Coverage map: a cell overlaps when this many services reach it and fewer than COVERAGE_LOW_USE
# referrals were submitted there in twelve months (never below 5: the mark must not reveal 1-4).
COVERAGE_OVERLAP_SERVICES = envint("COVERAGE_OVERLAP_SERVICES", "5")
COVERAGE_LOW_USE = envint("COVERAGE_LOW_USE", "5")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "43200"),
    # A broker that takes the connection but never answers must not hold a request: the
    # publish gives up, the message waits in the outbox for the sweep.
    "socket_timeout": envint("CELERY_BROKER_SOCKET_TIMEOUT", "3"),
    "socket_connect_timeout": envint("CELERY_BROKER_SOCKET_TIMEOUT", "3"),
}

# Routing: assign a submitted referral at once when exactly one organization meets every need;
# otherwise it waits in the coordinators' triage queue.
REFERRAL_AUTO_ASSIGN = envbool("REFERRAL_AUTO_ASSIGN", "False")
# Timeliness, in working days (weekends and Finnish public holidays do not count).
TIMELINESS_ACCEPT_DAYS = envint("TIMELINESS_ACCEPT_DAYS", "3")
TIMELINESS_ESCALATE_DAYS = envint("TIMELINESS_ESCALATE_DAYS", "2")
TIMELINESS_ROUTE_DAYS = envint("TIMELINESS_ROUTE_DAYS", "2")
# How long a consent stays valid when the professional gives no end date (days).
CONSENT_DEFAULT_VALIDITY_DAYS = envint("CONSENT_DEFAULT_VALIDITY_DAYS", "365")
DEMO_PASSWORD = os.getenv("DEMO_PASSWORD", "perhelinja-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # Eager tasks would log every run; a real worker configures its own logging.
    "loggers": {
        "celery": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
