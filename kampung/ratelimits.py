"""Rate limits on the shared cache (django-ratelimit's fixed windows), one mechanism for
pages and the API: `limit(request, group=..., key=..., rate=...)` raises RateLimited,
which the API turns into its one error body with status 429 and the site into a page in
plain words (both with Retry-After).

The rates are settings (KAMPUNG_*_RATE, KAMPUNG_RATE_*). Counting needs a cache every
worker shares (CACHE_URL, Redis) once there is more than one process; with the default
in-process cache each worker counts on its own."""

from __future__ import annotations

import functools

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = ""):
        super().__init__(message or "rate limited")
        self.retry_after = max(1, int(retry_after))
        self.message = message


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind our own TLS proxy the address the
    proxy appended last to X-Forwarded-For (earlier entries are the client's to forge)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind


KEYS = {
    "ip": lambda _group, request: client_ip(request),
    "all": lambda _group, _request: "all",  # one count for the whole group
}


def limit(request, *, group: str, key, rate: str, message: str = "") -> None:
    """Count this request against `rate` (e.g. "20/m", "30/10m") for `key`: "ip" (each
    address apart), "all" (one count for the group), "user", or a callable
    (group, request) -> str. Raise RateLimited once it is over."""
    usage = get_usage(request, group=group, key=KEYS.get(key, key), rate=rate, increment=True)
    if usage and usage["should_limit"]:
        raise RateLimited(usage["time_left"], message)


def ratelimited(*, group: str, key, rate: str, methods=("POST",)):
    """Decorator form of `limit` for page views (only the given methods count)."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            if request.method in methods:
                limit(request, group=group, key=key, rate=rate)
            return view(request, *args, **kwargs)

        return inner

    return wrap


def too_many_page(request, exc: RateLimited):
    minutes = max(1, round(exc.retry_after / 60))
    response = render(
        request,
        "kampung/too_many.html",
        {
            "message": exc.message
            or _(
                "A lot has been sent from here in a short time, so Kampung is pausing for "
                "a bit. Nothing you already sent is lost."
            ),
            "wait_seconds": exc.retry_after,
            "wait_minutes": minutes,
            "page_title": _("Please wait a moment"),
        },
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


class RateLimitMiddleware:
    """Turns RateLimited raised by a page view into the styled 429 page (the API has its
    own handler in kampung.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if isinstance(exc, RateLimited):
            return too_many_page(request, exc)
        return None
