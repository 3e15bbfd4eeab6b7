"""The web benchmark's server (see bench/web.py): `kampung serve --prod HOST:PORT`, as
deployed — the production checks, migrate, collectstatic, then gunicorn with
serve.py's own options (sync workers, WEB_CONCURRENCY of them, max_requests, logging) —
with one change: gunicorn's worker timeout is TIMEOUT seconds instead of serve.py's 60,
so a request slower than that is cut off and shows as an error.

    python -m bench.web_server HOST:PORT

serve.py builds its gunicorn application inside the command, so the timeout is set by
wrapping gunicorn's Config.set for that one setting; everything else is serve.py's."""

from __future__ import annotations

import os
import sys

TIMEOUT = int(os.environ.get("BENCH_WEB_GUNICORN_TIMEOUT", "30"))


def main(bind: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web_settings")
    from gunicorn.config import Config

    original = Config.set

    def set_with_bench_timeout(self, name, value):
        original(self, name, TIMEOUT if name == "timeout" else value)

    Config.set = set_with_bench_timeout
    from kampung.cli import main as kampung

    kampung(["serve", "--prod", bind])


if __name__ == "__main__":
    main(sys.argv[1])
