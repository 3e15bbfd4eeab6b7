"""The web benchmark's URLs: all of Kampung's (kampung.urls, unchanged and at the same
paths) plus /bench/bare/, a view that does nothing but answer 2 KB of JSON. It runs
through the same middleware as every page (session, authentication, audit context,
CSP...), so its rate is what the stack itself costs; bench/web.py divides each
endpoint's rate by it."""

from django.http import HttpResponse
from django.urls import path

from kampung.urls import urlpatterns as kampung_urlpatterns


def _body(size: int = 2048) -> bytes:
    """A JSON object of exactly `size` bytes, like a small API answer."""
    import json

    items = [{"id": i, "name": f"Item {i:03d}", "ok": True} for i in range(40)]
    bare = json.dumps({"items": items, "pad": ""}, separators=(",", ":"))
    return json.dumps(
        {"items": items, "pad": "x" * (size - len(bare))}, separators=(",", ":")
    ).encode()


BARE_BODY = _body()


def bare(request):
    return HttpResponse(BARE_BODY, content_type="application/json")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *kampung_urlpatterns]
