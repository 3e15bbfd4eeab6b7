"""Rate limits on the shared cache (django-ratelimit's counters), one mechanism for pages
and the API: `limit(request, group=..., key=..., rate=...)` raises RateLimited, which
the API turns into its one error body with status 429 and the site into a page in plain
words (both with Retry-After)."""

from __future__ import annotations

import functools

from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = ""):
        super().__init__(message or "rate limited")
        self.retry_after = max(1, int(retry_after))
        self.message = message


def limit(request, *, group: str, key, rate: str, message: str = "") -> None:
    """Count this request against `rate` (e.g. "20/m") for `key` ("ip", or a callable
    (group, request) -> str); raise RateLimited once it is over."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
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
            or _("Too many tries in a short time. Please wait and try again."),
            "wait_seconds": exc.retry_after,
            "wait_minutes": minutes,
            "page_title": _("Please wait"),
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
