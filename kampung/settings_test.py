"""The test run's thin overlay on kampung.settings.

It only fills in development defaults for variables the caller has not set (so
DATABASE_URL chosen by `make test` still decides the database), and swaps Argon2 for a
fast hasher: hashing cost is not what the tests are about.
"""

import copy
import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("KAMPUNG_VAR_DIR", os.path.join(os.getcwd(), "var", "test"))

from kampung.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
# A real cache, so rate limits count; tests/conftest.py empties it around every test
# (each test builds its own data, and cached dashboard figures would leak between tests).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# On PostgreSQL the test database is Django's default, "test_" + the database's name,
# so runs against differently named databases (two checkouts, CI and a developer) can
# share one server without dropping each other's test database.
# Background tasks run at once, in the test's own thread (as saleor's test settings do);
# tests/notices run the real database and RQ backends with a real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The kept candidate index is built in the request (each test is one transaction).
KAMPUNG_MATCHING_BUILD_IN_BACKGROUND = False
# A replica alias that is the test database itself (a TEST MIRROR), so the router can be
# tested as production would use it. Reports read the primary unless a test sets
# KAMPUNG_REPORTS_DATABASE = "replica" and declares the alias (databases=[...]): every
# other test may use "default" only.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = copy.deepcopy(DATABASES["default"])  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
KAMPUNG_REPORTS_DATABASE = "default"
