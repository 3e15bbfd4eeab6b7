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

from kampung.env import (
    SettingError,
    database_pool_options,
    env_bool,
    env_int,
    env_list,
    env_str,
    load_dotenv,
    refuse_wildcard_hosts,
    tile_origin,
)

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
if not DEBUG:
    refuse_wildcard_hosts("ALLOWED_HOSTS", ALLOWED_HOSTS)
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
    "csp",
    "kampung",
    "kampung.communities",
    "kampung.people",
    "kampung.audit",
    "django_tasks",
    "django_tasks_db",
    "kampung.notices",
    "kampung.assets",
    "kampung.timebank",
    "kampung.workshops",
    "kampung.matching",
    "kampung.sharing",
    "kampung.fridges",
    "kampung.skillshare",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (X-Request-ID in the answer).
    "kampung.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
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
    "kampung.ratelimits.RateLimitMiddleware",
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
# Connections. Opening a PostgreSQL connection for every request was about a fifth of a
# web worker's time, so production keeps each process's connection open for
# DB_CONN_MAX_AGE seconds (checked before it is reused, so a restarted database costs
# one failed check, not a failed request). Development closes it after each request
# (the development server's threads would otherwise leave theirs open). DB_POOL=true
# uses psycopg's connection pool instead (one per process, DB_POOL_MIN to DB_POOL_MAX
# connections): then Django must not keep connections itself (DB_CONN_MAX_AGE=0).
DB_POOL = env_bool("DB_POOL", False)
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0 if DEBUG or DB_POOL else 60, minimum=0)
_pool_options = database_pool_options(
    pool=DB_POOL,
    conn_max_age=DB_CONN_MAX_AGE,
    postgres=_database_url.startswith(("postgres://", "postgresql://")),
)
# Behind a transaction-pooling pooler (PgBouncer pool_mode=transaction without
# max_prepared_statements) set DB_DISABLE_SERVER_SIDE_CURSORS: no server-side cursors
# and no prepared statements (the time bank's hot path prepares its two statements
# otherwise).
_disable_server_side_cursors = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)


def _parse_database(name: str, url: str) -> dict:
    try:
        parsed = dj_database_url.parse(
            url,
            conn_max_age=DB_CONN_MAX_AGE,
            conn_health_checks=True,
            disable_server_side_cursors=_disable_server_side_cursors,
        )
    except ValueError as exc:
        raise SettingError(name, str(exc)) from None
    if _pool_options:
        parsed.setdefault("OPTIONS", {})["pool"] = dict(_pool_options)
    return parsed


_db = _parse_database("DATABASE_URL", _database_url)
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
# A read replica (optional): report pages that ask for it (kampung.dbrouter.reports())
# read there; everything else, and every write and migration, uses the primary. Without
# DATABASE_REPLICA_URL there is no "replica" database and reports read the primary.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    if not IS_POSTGRES or not _replica_url.startswith(("postgres://", "postgresql://")):
        raise SettingError(
            "DATABASE_REPLICA_URL",
            "must be a postgresql:// URL (a streaming replica of DATABASE_URL's PostgreSQL)",
        )
    DATABASES["replica"] = _parse_database("DATABASE_REPLICA_URL", _replica_url)
    # In a test run the replica is the test database itself, not a second one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kampung.dbrouter.PrimaryReplicaRouter"]
# Where reads inside kampung.dbrouter.reports() go.
KAMPUNG_REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"

# --- Cache ----------------------------------------------------------------------------
# Rate limits, lockout slow-downs, the dashboard's figures and the version checks of the
# per-process arrays and indexes live in the default cache. With REDIS_URL set (or
# CACHE_URL, to put the cache on another Redis) it is Redis, shared by every worker
# process; without, the memory of one process, which suits development.
REDIS_URL = env_str("REDIS_URL", "")
for _name, _url in (("REDIS_URL", REDIS_URL), ("CACHE_URL", env_str("CACHE_URL", ""))):
    if _url and not _url.startswith(("redis://", "rediss://")):
        raise SettingError(_name, "must start with redis:// or rediss://")
