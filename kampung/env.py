"""Typed readers for environment variables.

Every setting Kampung reads from the environment goes through these helpers, so a
wrong or missing value stops start-up with a message that names the variable.
This module must not import Django settings (it is used while they are built).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ImproperlyConfigured):
    """A setting read from the environment is missing or wrong."""

    def __init__(self, name: str, problem: str):
        self.name = name
        super().__init__(f"Environment variable {name}: {problem}")


def load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from a .env file without overriding the real environment."""
    if not path.is_file():
        return
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE, got {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key.strip(), value)


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise SettingError(name, "is required but not set (see .env.example)")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(name, f"expected true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(name, f"expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise SettingError(name, f"must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def tile_origin(name: str, url_template: str) -> str:
    """The origin a map tile URL template loads from, as a CSP source: the template's
    scheme and host, with Leaflet's {s} subdomain placeholder as a wildcard
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png" -> "https://*.tile.example.org")."""
    parts = urlsplit(url_template)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme not in ("https", "http") or not host or "{" in host or "@" in host:
        raise SettingError(
            name,
            "expected an http(s) URL template like "
            f"https://tile.example.org/{{z}}/{{x}}/{{y}}.png, got {url_template!r}",
        )
    return f"{parts.scheme}://{host}"


def refuse_wildcard_hosts(name: str, hosts: list[str]) -> None:
    """In production every host is named: '*' (or any entry with a '*') would let a
    request with any Host header build password-reset links and absolute URLs to it.
    A leading dot (".example.org") is the way to allow a domain and its subdomains."""
    for host in hosts:
        if "*" in host:
            raise SettingError(
                name,
                f"{host!r} is a wildcard, which is refused in production: name each host "
                "(kampung.example.org), or use a leading dot (.example.org) for a domain and "
                "its subdomains",
            )


def database_pool_options(*, pool: bool, conn_max_age: int, postgres: bool) -> dict | None:
    """psycopg's connection pool options (Django's DATABASES OPTIONS "pool") for
    DB_POOL=true, or None without it. A pool keeps its connections itself, so Django
    must close its own after each request: DB_POOL with DB_CONN_MAX_AGE above 0, or
    DB_POOL_MIN/MAX/TIMEOUT without DB_POOL, is refused rather than half-applied."""
    pool_settings = ("DB_POOL_MIN", "DB_POOL_MAX", "DB_POOL_TIMEOUT")
    given = [name for name in pool_settings if os.environ.get(name, "").strip()]
    if not pool:
        if given:
            raise SettingError(given[0], "configures the connection pool: set DB_POOL=true too")
        return None
    if not postgres:
        raise SettingError("DB_POOL", "needs PostgreSQL (DATABASE_URL=postgresql://...)")
    if conn_max_age:
        raise SettingError(
            "DB_CONN_MAX_AGE",
            f"must be 0 (or unset) with DB_POOL=true, got {conn_max_age}: the pool keeps "
            "connections open itself",
        )
    # One gunicorn worker serves one request at a time: one connection in use, one spare.
    low = env_int("DB_POOL_MIN", 1, minimum=1)
    high = env_int("DB_POOL_MAX", max(low, 4), minimum=1)
    if high < low:
        raise SettingError("DB_POOL_MAX", f"must be at least DB_POOL_MIN ({low}), got {high}")
    return {"min_size": low, "max_size": high, "timeout": env_int("DB_POOL_TIMEOUT", 10, minimum=1)}


def production_problems(settings) -> list[tuple[str, str]]:
    """What `kampung serve --prod` refuses to start without, each with its variable.
    (SECRET_KEY and ALLOWED_HOSTS are already refused when settings load.)"""
    problems = []
    if settings.DEBUG:
        problems.append(("DEBUG", "must be false (unset) in production"))
    if not os.environ.get("DATABASE_URL"):
        problems.append(
            ("DATABASE_URL", "is required, e.g. postgresql://kampung@127.0.0.1:5432/kampung")
        )
    if not settings.KAMPUNG_PUBLIC_URL:
        problems.append(
            (
                "KAMPUNG_PUBLIC_URL",
                "is required: the address in emails, e.g. https://kampung.example.org",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            (
                "EMAIL_BACKEND",
                "prints emails instead of sending them: set it (and EMAIL_HOST) to SMTP",
            )
        )
    elif (
        settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and settings.EMAIL_HOST == "localhost"
    ):
        if not os.environ.get("EMAIL_HOST"):
            problems.append(("EMAIL_HOST", "is required with the SMTP email backend"))
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        problems.append(("DEFAULT_FROM_EMAIL", "must be a real address, e.g. kampung@example.org"))
    return problems
