"""Settings for the Sufficiency Planning Portal.

One module, driven by environment variables with safe development defaults. SQLite (WAL) by default;
PostgreSQL through DATABASE_URL. With DEBUG off the portal refuses to start without a SECRET_KEY.
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional: a missing file is fine

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default="pytest" in sys.modules)

_DEV_SECRET = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if (DEBUG or TESTING) else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Keyed hash for pseudonymising CHILD ids and postcodes in 903 data. Its own secret, never SECRET_KEY: the
# session key can be rotated without breaking the link of a child across years, and a leaked or public
# key would let anyone reverse the hashes by trying every possible id (README: "Pseudonym key").
_DEV_PSEUDONYM_KEY = "development-only-pseudonym-key-do-not-use-with-real-data"
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default=_DEV_PSEUDONYM_KEY if (DEBUG or TESTING) else "")
if not PSEUDONYM_KEY:
    raise ImproperlyConfigured("PSEUDONYM_KEY must be set when DEBUG is off (a secret of its own).")
if PSEUDONYM_KEY == SECRET_KEY:
    raise ImproperlyConfigured("PSEUDONYM_KEY must differ from SECRET_KEY.")
if not (DEBUG or TESTING) and (PSEUDONYM_KEY == _DEV_PSEUDONYM_KEY or len(PSEUDONYM_KEY) < 32):
    raise ImproperlyConfigured("PSEUDONYM_KEY must be a random secret of at least 32 characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sufficiency",
    "placements",
    "forecast",
    "priorities",
    "flourish",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sufficiency.urls"
WSGI_APPLICATION = "sufficiency.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sufficiency.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite with WAL by default; PostgreSQL via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # IMMEDIATE avoids "database is locked" upgrades under concurrent writers (STACK.md).
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # No JIT compilation: the portal's queries are index probes and small aggregates, for which compiling
    # (70-80 ms a query here) costs more than it saves; the planner turned it on for an import's lateral
    # reads of 100,000 children only because their estimated cost is high.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Each test run may name its own test database (parallel runs on one server).
    if env.str("TEST_DATABASE_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "sufficiency.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire: 8 hours at most, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account+IP after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy, set AXES_IPWARE_META_PRECEDENCE_ORDER via the proxy's header.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=60 * 1024 * 1024)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

DJANGO_TABLES2_TEMPLATE = "includes/_table.html"

# Background tasks: django-tasks with the database backend (no Redis needed); `manage.py db_worker`.
TASKS = {
    "default": {
        # Tests run tasks in-process unless they ask for the database backend.
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default=(
                "django_tasks.backends.immediate.ImmediateBackend"
                if TESTING
                else "django_tasks_db.DatabaseBackend"
            ),
        ),
    }
}

# Import jobs: a running job renews its lease (heartbeat) at least every quarter of the lease; a job
# whose lease has lapsed is dead (worker killed) and is marked failed. A job also stops itself once it
# has run for IMPORT_JOB_MAX_SECONDS. A queued job nobody started within IMPORT_JOB_QUEUE_MAX_SECONDS
# (the worker is down or the task was lost) is marked failed too.
IMPORT_JOB_LEASE_SECONDS = env.int("IMPORT_JOB_LEASE_SECONDS", default=60)
IMPORT_JOB_MAX_SECONDS = env.int("IMPORT_JOB_MAX_SECONDS", default=30 * 60)
IMPORT_JOB_QUEUE_MAX_SECONDS = env.int("IMPORT_JOB_QUEUE_MAX_SECONDS", default=24 * 60 * 60)
# Import error reports hold raw CHILD ids and dates of birth: removed this many days after the import.
IMPORT_PROBLEM_RETENTION_DAYS = env.int("IMPORT_PROBLEM_RETENTION_DAYS", default=30)
# A forecast run still running after this long (its worker died) is marked failed.
FORECAST_RUN_MAX_SECONDS = env.int("FORECAST_RUN_MAX_SECONDS", default=15 * 60)

# Content security policy: nothing from outside the site, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security headers; production values when DEBUG is off (manage.py check --deploy is clean).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SERVICE_NAME = "Sufficiency Planning Portal"
# Where the phase banner's feedback link writes to; without it, the accessibility statement's contact part.
FEEDBACK_EMAIL = env.str("FEEDBACK_EMAIL", default="")

# E-mail (the weekly reminders, `manage.py send_reminders`): Django's settings from the environment. The
# console backend by default prints the mail; set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST etc. to send it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="sufficiency-portal@localhost")
# The portal's address, for links in e-mails (a management command has no request to build them from).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
# The local authority a new page shows by default (Norfolk).
DEFAULT_LA_CODE = env.str("DEFAULT_LA_CODE", default="E10000020")
