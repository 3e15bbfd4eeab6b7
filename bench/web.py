"""Web benchmark: Kampung's pages and API under load, through the real HTTP stack.

The server is `kampung serve --prod` (bench/web_server.py): gunicorn with 3 sync
workers (WEB_CONCURRENCY=3) and production settings — DEBUG false, a SECRET_KEY,
ALLOWED_HOSTS, KAMPUNG_PUBLIC_URL, SMTP email settings, Redis as the cache when it
answers on 127.0.0.1:6379 (REDIS_URL overrides), SECURE_SSL_REDIRECT=false so plain
http works — with serve.py's own gunicorn options except the worker timeout: 30 s, so a
slower request is cut off and counts as an error. DB_CONN_MAX_AGE is left at the
production default (60 s: each worker keeps its connection); BENCH_WEB_CONN_MAX_AGE
sets it.
Its settings (bench/web_settings.py) are kampung.settings with one URL added
(bench/web_urls.py): /bench/bare/, a view that answers 2 KB of JSON through the same
middleware (session, authentication, audit context, CSP...), with the same cookie.

The database is `kampung_bench_web` (BENCH_WEB_DATABASE overrides), created beside the
one DATABASE_URL names (or on postgresql://postgres@127.0.0.1:5432/ when DATABASE_URL
is not PostgreSQL), migrated and seeded in bulk by bench/web_seed.py: one community of
20,000 members (BENCH_WEB_MEMBERS), 100,000 skill offers each with its personal asset
(BENCH_WEB_OFFERS), about 5,000 shared assets (BENCH_WEB_ASSETS), skill and Open
Eligibility tags, strengths profiles, background checks, 420 requests (300 open) and
a few hundred matches, one member with 5,000 time bank postings (BENCH_WEB_POSTINGS),
then VACUUM ANALYZE (the statistics and visibility map autovacuum would give a live
database). The seeded database is kept: the next run reuses it when its marker table
(bench_web_seed) has this seed's version and sizes and the row counts agree;
BENCH_WEB_RESEED=1 seeds again.

The load: a community developer's session (logged in by bench/web_seed.py prepare),
20 concurrent users (2 client processes of 10, bench/web_load.py: asyncio, one
connection per request as sync workers close them, no think time), 15 s per endpoint
(BENCH_WEB_SECONDS), each endpoint warmed first with 3 requests per worker (1 when
they take over 5 s). The bare view is measured before and after every endpoint
(BENCH_WEB_BARE_SECONDS, 5 s). Between runs the server is left to go idle (workers
under 5% of a core and the bare view answering within a second: requests a client
gave up on are still served). The client shares the machine with the server, and so
does anything else running: load_average_before/after say how busy it was. Endpoints:

- page_dashboard: /c/<slug>/, the community's home page
- page_people: /c/<slug>/people/, the people list
- api_map_street: the map's data at zoom 17 for random boxes of about 650 m x 450 m
- api_map_city: the map's data at zoom 11 for the whole city (counts per cell)
- page_candidates: /c/<slug>/needs/<id>/, a request's page listing who could help,
  for a request that many offers could meet
- api_candidates: /api/v1/communities/<slug>/needs/<id>/candidates, the same ranking
- page_statement: /c/<slug>/timebank/accounts/<number>/, the 5,000-posting member's
  statement as the community developer sees it

Any answer that is not 2xx (redirects included), cut off, refused, reset, or slower
than 60 s at the client is an error. Requests still on their way when the window
closes are waited for and counted: rps is every request over the time from the start
to the last answer, and the percentiles are over every request, errors included.

Results in var/bench/web.json: per endpoint rps_<name>, p50_ms_<name>, p95_ms_<name>,
p99_ms_<name>, errors_<name> and ratio_<name> (its rate over the mean of the bare runs
either side); bare_rps (mean of the bare runs), workers, peak_worker_rss_mb (the
largest VmHWM of any gunicorn worker, sampled every 0.2 s through the run; workers
that gunicorn replaces after max_requests are followed too), candidates_first_ms (one
page_candidates request right after one offer was changed through
matching.actions.change_offer, with the server otherwise idle), n_members, n_offers,
n_assets, seed_seconds (drop and create, migrate, seed, VACUUM ANALYZE; the first
run's when the database was kept), and the goals with pass or fail:

- no errors anywhere
- every page_* ratio >= 0.15; every api_* ratio >= 0.4; api_map_street and
  api_map_city >= 0.5
- p95_ms_page_candidates and p95_ms_api_candidates <= 150; p95_ms_page_statement <= 100
- peak_worker_rss_mb <= 600

Also per endpoint: requests_, warmup_errors_, worker_timeouts_ (gunicorn killing a
worker), settle_seconds_ (how long the server took to go idle after the run),
worker_rss_mb_after_ and error_samples_. The gunicorn log is var/bench/web-server.log.
The server (and every worker) is stopped at the end, also when the run fails.

    make bench BENCH=web
    BENCH_WEB_SECONDS=3 BENCH_WEB_MEMBERS=2000 BENCH_WEB_OFFERS=10000 \
        BENCH_WEB_DATABASE=kampung_bench_web_small .venv/bin/python -m bench web"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

N_MEMBERS = int(os.environ.get("BENCH_WEB_MEMBERS", "20000"))
N_OFFERS = int(os.environ.get("BENCH_WEB_OFFERS", "100000"))
N_ASSETS = int(os.environ.get("BENCH_WEB_ASSETS", "5000"))
N_POSTINGS = int(os.environ.get("BENCH_WEB_POSTINGS", "5000"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "15"))
BARE_SECONDS = float(os.environ.get("BENCH_WEB_BARE_SECONDS", str(min(5.0, SECONDS))))
DATABASE = os.environ.get("BENCH_WEB_DATABASE", "kampung_bench_web")
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WORKERS = 3
USERS = 20
CLIENT_PROCESSES = 2
WARMUP_PER_WORKER = 3
CLIENT_TIMEOUT = 60.0
SLOW_WARMUP_MS = 5000
SETTLED_MS = 1000
SETTLE_TIMEOUT = 300
GUNICORN_TIMEOUT = 30
SAMPLE_EVERY = 0.2
VAR = Path("var/bench")
LOG = VAR / "web-server.log"

ENDPOINTS = [
    "page_dashboard",
    "page_people",
    "api_map_street",
    "api_map_city",
    "page_candidates",
    "api_candidates",
    "page_statement",
]
GOALS_RATIO = {"page_": 0.15, "api_": 0.4, "api_map_street": 0.5, "api_map_city": 0.5}
GOALS_P95 = {"page_candidates": 150, "api_candidates": 150, "page_statement": 100}
GOAL_RSS_MB = 600

# The seed (bench/web_seed.py): its version (a change of what is seeded makes runs
# seed again), random seed and community.
SEED_VERSION = 1
SEED = 20260404
SLUG = "bench-town"


def seed_params(n_members: int, n_offers: int, n_assets: int, n_postings: int) -> dict:
    return {"members": n_members, "offers": n_offers, "assets": n_assets, "postings": n_postings}


def make_hubs(rng: random.Random) -> list[tuple[float, float]]:
    """The city's 30 neighbourhoods (km east and north of its centre), drawn as
    bench/matching.py draws them: the seed's first draws, so the map's street boxes
    fall where the seeded people and places are."""
    from bench.matching import CITY_KM

    return [
        (rng.uniform(-CITY_KM / 2, CITY_KM / 2), rng.uniform(-CITY_KM / 2, CITY_KM / 2))
        for _ in range(30)
    ]


# --- The database ----------------------------------------------------------------------


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER


def _beside(url: str, name: str) -> str:
    return f"{url.rpartition('/')[0]}/{name}"


def _kept_seed(url: str) -> dict | None:
    """The marker of a seeded database that this run may reuse, or None."""
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError:
        return None  # no such database yet
    with conn:
        try:
            version, kept, counts, seconds = conn.execute(
                "SELECT version, params, counts, seed_seconds FROM bench_web_seed"
            ).fetchone()
        except (psycopg.Error, TypeError):
            return None
        counts = json.loads(counts)
        wanted = seed_params(N_MEMBERS, N_OFFERS, N_ASSETS, N_POSTINGS)
        if version != SEED_VERSION or json.loads(kept) != wanted:
            return None
        found = {}
        for key, table in (
            ("n_members", "people_member"),
            ("n_offers", "matching_offer"),
            ("n_assets", "assets_asset"),
        ):
            found[key] = conn.execute(
                f"SELECT count(*) FROM {table} t JOIN communities_community c "  # noqa: S608 (fixed names)
                "ON c.id = t.community_id WHERE c.slug = %s",
                [SLUG],
            ).fetchone()[0]
        if any(found[key] != counts[key] for key in found):
            return None
    return {**counts, "seed_seconds": seconds}


def _seed(url: str, env: dict) -> dict:
    import psycopg

    from bench.seed import _fresh_postgres

    started = time.perf_counter()
    _fresh_postgres(url, DATABASE)
    subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
    counts = _json_out(
        [
            sys.executable,
            "-m",
            "bench.web_seed",
            "seed",
            *map(str, (N_MEMBERS, N_OFFERS, N_ASSETS, N_POSTINGS)),
        ],
        env,
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        seconds = round(time.perf_counter() - started, 1)
        conn.execute("UPDATE bench_web_seed SET seed_seconds = %s", [seconds])
    return {**counts, "seed_bulk_seconds": counts["seed_seconds"], "seed_seconds": seconds}


def _json_out(command: list[str], env: dict) -> dict:
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- The server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/0"
    except OSError:
        pass
    return ""


def _env(url: str, port: int, redis_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.web_settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KAMPUNG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "DEFAULT_FROM_EMAIL": "kampung-bench@example.org",
        "DATABASE_URL": url,
        "KAMPUNG_VAR_DIR": str((VAR / "web-var").resolve()),
        "WEB_CONCURRENCY": str(WORKERS),
        "BENCH_WEB_GUNICORN_TIMEOUT": str(GUNICORN_TIMEOUT),
        # Each run's own cache keys: nothing cached by an earlier run is served.
        "BENCH_WEB_CACHE_PREFIX": f"bench-web-{os.getpid()}-{time.time_ns()}",
        "REDIS_URL": redis_url,
    }
    if not redis_url:
        env.pop("REDIS_URL")
    for name in ("CACHE_URL", "TASKS_BACKEND", "BEHIND_TLS_PROXY", "DB_CONN_MAX_AGE"):
        env.pop(name, None)  # as deployed by default, whatever this shell has
    if os.environ.get("BENCH_WEB_CONN_MAX_AGE"):
        env["DB_CONN_MAX_AGE"] = os.environ["BENCH_WEB_CONN_MAX_AGE"]
    return env


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


class Server:
    """gunicorn in its own process group, with a thread sampling its workers' memory."""

    def __init__(self, port: int, env: dict, cookie: str):
        self.port = port
        self.cookie = cookie
        VAR.mkdir(parents=True, exist_ok=True)
        self.log = LOG.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.web_server", f"127.0.0.1:{port}"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.peak_kb = 0
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            for pid in _children(self.proc.pid):
                self.seen.add(pid)
                self.peak_kb = max(self.peak_kb, _status_kb(pid, "VmHWM"))

    def rss_mb(self) -> float:
        """The largest resident size of any worker now."""
        return round(max((_status_kb(p, "VmRSS") for p in self.workers()), default=0) / 1024, 1)

    def workers(self) -> list[int]:
        return _children(self.proc.pid)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.proc.returncode}):\n{_tail()}")
            if len(self.workers()) >= WORKERS:
                status, _ms = get(self.port, "/bench/bare/", self.cookie, timeout=5)
                if status == 200:
                    self._sampler.start()
                    return
            time.sleep(0.5)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{_tail()}")

    def settle(self, timeout: float = 90) -> float:
        """Wait until the server is idle: every worker there and using under 5% of a core
        over half a second, and the bare view answering within SETTLED_MS (so nothing
        waits in the listen queue: requests a client gave up on are still served).
        Returns the seconds waited."""
        started = time.monotonic()
        tick = os.sysconf("SC_CLK_TCK")
        while (left := timeout - (time.monotonic() - started)) > 0:
            before = sum(_cpu_ticks(pid) for pid in self.workers())
            time.sleep(0.5)
            after = sum(_cpu_ticks(pid) for pid in self.workers())
            if (after - before) / tick >= 0.025 or len(self.workers()) < WORKERS:
                continue
            status, ms = get(self.port, "/bench/bare/", self.cookie, timeout=max(1.0, left))
            if status == 200 and ms < SETTLED_MS:
                break
        return round(time.monotonic() - started, 1)

    def timeouts(self) -> int:
        """How many times gunicorn has killed a worker for taking too long."""
        try:
            return LOG.read_text(errors="replace").count("WORKER TIMEOUT")
        except OSError:
            return 0

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # gunicorn stops its workers
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Any worker left behind in the group (the master died first) goes too.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()


