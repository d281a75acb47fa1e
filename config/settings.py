"""Shouhu settings: one module, everything that differs between machines comes from the environment.

DJANGO_ENV=production switches on the hardened defaults (secure cookies, HSTS, no DEBUG).
"""

import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab

from core.project_apps import PROJECT_APPS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-shouhu-0123456789-abcdefghijklmnopqrstuvwxyz")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.ShouhuAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "simple_history",
    *PROJECT_APPS,
    "demo",  # on top of the others: the demo town and the scale dataset
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, the 503 page included (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # PostgreSQL unreachable → 503 with Retry-After, a page or JSON (core.errors), never a 500.
    "core.errors.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.ThrottledSessionMiddleware",  # Django's, writing an unchanged session once a minute
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL and control characters removed from every GET/POST value, once, here (core.hygiene).
    "core.hygiene.InputHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor: django-otp marks the verified session; ours sends one that owes its code to the code page.
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.AuditRequestMiddleware",
    # Axes last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# One PostgreSQL database for every app. Never SQLite.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/shouhu")}
# Persistent connections (a new PostgreSQL connection per request cost several ms), checked
# before reuse so a restarted database costs one failed check, not a failed request.
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Short OLTP queries: no JIT (it added ~200 ms compiling a 50-row caseload sort), and random reads
# priced for SSD / a cached working set so grant lookups use their indexes (docs/performance.md).
DATABASES["default"]["OPTIONS"].setdefault(
    "options", env.str("DATABASE_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1")
)
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# A streaming read replica for reports and dashboards (core/replica.py); tests mirror the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrPhoneBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in PostgreSQL so that login keeps working when Redis is down; 30 idle minutes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)  # core.middleware.ThrottledSessionMiddleware
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# The cache is per process: nothing a request needs may depend on Redis being up.
# "throttle" holds the rate limits' counters (accounts.throttles), shared by every process; when Redis
# does not answer within a quarter second the limits are skipped for a while (fail open).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("THROTTLE_CACHE_URL", default=env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")),
        "KEY_PREFIX": "shouhu-throttle",
        "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
    },
}

# Lockout after repeated failed logins, stored in PostgreSQL (django-axes' database handler).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Counted per account, whatever spelling of it was typed (SUN, sun, her phone number): accounts.lockout.
AXES_USERNAME_CALLABLE = "accounts.lockout.canonical_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # JSON for the API, the page for the web
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Lockout is per account on purpose: a village office shares one address, and "wrong passwords lock
# the account" is the rule the users were told.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Scripts and styles only from our own static files: no inline script, style or event handler anywhere
# (templates say what they need with data attributes, static/js/shouhu.js does it; a test scans them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its form controls' icons as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],  # the register's offline service worker
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Field encryption at rest (core.encryption): Fernet keys, newest first; every key is tried to read.
# Production must set SHOUHU_FIELD_KEYS (comma separated); the default below is for development, the
# demo and the tests only, and is published: never use it for real data. Rotation: docs/operations.md.
DEV_FIELD_KEY = "YEpIWamrd2m9324dJiF6QU3WTAN-AkNp84yQ8fEcSEo="
if PRODUCTION:
    SHOUHU_FIELD_KEYS = env.list("SHOUHU_FIELD_KEYS")
else:
    SHOUHU_FIELD_KEYS = env.list("SHOUHU_FIELD_KEYS", default=[DEV_FIELD_KEY])

