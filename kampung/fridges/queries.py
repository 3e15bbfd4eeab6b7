"""Reads of the fridges app: the state of every fridge for the map, its table and the
open feed (one query, the latest report is kept on the fridge row), the food-safety
log over a period, and what a member should do next (for the dashboard)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from kampung import policy
from kampung.assets.models import Asset
from kampung.fridges import state
from kampung.fridges.models import Alert, Condition, Fridge, Report, Slot

FEED_FIELDS = (
    "id",
    "asset__name",
    "asset__subtype",
    "asset__lat",
    "asset__lng",
    "always_open",
    "fill",
    "condition",
    "temperature_c",
    "last_report_at",
)


def visible_fridges(user, community):
    """Fridges whose asset `user` may see (policy.visible_assets)."""
    return Fridge.objects.filter(
        community=community, asset__in=policy.visible_assets(user, community)
    )


def public_fridges(community):
    """Fridges anyone may see: their asset is shared with everyone and active."""
    return Fridge.objects.filter(
        community=community,
        asset__visibility=Asset.Visibility.PUBLIC,
        asset__status=Asset.Status.ACTIVE,
    )


def states(fridges, now: dt.datetime | None = None) -> list[dict]:
    """Plain rows for the map, its table, the API and the feed. No personal data: who
    reported is never part of it."""
    now = now or timezone.now()
    # Translated once per call, not once per fridge (lazy strings cost ~15 µs each).
    conditions = {code: str(label) for code, label in Condition.choices}
    out = []
    for row in fridges.order_by("asset__name", "id").values_list(*FEED_FIELDS):
        row = dict(zip(FEED_FIELDS, row, strict=True))
        look = state.look(row["fill"], row["last_report_at"], now)
        out.append(
            {
                "id": row["id"],
                "name": row["asset__name"],
                "kind": row["asset__subtype"],
                "lat": row["asset__lat"],
                "lng": row["asset__lng"],
                "open_24_hours": row["always_open"],
                "fill": None if look.stale else row["fill"],
                "fill_words": look.words,
                "css": look.css,
                "short": look.short,
                "stale": look.stale,
                "condition": row["condition"] or None,
                "condition_words": conditions.get(row["condition"], ""),
                "temperature_c": row["temperature_c"],
                "last_report_at": row["last_report_at"].isoformat()
                if row["last_report_at"]
                else None,
                "reported": state.ago_words(row["last_report_at"], now),
                # "too_warm" while the latest reading is above 5 °C (stale or not: nobody
                # has said since that it is cold again), else None.
                "alert": "too_warm" if state.too_warm(row["temperature_c"]) else None,
            }
        )
    return out


def feed(community, now: dt.datetime | None = None) -> dict:
    """The open feed: every public fridge's state, for other apps and sites."""
    rows = states(public_fridges(community), now)
    for row in rows:
        for private in ("css", "short"):
            row.pop(private)
    return {
        "community": community.slug,
        "generated_at": (now or timezone.now()).isoformat(),
        "stale_after_hours": int(state.STALE_AFTER.total_seconds() // 3600),
        "fridges": rows,
    }


# The feed is read far more often than fridges are reported on: its JSON is kept in the
# shared cache per community, under a version every write bumps (`feed_changed`) and the
# minute (so "5 minutes ago" and the 24-hour grey move on without a write).
FEED_VERSION = "fridge-feed-version:{}"


def feed_changed(community_id: int) -> None:
    """Called by every write that changes what the feed shows (after it commits)."""
    import time

    from django.core.cache import cache
    from django.db import transaction

    transaction.on_commit(
        lambda: cache.set(FEED_VERSION.format(community_id), time.time_ns(), None)
    )


def feed_json(community, now: dt.datetime | None = None) -> str:
    import json

    from django.core.cache import cache
    from django.core.serializers.json import DjangoJSONEncoder

    now = now or timezone.now()
    version = cache.get(FEED_VERSION.format(community.pk), 0)
    key = f"fridge-feed:{community.pk}:{version}:{int(now.timestamp() // 60)}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(feed(community, now), cls=DjangoJSONEncoder)
        cache.set(key, body, 120)
    return body


def log_entries(fridge: Fridge, first: dt.date, last: dt.date):
    """The food-safety log between two local days: temperature readings and checks, and
    alerts with what was done about them."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    readings = (
        Report.objects.filter(fridge=fridge, created_at__gte=start, created_at__lt=end)
        .filter(Q(temperature_c__isnull=False) | Q(is_check=True))
        .order_by("created_at", "pk")
        .defer("photo")
    )
    alerts = (
        Alert.objects.filter(fridge=fridge, created_at__gte=start, created_at__lt=end)
        .select_related("resolved_by")
        .order_by("created_at", "pk")
    )
    return list(readings[:2000]), list(alerts[:2000])


def log_table(fridge: Fridge, first: dt.date, last: dt.date):
    """The log as the page and its spreadsheet show it: readings and done
    check-and-cleans (who did it, who confirmed it) as rows, and the alerts."""
    readings, alerts = log_entries(fridge, first, last)
    checks = (
        Slot.objects.filter(fridge=fridge, day__gte=first, day__lte=last, done_at__isnull=False)
        .select_related("volunteer", "confirmed_by")
        .order_by("done_at", "pk")
    )
    return log_rows(readings, list(checks[:2000])), alerts


def log_rows(readings: list[Report], checks: list[Slot]) -> list[dict]:
    """One row per reading and per done check-and-clean, in time order. A check done
    through "I did the check" also wrote a report (its reading): the two are one row."""
    rows: list[dict] = []
    check_reports = [r for r in readings if r.is_check]
    used: set[int] = set()
    for slot in checks:
        reading = None
        for r in check_reports:
            if (
                r.pk not in used
                and r.member_id == slot.volunteer_id
                and abs((r.created_at - slot.done_at).total_seconds()) < 120
            ):
                reading = r
                used.add(r.pk)
                break
        rows.append(
            {
                "when": slot.done_at,
                "is_check": True,
                "temperature_c": reading.temperature_c if reading else None,
                "condition": reading.get_condition_display() if reading else "",
                "by": slot.volunteer.display_name if slot.volunteer else "",
                "confirmed_by": slot.confirmed_by.display_name if slot.confirmed_by else "",
                "day": slot.day,
            }
        )
    for r in readings:
        if r.pk in used:
            continue
        rows.append(
            {
                "when": r.created_at,
                "is_check": r.is_check,
                "temperature_c": r.temperature_c,
                "condition": r.get_condition_display(),
                "by": "",
                "confirmed_by": "",
                "day": None,
            }
        )
    rows.sort(key=lambda row: row["when"])
    return rows


def rota(fridge: Fridge, today: dt.date, days: int = 14):
    return list(
        Slot.objects.filter(fridge=fridge, day__gte=today - dt.timedelta(days=2))
        .filter(day__lte=today + dt.timedelta(days=days))
        .select_related("volunteer")
        .order_by("day")
    )


def waiting_for(member) -> list[dict]:
    """What `member` should do about fridges, for the dashboard: a check-and-clean slot
    today or tomorrow, and alerts not yet acted on at fridges they look after (host, or
    on the rota). Each item: {"text", "url", "kind"}."""
    if member is None:
        return []
    today = timezone.localdate()
    out: list[dict] = []
    slots = (
        Slot.objects.filter(
            volunteer=member, day__gte=today, day__lte=today + dt.timedelta(days=1), done_at=None
        )
        .select_related("fridge__asset", "community")
        .order_by("day")
    )
    for slot in slots:
        when = "today" if slot.day == today else "tomorrow"
        out.append(
            {
                "kind": "rota",
                "text": f"Your check-and-clean at {slot.fridge.name} is {when}",
                # Straight to the rota, where "I did the check" is.
                "url": reverse("fridge_detail", args=[slot.community.slug, slot.fridge_id])
                + "#rota-h",
            }
        )
    # Fridges they look after (host, or on the rota around today); community developers
    # look after every fridge of their community.
    looks_after = Q(host=member) | Q(
        slots__volunteer=member,
        slots__day__gte=today - dt.timedelta(days=14),
        slots__day__lte=today + dt.timedelta(days=14),
    )
    if member.role in policy.STAFF_ROLES:
        looks_after = Q()
    mine = Fridge.objects.filter(looks_after, community_id=member.community_id).distinct()
    counts: dict[int, int] = {}
    for fridge_id in (
        Alert.objects.filter(fridge__in=mine, resolved_at=None)
        .order_by("-created_at")
        .values_list("fridge_id", flat=True)[:500]
    ):
        counts[fridge_id] = counts.get(fridge_id, 0) + 1
    fridges = Fridge.objects.filter(pk__in=list(counts)[:5]).select_related("asset", "community")
    for fridge in sorted(fridges, key=lambda f: list(counts).index(f.pk)):
        n = counts[fridge.pk]
        out.append(
            {
                "kind": "alert",
                "text": ngettext(
                    "%(name)s: 1 thing needs someone — see it",
                    "%(name)s: %(n)d things need someone — see them",
                    n,
                )
                % {"name": fridge.name, "n": n},
                "url": reverse("fridge_detail", args=[fridge.community.slug, fridge.pk]),
            }
        )
    return out