def _tail(lines: int = 30) -> str:
    try:
        return "\n".join(LOG.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def get(port: int, path: str, cookie: str, timeout: float = CLIENT_TIMEOUT):
    """One request: (status or None, milliseconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/html"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = None
    finally:
        conn.close()
    return status, round((time.perf_counter() - started) * 1000, 1)


# --- The load --------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the values, or None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def load(port: int, cookie: str, paths: list[str], *, seconds=None, count=None, seed=0) -> dict:
    """USERS users (or, with count, one per worker for that many requests in all) in
    CLIENT_PROCESSES processes; every request accounted for."""
    procs_n, users = (CLIENT_PROCESSES, USERS) if count is None else (1, WORKERS)
    start_at = time.time() + 1.0  # every client process started and waiting by then
    base = {"host": "127.0.0.1", "port": port, "cookie": cookie, "paths": paths}
    base["timeout"] = CLIENT_TIMEOUT
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for i in range(procs_n):
                job = {**base, "users": users // procs_n + (i < users % procs_n)}
                job["seed"] = f"{seed}:{i}"
                job.update({"count": count} if count is not None else {})
                job.update({"seconds": seconds, "start_at": start_at} if count is None else {})
                out = Path(tmp, f"{i}.json")
                with out.open("w") as stdout:
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "bench.web_load"],
                        stdin=subprocess.PIPE,
                        stdout=stdout,
                        text=True,
                    )
                # Every process gets its job now: they start together at start_at.
                proc.stdin.write(json.dumps(job))
                proc.stdin.close()
                procs.append((proc, out))
            limit = time.monotonic() + (seconds or 0) + CLIENT_TIMEOUT * ((count or 0) + 2) + 30
            for proc, _out in procs:
                if proc.wait(timeout=max(1, limit - time.monotonic())) != 0:
                    raise RuntimeError(f"a client process failed (exit {proc.returncode})")
            outs = [json.loads(out.read_text()) for _proc, out in procs]
        finally:
            for proc, _out in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    latencies = [ms for out in outs for ms in out["latencies_ms"]]
    ends = [out["last_end"] for out in outs if out["last_end"] is not None]
    starts = [out["first_start"] for out in outs if out["first_start"] is not None]
    elapsed = (max(ends) - (start_at if count is None else min(starts))) if ends else 0.0
    statuses: dict[str, int] = {}
    for out in outs:
        for status, n in out["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": _ms(percentile(latencies, 50)),
        "p95_ms": _ms(percentile(latencies, 95)),
        "p99_ms": _ms(percentile(latencies, 99)),
        "errors": sum(out["errors"] for out in outs),
        "statuses": statuses,
        "error_samples": [s for out in outs for s in out["error_samples"]][:5],
    }


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def endpoint_paths(info: dict) -> dict[str, list[str]]:
    from bench.matching import CENTRE, CITY_KM, _point

    slug, need, number = info["slug"], info["need_id"], info["account_number"]
    hubs = make_hubs(random.Random(SEED))
    rng = random.Random(17)
    street = []
    for _ in range(500):
        lat, lng = _point(rng, hubs)
        box = f"{lng - 0.003:.6f},{lat - 0.002:.6f},{lng + 0.003:.6f},{lat + 0.002:.6f}"
        street.append(f"/api/v1/communities/{slug}/assets/map?bbox={box}&zoom=17")
    half = CITY_KM / 2 + 2
    dlat = half / 111.32
    dlng = half / (111.32 * math.cos(math.radians(CENTRE[0])))
    lat, lng = CENTRE
    city = f"{lng - dlng:.6f},{lat - dlat:.6f},{lng + dlng:.6f},{lat + dlat:.6f}"
    return {
        "bare": ["/bench/bare/"],
        "page_dashboard": [f"/c/{slug}/"],
        "page_people": [f"/c/{slug}/people/"],
        "api_map_street": street,
        "api_map_city": [f"/api/v1/communities/{slug}/assets/map?bbox={city}&zoom=11"],
        "page_candidates": [f"/c/{slug}/needs/{need}/"],
        "api_candidates": [f"/api/v1/communities/{slug}/needs/{need}/candidates"],
        "page_statement": [f"/c/{slug}/timebank/accounts/{number}/"],
    }


# --- The run ---------------------------------------------------------------------------


def goals(result: dict) -> dict:
    out = {"errors == 0": {"value": result["errors_total"], "pass": result["errors_total"] == 0}}
    for name in ENDPOINTS:
        target = GOALS_RATIO.get(name) or GOALS_RATIO[name[: name.index("_") + 1]]
        ratio = result[f"ratio_{name}"]
        out[f"ratio_{name} >= {target}"] = {
            "value": ratio,
            "pass": ratio is not None and ratio >= target,
        }
    for name, target in GOALS_P95.items():
        p95 = result[f"p95_ms_{name}"]
        met = p95 is not None and p95 <= target
        out[f"p95_ms_{name} <= {target}"] = {"value": p95, "pass": met}
    rss = result["peak_worker_rss_mb"]
    out[f"peak_worker_rss_mb <= {GOAL_RSS_MB}"] = {"value": rss, "pass": rss <= GOAL_RSS_MB}
    return out


def _say(text: str) -> None:
    print(f"  web: {text}", file=sys.stderr, flush=True)


def _measure(server: Server, cookie: str, paths: dict, result: dict) -> None:
    port = server.port
    bare_runs: list[dict] = []

    def bare() -> dict:
        server.settle()
        run = load(port, cookie, paths["bare"], seconds=BARE_SECONDS, seed=len(bare_runs))
        bare_runs.append(run)
        _say(f"bare: {run['rps']} req/s, p95 {run['p95_ms']} ms, {run['errors']} errors")
        return run

    def warm_up(name: str) -> dict:
        """WARMUP_PER_WORKER requests per worker; one each when they take seconds (the
        first one each has warmed what it would warm)."""
        first = load(port, cookie, paths[name], count=WORKERS, seed=name)
        if (first["p50_ms"] or 0) > SLOW_WARMUP_MS:
            return first
        rest = load(port, cookie, paths[name], count=(WARMUP_PER_WORKER - 1) * WORKERS, seed=name)
        return {**rest, "errors": first["errors"] + rest["errors"]}

    load(port, cookie, paths["bare"], count=WARMUP_PER_WORKER * WORKERS * 10)
    before = bare()
    for name in ENDPOINTS:
        server.settle()
        timeouts = server.timeouts()
        warm = warm_up(name)
        server.settle()
        run = load(port, cookie, paths[name], seconds=SECONDS, seed=name)
        # Answers nobody waits for any more (the client gave up) may still be running.
        result[f"settle_seconds_{name}"] = server.settle(timeout=SETTLE_TIMEOUT)
        result[f"worker_rss_mb_after_{name}"] = server.rss_mb()
        after = bare()
        baseline = (before["rps"] + after["rps"]) / 2
        result[f"rps_{name}"] = run["rps"]
        result[f"p50_ms_{name}"] = run["p50_ms"]
        result[f"p95_ms_{name}"] = run["p95_ms"]
        result[f"p99_ms_{name}"] = run["p99_ms"]
        result[f"errors_{name}"] = run["errors"]
        result[f"ratio_{name}"] = round(run["rps"] / baseline, 4) if baseline else None
        result[f"requests_{name}"] = run["requests"]
        result[f"warmup_errors_{name}"] = warm["errors"]
        result[f"worker_timeouts_{name}"] = server.timeouts() - timeouts
        if run["error_samples"] or warm["error_samples"]:
            result[f"error_samples_{name}"] = run["error_samples"] or warm["error_samples"]
        _say(
            f"{name}: {run['rps']} req/s ({run['requests']} in {run['seconds']} s), "
            f"p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, {run['errors']} errors, "
            f"ratio {result[f'ratio_{name}']}"
        )
        before = after
    result["bare_rps"] = round(statistics.mean(r["rps"] for r in bare_runs), 1)
    result["bare_rps_runs"] = [r["rps"] for r in bare_runs]
    result["bare_p95_ms"] = max(r["p95_ms"] or 0 for r in bare_runs)
    result["errors_bare"] = sum(r["errors"] for r in bare_runs)


def _candidates_first(server: Server, cookie: str, paths: dict, env: dict, result: dict) -> None:
    server.settle()
    _json_out([sys.executable, "-m", "bench.web_seed", "touch"], env)
    status, ms = get(server.port, paths["page_candidates"][0], cookie)
    result["candidates_first_ms"] = ms
    result["candidates_first_status"] = status
    _say(f"candidates page right after an offer changed: {ms} ms (status {status})")


def run() -> dict:
    def stop_on_term(signum, frame):
        raise SystemExit(128 + signum)  # so the server is stopped on the way out

    previous = signal.signal(signal.SIGTERM, stop_on_term)
    try:
        return _run()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run() -> dict:
    url = _beside(_server_url(), DATABASE)
    port = _free_port()
    redis_url = _redis_url()
    env = _env(url, port, redis_url)
    reseed = os.environ.get("BENCH_WEB_RESEED", "") not in ("", "0")
    seeded = None if reseed else _kept_seed(url)
    result: dict = {"database": url.rpartition("/")[2], "seed_kept": seeded is not None}
    if seeded is None:
        _say(f"seeding {DATABASE} ({N_MEMBERS} members, {N_OFFERS} offers)...")
        seeded = _seed(url, env)
        _say(f"seeded in {seeded['seed_seconds']} s")
    result.update(seeded)
    info = _json_out([sys.executable, "-m", "bench.web_seed", "prepare"], env)
    cookie = info["cookie"]
    paths = endpoint_paths(info)
    result.update(
        {
            "workers": WORKERS,
            "users": USERS,
            "client_processes": CLIENT_PROCESSES,
            "seconds": SECONDS,
            "bare_seconds": BARE_SECONDS,
            "gunicorn_timeout": GUNICORN_TIMEOUT,
            "cache": "redis" if redis_url else "locmem (per process)",
        }
    )
    result["load_average_before"] = list(os.getloadavg())
    _say(f"starting gunicorn on 127.0.0.1:{port} (log: {LOG})")
    server = Server(port, env, cookie)
    try:
        server.wait_ready()
        _measure(server, cookie, paths, result)
        _candidates_first(server, cookie, paths, env, result)
        result["peak_worker_rss_mb"] = round(server.peak_kb / 1024, 1)
        result["workers_started"] = len(server.seen)
        result["worker_timeouts"] = server.timeouts()
    finally:
        server.stop()
    result["load_average_after"] = list(os.getloadavg())
    # What the server used: the variable if the run set it, else production's default.
    result["conn_max_age"] = int(env.get("DB_CONN_MAX_AGE", "60"))
    result["errors_total"] = (
        sum(result[f"errors_{name}"] for name in ENDPOINTS)
        + result["errors_bare"]
        + (0 if 200 <= (result["candidates_first_status"] or 0) < 300 else 1)
    )
    checked = goals(result)
    result["goals"] = checked
    result["goals_passed"] = f"{sum(g['pass'] for g in checked.values())} of {len(checked)}"
    return result
