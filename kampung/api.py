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
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from kampung.assets.api import router as assets_router
from kampung.audit.context import attribute_to
from kampung.errors import DomainError, from_validation_error
from kampung.fridges.api import router as fridges_router
from kampung.matching.api import router as matching_router
from kampung.people.api import router as people_router
from kampung.ratelimits import RateLimited
from kampung.sharing.api import router as sharing_router
from kampung.skillshare.api import router as skillshare_router
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
            request.auth_by_token = True  # some things only a person in the site may do
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


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    """The one error body every failure of the API answers with."""

    error: ErrorDetail


ERROR_STATUSES = {
    400: "The request body is not valid JSON, or has a NUL character in it.",
    401: "Not logged in, or the API token is not valid.",
    403: "You do not have permission to do that here.",
    404: "Not found (also a community you have no role in: it is not said to exist).",
    409: "Conflicts with what is already there (an idempotency key used for another "
    "request, a consent already given or withdrawn).",
    422: "Some fields are not valid: `error.fields` names each one.",
}


def _document_errors(schema: dict) -> dict:
    """Every operation documents the error responses it can give, in the one error body,
    so a new endpoint cannot forget them: 401 and 403 where a login is needed, 404 where
    the path names a community or an object, 422 where there is any input, 409 for
    writes, 400 where there is a body to parse."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            statuses = set()
            if op.get("security"):
                statuses |= {401, 403}
            if "{" in path:
                statuses.add(404)
            if op.get("parameters") or op.get("requestBody"):
                statuses.add(422)
            if op.get("requestBody"):
                statuses.add(400)
            if method != "get":
                statuses.add(409)
            responses = op.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(
                    str(status),
                    {
                        "description": ERROR_STATUSES[status],
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorOut"}
                            }
                        },
                    },
                )
    return schema


NUL = "\x00"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class KampungParser(Parser):
    """Refuses the NUL character anywhere in the input: no text needs it, and
    PostgreSQL cannot store it (it was a 500 there). In a JSON body the request is
    refused as unreadable (400); in the query string, naming the parameter (422)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _has_nul(data):
            raise ValueError("NUL character in the body")
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        bad = sorted(key for key, value in result.items() if _has_nul(key) or _has_nul(value))
        if bad:
            raise ValidationError({key: ["Text cannot contain a NUL character."] for key in bad})
        return result


class KampungAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return _document_errors(schema)


api = KampungAPI(
    title="Kampung API",
    version="1",
    description="Communities, members, consent and the audit log. Every call is scoped to "
    "one community and follows the same permission rules as the pages.",
    urls_namespace="api",
    auth=[TokenAuth(), CookieAuth()],
    docs_url="/docs",
    parser=KampungParser(),
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
api.add_router("/", sharing_router)
api.add_router("/", fridges_router)
api.add_router("/", skillshare_router)
