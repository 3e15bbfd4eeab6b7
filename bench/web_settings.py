"""Settings for the web benchmark's server (bench/web.py): Kampung's own production
settings, read from the environment as deployed, with two changes only: the URLs add
the benchmark's bare view (bench/web_urls.py), and the cache keys carry this run's
prefix, so a shared Redis never serves one run's cached figures to another."""

import os

from kampung.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web_urls"
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_WEB_CACHE_PREFIX", "bench-web")  # noqa: F405
