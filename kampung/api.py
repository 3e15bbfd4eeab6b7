"""The REST API at /api/v1/: one NinjaAPI, session auth for the site (with CSRF) and
bearer tokens for integrations, and one error body for every failure:

    {"error": {"code": "not_found", "message": "...", "fields": {"field": ["..."]}}}
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from kampung.assets.api import router as assets_router
from kampung.audit.context import attribute_to
from kampung.errors import DomainError, from_validation_error
from kampung.matching.api import router as matching_router
from kampung.people.api import router as people_router
from kampung.ratelimits import RateLimited
from kampung.timebank.api import router as timebank_router
from kampung.workshops.api import router as workshops_router


class CsrfFailed(Exception):
    """A write with the login cookie but without the page's CSRF token."""


def _has_bearer(request) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class TokenAuth(HttpBearer):
    """A request carrying `Authorization: Bearer` is the token's alone: no cookie is
    relied upon, so no CSRF token is needed. Tried first."""

    openapi_description = "An API token from `kampung token create --user EMAIL`."

    def authenticate(self, request, token):
        from kampung.people.actions import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
            attribute_to(user)
        return user


class CookieAuth(SessionAuth):
    """The site's login cookie, with Django's CSRF check for every write (the token
    comes from any page: its forms and htmx's X-CSRFToken header carry it). Not tried
    for a request that carries a bearer token, nor one without the session cookie."""

    def __call__(self, request):
        if _has_bearer(request) or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed
        return self.authenticate(request, request.COOKIES.get(self.param_name))


api = NinjaAPI(
    title="Kampung API",
    version="1",
    description="Communities, members, consent and the audit log. Every call is scoped to "
    "one community and follows the same permission rules as the pages.",
    urls_namespace="api",
    auth=[TokenAuth(), CookieAuth()],
    docs_url="/docs",
)


def error(request, status: int, code: str, message: str, fields: dict | None = None, **extra):
    """The one error body: {"error": {"code", "message", "fields"?, ...}}."""
    body = {"error": {"code": code, "message": message}}
    if fields:
        # A message about the request as a whole is filed under "request".
        body["error"]["fields"] = {
            ("request" if name == "__all__" else name): found for name, found in fields.items()
        }
    body["error"].update(extra)
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        where = ("body", "query", "path", "payload", "form", "file")
        loc = [str(p) for p in item.get("loc", ()) if p not in where]
        fields.setdefault(".".join(loc) or "request", []).append(item.get("msg", "invalid"))
    return error(request, 422, "invalid", "Some fields are not valid.", fields)


@api.exception_handler(DomainError)
def on_refused(request, exc: DomainError):
    """Every domain error of every app, in one place."""
    return error(request, exc.status, exc.code, exc.message, exc.fields, **exc.extra)


@api.exception_handler(ValidationError)
def on_invalid_model(request, exc):
    # A model's own full_clean() refusing: the same shape as our Invalid.
    return on_refused(request, from_validation_error(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", "Log in or send a valid API token.")


@api.exception_handler(CsrfFailed)
def on_csrf_failed(request, exc):
    return error(
        request,
        403,
        "csrf_failed",
        "Writes with the login cookie need the CSRF token from a page of the site "
        "(X-CSRFToken header). Integrations send an API token instead.",
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", "You do not have permission to do that here.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", "Not found.")


def _too_large(request, exc):
    from kampung.limits import too_large_message

    return error(request, 413, "too_large", too_large_message())


for _exc in (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
    api.add_exception_handler(_exc, _too_large)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc):
    response = error(
        request,
        429,
        "rate_limited",
        f"Too many requests: try again in {exc.retry_after} seconds.",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, "error", str(exc))


# Routers are added last: their modules import nothing from this one (no cycle).
api.add_router("/", people_router)
api.add_router("/", assets_router)
api.add_router("/", workshops_router)
api.add_router("/", matching_router)
api.add_router("/", timebank_router)
