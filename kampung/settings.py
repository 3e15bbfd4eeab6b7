"""Kampung's one settings module, driven by environment variables.

Development (DEBUG=true) works with no configuration: SQLite under var/. Production
(DEBUG unset or false) requires SECRET_KEY and ALLOWED_HOSTS and turns on every
security setting that `manage.py check --deploy` asks for.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kampung.env import SettingError, env_bool, env_int, env_list, env_str, load_dotenv

PACKAGE_DIR = Path(__file__).resolve().parent
load_dotenv(Path.cwd() / ".env")

VAR_DIR = Path(env_str("KAMPUNG_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "django-insecure-kampung-development-only-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", None if not DEBUG else _DEV_SECRET, required=not DEBUG)
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise SettingError(
        "SECRET_KEY",
        "must be at least 50 random characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))")',
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise SettingError("ALLOWED_HOSTS", "is required in production, e.g. kampung.example.org")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "axes",
    "kampung",
    "kampung.communities",
    "kampung.people",
    "kampung.audit",
    "kampung.assets",
    "kampung.timebank",
    "kampung.workshops",
    "kampung.matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields: 413 in plain words.
    "kampung.limits.RequestLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kampung.audit.middleware.AuditActorMiddleware",
    "kampung.communities.middleware.CommunityTimeMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kampung.urls"
WSGI_APPLICATION = "kampung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kampung.views.site_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'kampung.sqlite3'}"
_database_url = env_str("DATABASE_URL", _default_db)
if not _database_url.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise SettingError("DATABASE_URL", "must start with sqlite:// or postgresql://")
try:
    _db = dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        # Behind a transaction-pooling pooler (PgBouncer pool_mode=transaction without
        # max_prepared_statements) set this: no server-side cursors and no prepared
        # statements (the time bank's hot path prepares its two statements otherwise).
        disable_server_side_cursors=env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False),
    )
except ValueError as exc:
    raise SettingError("DATABASE_URL", str(exc)) from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"].endswith("postgresql")

# --- Accounts and login ---------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout: after AXES_FAILURE_LIMIT wrong passwords for one email, that email is locked
# for AXES_COOLOFF_MINUTES (whatever the address it is tried from).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking per account, not per address, is deliberate: a community centre's residents
# share one public IP, and one person's typos must not lock out the whole room.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # Django's login form names the email field "username"
AXES_LOCKOUT_TEMPLATE = "kampung/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet's JavaScript and CSS come from the django-leaflet package. Only its static
# files are used: installing it as an app would pull in GeoDjango, which needs GDAL.
_leaflet_spec = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = [Path(_leaflet_spec.submodule_search_locations[0]) / "static"]
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
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kampung@localhost")
# Also send match notifications (asked to help, answered, done) by email; they always
# show in the site.
KAMPUNG_EMAIL_NOTIFICATIONS = env_bool("KAMPUNG_EMAIL_NOTIFICATIONS", False)
# No uploaded file is stored past this size (kampung.uploads); the asset import's own
# limit is the same 5 MB.
KAMPUNG_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "kampung.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Security (production) ------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Kampung --------------------------------------------------------------------------
KAMPUNG_DEMO_PASSWORD = "kampung-demo-2026"
# Map tiles. The markers, counts and list work even when tiles cannot load.
KAMPUNG_TILE_URL = env_str("KAMPUNG_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
KAMPUNG_TILE_ATTRIBUTION = env_str("KAMPUNG_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
NINJA_PAGINATION_PER_PAGE = 50
# Rate limits (django-ratelimit fixed windows in the default cache, kampung.ratelimits).
# Workshop participation is anonymous: per address and workshop, and a ceiling per
# workshop. A venue's wifi puts a whole room behind one address, hence 60, not fewer.
KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP = env_str("KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP", "60/10m")
KAMPUNG_RATE_WORKSHOP_ITEMS = env_str("KAMPUNG_RATE_WORKSHOP_ITEMS", "600/10m")
KAMPUNG_RATE_WORKSHOP_PARTICIPANTS_PER_IP = env_str(
    "KAMPUNG_RATE_WORKSHOP_PARTICIPANTS_PER_IP", "60/10m"
)
# Every @paginate uses it: limit 1..500, offset 0..10**9, stated in the OpenAPI schema.
NINJA_PAGINATION_CLASS = "kampung.pagination.BoundedLimitOffset"