_cache_url = env_str("CACHE_URL", "") or REDIS_URL
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Background tasks -----------------------------------------------------------------
# django-tasks (Django 6's django.tasks, backported). The default keeps tasks in the
# database (nothing else to install); TASKS_BACKEND=rq puts them on RQ over Redis
# (REDIS_URL). `kampung worker` runs them, and the schedules, on either.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise SettingError("REDIS_URL", "is required when TASKS_BACKEND=rq")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise SettingError("TASKS_BACKEND", "must be database or rq")
# /healthz says "unhealthy" when no worker has been seen for this long, or a task has
# waited this long.
KAMPUNG_WORKER_STALE_SECONDS = env_int("KAMPUNG_WORKER_STALE_SECONDS", 300, minimum=10)
KAMPUNG_QUEUE_STALE_SECONDS = env_int("KAMPUNG_QUEUE_STALE_SECONDS", 600, minimum=10)

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
# Lockout (kampung.people.login): after AXES_FAILURE_LIMIT wrong passwords for one email
# from one address, that (email, address) pair is locked for AXES_COOLOFF_MINUTES. Not
# the email everywhere: then anyone could keep anyone locked out. Not the address alone:
# a community centre's residents share one public IP. Tries during a lock do not renew
# it. A password reset, or an administrator (the "Login lockouts" page), unlocks.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "kampung.people.login.axes_username"
AXES_RESET_ON_SUCCESS = True
# The per-account ceiling that only slows: past this many failures for one email within
# an hour (from any addresses), that email gets one try every KAMPUNG_LOGIN_SLOW_SECONDS.
KAMPUNG_LOGIN_SLOW_AFTER = env_int("KAMPUNG_LOGIN_SLOW_AFTER", 20, minimum=1)
KAMPUNG_LOGIN_SLOW_SECONDS = env_int("KAMPUNG_LOGIN_SLOW_SECONDS", 10, minimum=1)
# Rate limits (django-ratelimit's counters in the default cache; kampung.ratelimits).
KAMPUNG_LOGIN_RATE = env_str("KAMPUNG_LOGIN_RATE", "20/m")  # login posts per address
KAMPUNG_PASSWORD_RESET_RATE = env_str("KAMPUNG_PASSWORD_RESET_RATE", "5/h")  # address+email
# Everyday forms that write (message choices, a request's kind, a batch plan, a resend,
# the one-click unsubscribe): per person, or per address without a login.
KAMPUNG_FORM_RATE = env_str("KAMPUNG_FORM_RATE", "30/m")
# The candidate index each web process keeps (kampung.matching.kept): how long the first
# request waits for it to be built, and how old it may get before it is rebuilt.
KAMPUNG_MATCHING_INDEX_WAIT = env_int("KAMPUNG_MATCHING_INDEX_WAIT", 20, minimum=0)
KAMPUNG_MATCHING_INDEX_MAX_AGE = env_int("KAMPUNG_MATCHING_INDEX_MAX_AGE", 86400, minimum=60)
KAMPUNG_MATCHING_BUILD_IN_BACKGROUND = True
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
# API tokens expire after this many days unless made with another --expires-days.
KAMPUNG_TOKEN_DAYS = env_int("KAMPUNG_TOKEN_DAYS", 90, minimum=1)
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

# --- Uploaded files (media) -------------------------------------------------------------
# Photos of gift-and-take items (kampung.sharing) are stored by the default storage under
# MEDIA_ROOT with random names. They are never served from MEDIA_URL: a view checks that
# the person may see the listing first (nothing routes /media/ to the files).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kampung@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
# Members choose, per kind of message, whether it also comes by email (kampung.notices).
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
# Checks silenced on purpose, each with its reason where it is added.
SILENCED_SYSTEM_CHECKS: list[str] = []
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS for one year, for this host only. Covering every subdomain, and asking
    # browsers to preload the domain (which takes months to undo), are decisions about
    # the whole domain that only its owner can make: turn them on deliberately.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # `check --deploy` asks for both; leaving them off is the decision above, not an
    # oversight, so its two warnings are silenced only while they are off.
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: JSON lines with the request's id in production (one event per line, for a log
# collector); readable lines in development. Kampung's own log calls name ids and
# outcomes only, never a name, a contact detail or anything a member wrote
# (tests/site/test_logs_hold_no_personal_data.py checks the main flows).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise SettingError("LOG_FORMAT", "must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kampung.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Kampung's own events (worker, jobs, tasks) at INFO unless LOG_LEVEL is lower.
        "kampung": {"level": env_str("KAMPUNG_LOG_LEVEL", "INFO")},
    },
}

# --- Kampung --------------------------------------------------------------------------
KAMPUNG_DEMO_PASSWORD = "kampung-demo-2026"
# Map tiles. The markers, counts and list work even when tiles cannot load.
# The address people reach the site at, for links shown or printed for others to open (a
# workshop's link and QR code). Unset: the address the page was opened with.
KAMPUNG_PUBLIC_URL = (env_str("KAMPUNG_PUBLIC_URL", "") or "").rstrip("/")
if KAMPUNG_PUBLIC_URL and not KAMPUNG_PUBLIC_URL.startswith(("http://", "https://")):
    raise SettingError("KAMPUNG_PUBLIC_URL", "must start with http:// or https://")
KAMPUNG_TILE_URL = env_str("KAMPUNG_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
KAMPUNG_TILE_ATTRIBUTION = env_str("KAMPUNG_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

# --- Content-Security-Policy (django-csp) ---------------------------------------------
# The same strict policy in development, tests and production, so a page that needs
# inline script or style fails in the browser tests, not in front of a resident. Scripts
# and styles come only from our own static files; values reach scripts in data-*
# attributes and <script type="application/json"> blocks. Images may also come from the
# map tile server. django-csp leaves Django's debug 404 and 500 pages alone when
# DEBUG=true. The API documentation page (Swagger UI, served by django-ninja from its
# own static files) works under the same policy, so it gets no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", tile_origin("KAMPUNG_TILE_URL", KAMPUNG_TILE_URL)],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
NINJA_PAGINATION_PER_PAGE = 50
# Rate limits (django-ratelimit fixed windows in the default cache, kampung.ratelimits).
# Workshop participation is anonymous: per address and workshop, and a ceiling per
# workshop. A venue's wifi puts a whole room behind one address, hence 60, not fewer.
KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP = env_str("KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP", "300/10m")
KAMPUNG_RATE_WORKSHOP_ITEMS = env_str("KAMPUNG_RATE_WORKSHOP_ITEMS", "1000/10m")
KAMPUNG_RATE_WORKSHOP_PARTICIPANTS_PER_IP = env_str(
    "KAMPUNG_RATE_WORKSHOP_PARTICIPANTS_PER_IP", "200/10m"
)
# Every @paginate uses it: limit 1..500, offset 0..10**9, stated in the OpenAPI schema.
NINJA_PAGINATION_CLASS = "kampung.pagination.BoundedLimitOffset"
