"""`kampung serve`: the development server; `kampung serve --prod`: gunicorn, with
WhiteNoise serving the static files, after checking the production settings."""

from __future__ import annotations

import io
import logging
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kampung.env import production_problems

log = logging.getLogger("kampung.serve")


def worker_count() -> int:
    """gunicorn's rule of thumb, 2 × cores + 1, at most 8 (WEB_CONCURRENCY overrides)."""
    given = os.environ.get("WEB_CONCURRENCY", "")
    if given:
        if not given.isdigit() or not 1 <= int(given) <= 64:
            raise CommandError("WEB_CONCURRENCY must be a whole number from 1 to 64")
        return int(given)
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_logging() -> dict:
    formatter = settings.LOGGING["formatters"][settings.LOG_FORMAT]
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "kampung",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    # gunicorn merges this over its own defaults key by key: name the handlers its
    # defaults refer to (console, error_console) so they exist in this dictionary too.
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": settings.LOGGING["filters"],
        "formatters": {"kampung": formatter},
        "handlers": {"console": handler, "error_console": handler},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            # No access log: the proxy in front keeps one; Kampung logs no addresses.
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


def close_before_fork() -> None:
    """Close this process's database connections (and pools) before gunicorn forks its
    workers: with persistent connections (DB_CONN_MAX_AGE) or a pool (DB_POOL), a
    connection opened for migrating would otherwise be inherited and shared by every
    worker, whose queries would then interleave on one socket."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


class Command(BaseCommand):
    help = "Serve Kampung: the development server, or gunicorn with --prod."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="")
        parser.add_argument("--prod", action="store_true", help="run gunicorn (production)")
        parser.add_argument("--check-only", action="store_true", help="check settings, then stop")

    def handle(self, *args, addrport, prod, check_only, **options):
        if not prod:
            call_command("runserver", *([addrport] if addrport else []))
            return
        problems = production_problems(settings)
        if problems:
            raise CommandError(
                "production settings are incomplete:\n"
                + "\n".join(f"  {name}: {why}" for name, why in problems)
            )
        # The deploy checks' warnings go to the log (one JSON line each), not bare text.
        report = io.StringIO()
        call_command("check", deploy=True, fail_level="ERROR", stdout=report, stderr=report)
        for line in report.getvalue().splitlines():
            if line.startswith("?: (") or line.startswith("kampung"):
                log.warning("deploy check: %s", line)
        if check_only:
            self.stdout.write("Production settings are complete.")
            return
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        close_before_fork()
        bind = addrport or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        from gunicorn.app.base import BaseApplication

        from kampung.wsgi import application

        class Gunicorn(BaseApplication):
            def load_config(self):
                options = {
                    "bind": bind,
                    "workers": worker_count(),
                    "timeout": 60,
                    "graceful_timeout": 30,
                    "max_requests": 2000,
                    "max_requests_jitter": 200,
                    # The app, and each community's candidate index, are loaded once in
                    # the master before it forks: every worker (a restarted one too)
                    # starts with the index and catches up from its change rows.
                    "preload_app": True,
                    "accesslog": None,  # Kampung logs its own lines (JSON, with request ids)
                    "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                    # gunicorn's own lines in the same format as Kampung's.
                    "logconfig_dict": gunicorn_logging(),
                }
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                from django.db import connections

                from kampung.matching import kept

                log.info("building the candidate indexes before the workers start")
                kept.warm()
                connections.close_all()  # no connection may cross the fork
                return application

        self.stdout.write(f"Kampung on http://{bind}/ with {worker_count()} gunicorn workers")
        Gunicorn().run()
