"""Rate limits on anonymous and cheap-to-abuse input, counted in the shared cache with
django-ratelimit's fixed windows. `check()` raises RateLimited; the API answers 429 in
the one error body and pages with a page in plain words, both with Retry-After.

The rates are settings (KAMPUNG_RATE_*). Counting needs a cache every worker shares
(Redis or memcached) once there is more than one process; with the default in-process
cache each worker counts on its own."""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind our own TLS proxy the address the
    proxy appended last to X-Forwarded-For (earlier entries are the client's to forge)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind


def check(request, *, group: str, rate: str, per: str = "ip") -> None:
    """Count this request in `group` and raise RateLimited past `rate` ("30/10m").
    `per` is "ip" (each address counted apart) or "all" (one count for the group)."""
    key = (lambda _g, r: client_ip(r)) if per == "ip" else (lambda _g, _r: "all")
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage and usage["should_limit"]:
        raise RateLimited(max(1, int(usage["time_left"])))
