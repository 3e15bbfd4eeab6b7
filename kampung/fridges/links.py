"""The fridge's public link (its QR poster): anyone holding it may report and leave food
without an account. The token (Fridge.token, random, unique) is the only credential;
writes through it are rate limited here for the pages and the API alike."""

from __future__ import annotations

from django.conf import settings

from kampung import ratelimits


def limit_public_writes(request, fridge) -> None:
    """Reports and deposits through a fridge's link: so many per address and fridge, and
    a ceiling per fridge (kampung.ratelimits), so a script cannot flood the map."""
    ratelimits.limit(
        request,
        group=f"fridge-public:{fridge.pk}",
        key="ip",
        rate=getattr(settings, "KAMPUNG_RATE_FRIDGE_REPORTS_PER_IP", "30/10m"),
    )
    ratelimits.limit(
        request,
        group=f"fridge-public-all:{fridge.pk}",
        key="all",
        rate=getattr(settings, "KAMPUNG_RATE_FRIDGE_REPORTS", "300/h"),
    )
