"""Each request gets an id: it is on every log line written while the request runs and
in the X-Request-ID header of the answer, so a person reporting a problem can quote it
and an operator can find every line. A well-formed id from the proxy in front (letters,
digits and dashes, up to 64) is kept, so one id follows the request through both."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
WELL_FORMED = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a request's outcome (django.request) after the middleware has
        # finished; that record carries the request itself.
        carried = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = carried or request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = given if WELL_FORMED.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
