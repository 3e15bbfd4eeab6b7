"""Gift and take's schedule and its kind of message.

Every hour: an available item past its last day ("available until") expires, and the
people waiting for it are told nothing more is needed; the day before its last day, its
giver is reminded once (the key holds the item and its last day, so a changed date
reminds afresh and running the job again sends nothing twice)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.notices import actions as notices
from kampung.notices import kinds
from kampung.notices.jobs import every
from kampung.sharing import actions
from kampung.sharing.models import Listing

GIFTS = kinds.register(
    kinds.Kind(
        "gifts",
        gettext_lazy("Gift and take"),
        gettext_lazy(
            "When someone would like your item, when you are chosen for one, and the day "
            "before your item's listing ends."
        ),
        kinds.How.SITE,
    )
)


def _local_today(listing: Listing, now: datetime):
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(listing.community.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, AttributeError):
        zone = timezone.get_current_timezone()
    return now.astimezone(zone).date()


@every(
    timedelta(hours=1),
    name="gift-listings-expiry",
    label=gettext_lazy("End gift and take listings past their last day, and remind givers"),
    timing=gettext_lazy("Checked every hour; each giver is reminded once, the day before."),
)
def expire_and_remind(now: datetime) -> str:
    expired = reminded = 0
    soon = (now + timedelta(days=2)).date()
    candidates = (
        Listing.objects.filter(status=Listing.Status.OPEN, available_until__lte=soon)
        .select_related("community", "giver")
        .order_by("pk")
    )
    for listing in candidates.iterator(chunk_size=500):
        today = _local_today(listing, now)
        if listing.available_until < today:
            if actions.expire_listing(listing=listing):
                expired += 1
            continue
        if listing.available_until != today + timedelta(days=1) or listing.giver is None:
            continue
        if not notices.once(f"gift-ends:{listing.pk}:{listing.available_until.isoformat()}"):
            continue
        person = listing.giver
        with translation.override(notices.language_of(person)):
            text = _(
                "Your “%(title)s” is listed until tomorrow. If nobody has collected it yet, "
                "choose someone now, or it will no longer be shown."
            ) % {"title": listing.title}
        url = reverse("gift_detail", args=[listing.community.slug, listing.pk])
        notices.notify(person, text, url, kind="gifts")
        reminded += 1
    return f"{expired} expired, {reminded} reminders"
