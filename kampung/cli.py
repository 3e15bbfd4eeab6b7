"""The `kampung` command. Every Django management command works through it
(`kampung migrate`, `kampung check --deploy`); `serve` is a friendlier name for the
development server. Users never need manage.py."""

from __future__ import annotations

import os
import sys

ALIASES: dict[str, str] = {}
DEV_COMMANDS = {"demo"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in DEV_COMMANDS:
        # The demo is a development site: it needs no configuration. It leaves a
        # development .env behind (if there is none), so every later command in this
        # folder (`kampung token create`, `kampung shell`) finds the same settings.
        from pathlib import Path

        from kampung.devenv import write_dev_env

        if write_dev_env(Path.cwd()) is not None:
            sys.stdout.write("Wrote .env for development (DEBUG=true, a new SECRET_KEY).\n")
        os.environ.setdefault("DEBUG", "true")
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampung.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["kampung", *args])
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"kampung: configuration problem: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
