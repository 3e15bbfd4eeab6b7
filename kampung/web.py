"""What every app's pages and endpoints share: finding the community a request is about,
showing a refusal on a form or as a message, and the tap-map for choosing a place.

Apps import from here, never from each other's views or from kampung.views (which holds
only the home page and the dashboard). This module must not import any app's views,
forms or API.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from kampung import policy
from kampung.communities.models import Community
from kampung.errors import DomainError, from_validation_error

# --- The community in the URL -------------------------------------------------------------


def community_for(request, slug: str) -> Community:
    """The community named in the URL (a page's /c/<slug>/ or the API's
    /communities/<slug>/), or 404 if the user has no role there: outsiders are not told
    which communities exist. From here on, dates and times are the community's."""
    community = get_object_or_404(Community, slug=slug)
    if policy.role_in(request.user, community) is None:
        raise Http404
    community.use_local_time()
    return community


# --- Links for others to open ---------------------------------------------------------------


def public_url(request, path: str) -> str:
    """`path` as a full link for someone else to open (a workshop's QR code): under
    KAMPUNG_PUBLIC_URL when set, otherwise the address this page was opened with (so a
    facilitator who opened the demo at http://192.168.1.20:8000 shows phones that)."""
    if settings.KAMPUNG_PUBLIC_URL:
        return settings.KAMPUNG_PUBLIC_URL + path
    return request.build_absolute_uri(path)


# --- Refusals on pages ----------------------------------------------------------------------


def field_errors(exc: DomainError | ValidationError) -> dict[str, list[str]]:
    if isinstance(exc, DomainError):
        return exc.fields
    return from_validation_error(exc).fields


def add_errors(form, exc: DomainError | ValidationError, aliases: dict | None = None) -> None:
    """Put a refusal on the form: each message on the field it names (through `aliases`
    when the action calls a field by another name than the form: {"minutes": "hours"};
    an alias of None puts it at the top), or at the top for fields the form lacks."""
    aliases = aliases or {}
    errors = field_errors(exc)
    if not errors and isinstance(exc, DomainError):
        errors = {"__all__": [exc.message]}
    for field, found in errors.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, found)


def show_error(request, exc: DomainError | ValidationError, form=None, aliases=None) -> None:
    """One way for pages to show a refusal: on `form` if given, else as a message."""
    if form is not None:
        add_errors(form, exc, aliases)
        return
    texts = [m for found in field_errors(exc).values() for m in found]
    if not texts and isinstance(exc, DomainError):
        texts = [exc.message]
    messages.error(request, " ".join(texts))


# --- Choosing a place on a map --------------------------------------------------------------


class PickPlace(forms.Form):
    """The place tapped on kampung/_pick_map.html (optional: without it the person's own
    place, or a typed address, is used). Forms that ask "where?" extend this."""

    lat = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput(attrs={"data-pick": "lat"}),
    )
    lng = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput(attrs={"data-pick": "lng"}),
    )


def pick_map_context(lat, lng, *, fallback) -> dict:
    """What kampung/_pick_map.html needs: where the map starts (lat/lng, or the
    community `fallback`'s centre when they are unknown) and the tile server."""
    if lat is None or lng is None:
        lat, lng = fallback.centre_lat, fallback.centre_lng
    return {
        "centre": f"{lat},{lng}",
        "tile_url": settings.KAMPUNG_TILE_URL,
        "tile_attribution": settings.KAMPUNG_TILE_ATTRIBUTION,
    }


def tile_context() -> dict:
    """The map tile server for pages that draw a map."""
    return {
        "tile_url": settings.KAMPUNG_TILE_URL,
        "tile_attribution": settings.KAMPUNG_TILE_ATTRIBUTION,
    }