# Two-factor authentication (accounts.two_factor): the name the authenticator app shows.
OTP_TOTP_ISSUER = "Shouhu 守护"

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "zh-hans"
# Each language is named in itself.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# No grouping by default: ids in links, form values and data attributes must stay "1297", not "1,297"
# (a global separator broke every id past 999). Amounts group explicitly: the |yuan filter.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private files (case documents, report files): core/storage.py. A local folder outside every public
# path by default; an S3-compatible bucket (MinIO in docker-compose.yml) when a bucket is named.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".local" / "private"))
S3_BUCKET = env.str("SHOUHU_S3_BUCKET", default=env.str("AWS_STORAGE_BUCKET_NAME", default=""))
PRIVATE_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("SHOUHU_S3_ENDPOINT_URL", default=env.str("AWS_S3_ENDPOINT_URL", default=""))
            or None,
            "access_key": env.str("SHOUHU_S3_ACCESS_KEY", default=env.str("AWS_ACCESS_KEY_ID", default="")) or None,
            "secret_key": env.str("SHOUHU_S3_SECRET_KEY", default=env.str("AWS_SECRET_ACCESS_KEY", default="")) or None,
            "region_name": env.str("SHOUHU_S3_REGION", default=env.str("AWS_DEFAULT_REGION", default="us-east-1")),
            "location": env.str("SHOUHU_S3_PREFIX", default=""),
            "default_acl": "private",
            # Every URL the storage makes is signed and short-lived; the views stream files anyway.
            "querystring_auth": True,
            "querystring_expire": env.int("SHOUHU_S3_URL_SECONDS", default=60),
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
    if S3_BUCKET
    else {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)}}
)
STORAGES = {
    # Private by default: attachments and reports are served only through permission-checked views.
    "default": PRIVATE_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# In development static files come from the finders; no collected folder is expected.
warnings.filterwarnings("ignore", message="No directory at")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",  # tokens expire: SHOUHU["API_TOKEN_DAYS"]
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Limits per account and per address (SHOUHU["RATE_LIMITS"]); 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.UserRateThrottle", "accounts.throttles.AnonRateThrottle"],
    # JSON bodies must be objects, and every string in them is cleaned of control characters.
    "DEFAULT_PARSER_CLASSES": [
        "core.hygiene.JSONObjectParser",
        "core.hygiene.CleanFormParser",
        "core.hygiene.CleanMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shouhu API",
    "DESCRIPTION": "守护 — community-based child protection. Public API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SexEnum": "cases.models.Sex",
        "ServiceKindEnum": "organisations.models.ServiceKind",
        "PartnerRoleEnum": "multiagency.models.PartnerRole",
        "JointTaskStatusEnum": "multiagency.models.TaskStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "MilestoneKindEnum": "multiagency.models.MilestoneKind",
        "RoleEnum": "accounts.models.Role",  # the user's role, as before the partner roles came
    },
    # The schema is the contract for partners; it holds no data but maps every endpoint, so outside
    # DEBUG only signed-in callers read it (config.api.SchemaReaders). Docs work offline (sidecar).
    "SERVE_PERMISSIONS": ["config.api.SchemaReaders"],
    "SERVE_AUTHENTICATION": None,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Every operation documents the errors it can answer, with their bodies (config/openapi.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.openapi.document_errors"],
}

# Celery: Redis broker and results; a dead or frozen Redis must not hang a web request.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task may run longer than 11 minutes (reports and the digest declare 660 s; the rest less).
CELERY_TASK_TIME_LIMIT = 11 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
# The queue tasks go to when nothing else is said (the tests give each session its own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: how long Redis waits before giving an unacknowledged message (acks_late) to
# another worker. It must be longer than the longest task (time_limit 660 s, reports and the digest)
# and than the longest retry countdown (retry_backoff_max 120 s, held unacked by the worker until its
# ETA), or a task still running would be delivered and run twice. 15 minutes covers both with margin.
# It no longer decides how long a crashed report lies: reports have a heartbeat and the recovery
# sweep (reports.tasks.report_recovery_sweep, every minute) re-queues a silent one within ~2 minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 3, "socket_connect_timeout": 2, "visibility_timeout": 15 * 60}
CELERY_REDIS_SOCKET_TIMEOUT = 3
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Publishing never happens inside a web request: requests write outbox rows (core.outbox); a relay
# thread publishes them after commit and beat's outbox-drain (every 10 s) sends whatever is left.
CELERY_TASK_PUBLISH_RETRY = False
SHOUHU_OUTBOX_RELAY = env.str("SHOUHU_OUTBOX_RELAY", default="thread")
CELERY_BEAT_SCHEDULE = {
    # 10 s: an urgent referral's emails leave within ~10 s of Redis returning (the limit is a minute).
    "outbox-drain": {"task": "core.tasks.outbox_drain", "schedule": 10.0, "options": {"expires": 10}},
    # Re-sends unsent notification emails, re-queues reports stuck or silent past their deadline.
    "email-recovery-sweep": {
        "task": "notifications.tasks.email_recovery_sweep",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "report-recovery-sweep": {
        "task": "reports.tasks.report_recovery_sweep",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    "audit-daily-stats": {"task": "core.tasks.audit_daily_stats", "schedule": crontab(hour=1, minute=5)},
    # The audit log's monthly partitions, three months ahead (core migration 0009).
    "audit-partitions-ahead": {"task": "core.tasks.audit_partitions_ahead", "schedule": crontab(hour=0, minute=10)},
    "reminder-sweep": {"task": "notifications.tasks.reminder_sweep", "schedule": crontab(minute="*/15")},
    "daily-digest": {"task": "notifications.tasks.daily_digest", "schedule": crontab(hour=7, minute=30)},
    "register-daily": {"task": "registry.tasks.register_daily", "schedule": crontab(hour=0, minute=20)},
    # Time-limited and emergency access to a case ends by itself, within five minutes of its end.
    "case-access-expiry": {"task": "cases.tasks.access_expiry_sweep", "schedule": 300.0, "options": {"expires": 300}},
    "case-retention": {"task": "cases.tasks.retention_sweep", "schedule": crontab(hour=2, minute=40)},
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
# Only read by the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend), as the
# tests' real Celery workers and the failure drills use it so each sent message can be counted.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Shouhu 守护 <noreply@shouhu.local>")

# Project rules that a deployment may tune.
SHOUHU: dict[str, Any] = {
    # Triage limits for a referral waiting, by urgency (hours).
    "TRIAGE_LIMIT_HOURS": {"immediate": 2, "soon": 48, "routine": 120},
    # Home visit interval by risk level (days).
    "VISIT_INTERVAL_DAYS": {"immediate": 2, "high": 7, "medium": 14, "low": 30},
    # Reminder sweeps (notifications.reminders): a re-run looks only at what changed since the last
    # run, less this margin for writes in flight; every rule looks at everything at least this often.
    "REMINDER_CHANGE_MARGIN_MINUTES": 10,
    "REMINDER_FULL_SWEEP_HOURS": 24,
    "MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
    # A closed case is anonymised when the child is 18 + YEARS_AFTER_18, or YEARS_AFTER_CLOSURE after
    # closure if that is later (cases.services.retention; the nightly task "case-retention").
    "RETENTION": {
        "YEARS_AFTER_18": env.int("SHOUHU_RETENTION_YEARS_AFTER_18", default=5),
        "YEARS_AFTER_CLOSURE": env.int("SHOUHU_RETENTION_YEARS_AFTER_CLOSURE", default=5),
    },
    # Where Shouhu is reached from outside: the link in notification emails (which carry nothing else).
    "SITE_URL": env.str("SHOUHU_SITE_URL", default="http://localhost:8000"),
    # The contract's rate limits (shared/api-v1.md): failed logins per address in a window (per account:
    # AXES_FAILURE_LIMIT); API calls a second per account and, before login, per address. The contract
    # forbids limiting successful logins below 10 a second per address or calls below 50 a second per account.
    "RATE_LIMITS": {
        "FAILED_LOGINS_PER_ADDRESS": env.int("SHOUHU_FAILED_LOGINS_PER_ADDRESS", default=30),
        "FAILED_LOGIN_WINDOW_SECONDS": env.int("SHOUHU_FAILED_LOGIN_WINDOW_SECONDS", default=15 * 60),
        "USER_PER_SECOND": env.int("SHOUHU_API_CALLS_PER_SECOND", default=100),
        "ANON_PER_SECOND": env.int("SHOUHU_API_ANON_CALLS_PER_SECOND", default=30),
    },
    # An API token is refused this many days after it was issued (a new one: POST /api/v1/auth/token/).
    "API_TOKEN_DAYS": env.int("SHOUHU_API_TOKEN_DAYS", default=30),
    # A running report writes a heartbeat this often; silent this long, the recovery sweep re-queues it.
    "REPORT_HEARTBEAT_SECONDS": env.float("SHOUHU_REPORT_HEARTBEAT_SECONDS", default=10),
    "REPORT_STALE_SECONDS": env.float("SHOUHU_REPORT_STALE_SECONDS", default=120),
    # Failure drills only (tests/drills): slow each report step so a worker can be killed mid-report.
    "DRILL_REPORT_PAUSE_SECONDS": env.float("SHOUHU_DRILL_REPORT_PAUSE_SECONDS", default=0),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
