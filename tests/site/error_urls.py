"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path


def bad_request(request):
    raise SuspiciousOperation("a test")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a test of the 500 page")


urlpatterns = [
    path("boom/400/", bad_request),
    path("boom/403/", forbidden),
    path("boom/500/", broken),
    path("", include("kampung.urls")),
]
