"""Size limits on what a request may send (and rate limits hit), answered in plain words.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (files excepted; kampung.uploads
caps those) and more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields with RequestDataTooBig /
TooManyFieldsSent, which became a server error in debug and an unstyled "400 Bad Request"
in production. This middleware checks the declared length first and parses form bodies
under the limits itself, so every such request gets a 413: the one error body under
/api/ and a page in plain words elsewhere."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.validators import MaxLengthValidator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def limit_mb() -> str:
    return f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g}"


def too_large_message() -> str:
    return _(
        "The request is too large: at most %(mb)s MB of text and %(fields)s fields "
        "(files up to %(files)s MB)."
    ) % {
        "mb": limit_mb(),
        "fields": f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}",
        "files": settings.KAMPUNG_MAX_UPLOAD_BYTES // 1024 // 1024,
    }


def too_large_response(request):
    if request.path.startswith("/api/"):
        body = {"error": {"code": "too_large", "message": too_large_message()}}
        return JsonResponse(body, status=413)
    return render(
        request,
        "kampung/too_large.html",
        {"limit_mb": limit_mb(), "page_title": _("That was too much to send")},
        status=413,
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        multipart = content_type.startswith("multipart/form-data")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if not multipart and limit is not None and _declared_length(request) > limit:
            return too_large_response(request)
        if request.method == "POST" and content_type.startswith(FORM_TYPES):
            try:
                request.POST  # noqa: B018 - parse now, under the limits, so refusal is ours
            except TOO_LARGE:
                return too_large_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # RateLimited becomes its page in kampung.ratelimits.RateLimitMiddleware.
        if isinstance(exception, TOO_LARGE):
            return too_large_response(request)
        return None


# --- Sizes of what is stored ------------------------------------------------------------
# Every free-text field has a maximum, in the model (validators), the form (max_length)
# and the API schema (max_length): descriptions and stories 5,000 characters, notes and
# feedback 2,000; lists of codes (languages, accessibility, skills, tags) 50 items, lists
# of times 100; a group session's attendees 100.
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000
LIST_MAX = 50
SLOTS_MAX = 100
ATTENDEES_MAX = 100  # people in one group session
# A background check: its kind, who checked, the reference, why it was withdrawn.
CHECK_KIND_MAX = 100
CHECK_BY_MAX = 200
CHECK_REFERENCE_MAX = 100
CHECK_REASON_MAX = 300


@deconstructible
class MaxItemsValidator:
    """At most `limit` items in a JSON list."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        if isinstance(value, list | tuple) and len(value) > self.limit:
            raise ValidationError(
                _("At most %(limit)s items (this has %(n)s).")
                % {"limit": self.limit, "n": len(value)},
                code="max_items",
            )

    def __eq__(self, other):
        return isinstance(other, MaxItemsValidator) and other.limit == self.limit

    def __hash__(self):
        return hash(self.limit)


def text_max(limit: int) -> list:
    return [MaxLengthValidator(limit)]


def items_max(limit: int) -> list:
    return [MaxItemsValidator(limit)]
