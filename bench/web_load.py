"""The web benchmark's client (see bench/web.py): simulated users on one asyncio loop,
each sending a GET, waiting for the whole answer, then sending the next (a closed
loop: no think time). Plain sockets and one HTTP/1.1 request per connection, as
gunicorn's sync workers close every connection after answering; so a request's time is
connect + server + reading the body, and the client costs little CPU.

    python -m bench.web_load < job.json > result.json

The job: host, port, cookie ("name=value"), paths (each user picks among them at
random, seeded), users, timeout (seconds, per request) and either seconds + start_at
(a wall-clock time.time() at which every client process starts: send until then +
seconds, then wait for the answers still on their way) or count (that many requests in
all, for warming up). The result: each request's milliseconds, the number of errors
(any status other than 2xx, a cut-off answer, a refused or reset connection, a
timeout), a few examples of them, and when the first request started and the last
answer ended."""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time

MAX_ERROR_SAMPLES = 5


def parse_response(data: bytes) -> tuple[int | None, str]:
    """(status, problem) for one raw HTTP/1.1 answer read until the server closed the
    connection; problem is "" when the status line, headers and the whole body (as
    long as Content-Length says) are there."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None, f"incomplete answer ({len(data)} bytes)"
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return None, f"not an HTTP answer: {lines[0][:80]!r}"
    status = int(parts[1])
    for line in lines[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            expected = int(value.strip())
            if len(body) < expected:
                return status, f"body cut off: {len(body)} of {expected} bytes"
    if not 200 <= status < 300:
        return status, f"status {status}"
    return status, ""


class Recorder:
    def __init__(self):
        self.latencies_ms: list[float] = []
        self.errors = 0
        self.statuses: dict[str, int] = {}
        self.error_samples: list[str] = []
        self.first_start: float | None = None
        self.last_end: float | None = None

    def add(self, started: float, ended: float, status: int | None, problem: str, path: str):
        self.latencies_ms.append(round((ended - started) * 1000, 3))
        key = str(status) if status is not None else "none"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if problem:
            self.errors += 1
            if len(self.error_samples) < MAX_ERROR_SAMPLES:
                self.error_samples.append(f"{path}: {problem}")
        self.first_start = started if self.first_start is None else min(self.first_start, started)
        self.last_end = ended if self.last_end is None else max(self.last_end, ended)

    def result(self) -> dict:
        return {
            "latencies_ms": self.latencies_ms,
            "errors": self.errors,
            "statuses": self.statuses,
            "error_samples": self.error_samples,
            "first_start": self.first_start,
            "last_end": self.last_end,
        }


async def fetch(host: str, port: int, request: bytes, timeout: float) -> tuple[int | None, str]:
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            data = await reader.read()  # to the end: the server closes the connection
        return parse_response(data)
    except TimeoutError:
        return None, f"no answer within {timeout:g} s"
    except OSError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        if writer is not None:
            writer.close()


def build_request(path: str, host: str, port: int, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
        "Accept: text/html,application/json\r\nUser-Agent: kampung-bench\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


async def run_job(job: dict) -> dict:
    host, port, timeout = job["host"], int(job["port"]), float(job.get("timeout", 60))
    requests = [(p, build_request(p, host, port, job["cookie"])) for p in job["paths"]]
    recorder = Recorder()
    users = int(job["users"])
    count = job.get("count")
    remaining = [int(count)] if count is not None else None
    if count is None:
        start_at = float(job["start_at"])
        # Sleep to the common start on the wall clock, then time on the monotonic one.
        await asyncio.sleep(max(0.0, start_at - time.time()))
        stop = time.perf_counter() + float(job["seconds"])

    async def user(number: int) -> None:
        rng = random.Random(f"{job.get('seed', 0)}:{number}")
        while True:
            if remaining is not None:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            elif time.perf_counter() >= stop:
                return
            path, request = requests[0] if len(requests) == 1 else rng.choice(requests)
            started = time.perf_counter()
            status, problem = await fetch(host, port, request, timeout)
            recorder.add(started, time.perf_counter(), status, problem, path)

    await asyncio.gather(*(user(i) for i in range(users)))
    out = recorder.result()
    # perf_counter times to wall-clock ones, so several processes' windows line up.
    offset = time.time() - time.perf_counter()
    for key in ("first_start", "last_end"):
        if out[key] is not None:
            out[key] += offset
    return out


def main() -> None:
    job = json.load(sys.stdin)
    json.dump(asyncio.run(run_job(job)), sys.stdout)


if __name__ == "__main__":
    main()
