"""Reading people's records: the search by name, background checks that count today,
and those due for renewal (the reminder's list; the background task that sends it comes
later)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone

from kampung.people.models import BackgroundCheck, Clearance, Member


def named(members: QuerySet[Member], q: str) -> QuerySet[Member]:
    """The members whose name contains `q` in any case, in order of name (any case).
    Not ordered by the name itself on purpose: then PostgreSQL walks the index of names
    in order, hoping to meet a page of matches early, and for a rare name reads every
    member on the way (about 200 ms at 100,000 members). In this order it finds the
    matches first with the trigram index and sorts only them (about 12 ms)."""
    return members.filter(display_name__icontains=q).order_by(Upper("display_name"), "id")


def today_in(community) -> date:
    """Today on the community's own clock (a check expires at the end of its day there)."""
    return timezone.now().astimezone(ZoneInfo(community.timezone)).date()


def valid_checks(community, *, today: date | None = None) -> QuerySet[BackgroundCheck]:
    """Checks that count today: not withdrawn, checked by today, not yet expired."""
    today = today or today_in(community)
    return BackgroundCheck.objects.filter(
        community=community,
        withdrawn_at__isnull=True,
        checked_on__lte=today,
        expires_on__gte=today,
    )


def clearances(community, *, today: date | None = None) -> dict[int, int]:
    """member id -> the level of their best valid, unexpired check (absent: none)."""
    rows = valid_checks(community, today=today).values("member_id").annotate(best=Max("level"))
    return {r["member_id"]: r["best"] for r in rows}


def clearance_of(member, *, today: date | None = None) -> int:
    return clearances(member.community, today=today).get(member.pk, Clearance.NONE)


def checks_due_for_renewal(community, within_days: int = 30, *, today: date | None = None):
    """Valid checks that expire in the next `within_days` days, soonest first, with their
    member: what the community developer should renew (and what the reminder will list).
    A check whose holder already has a later valid check of the same or a higher level
    is not due."""
    today = today or today_in(community)
    due = list(
        valid_checks(community, today=today)
        .filter(expires_on__lte=today + timedelta(days=within_days), member__is_active=True)
        .select_related("member")
        .order_by("expires_on", "id")
    )
    # The best later check of each of these members only (not every valid check in the
    # community, and one look-up per due check, not a scan of them all).
    later = dict(
        valid_checks(community, today=today)
        .filter(
            expires_on__gt=today + timedelta(days=within_days),
            member_id__in={c.member_id for c in due},
        )
        .values("member_id")
        .annotate(best=Max("level"))
        .values_list("member_id", "best")
        .order_by()
    )
    return [c for c in due if later.get(c.member_id, -1) < c.level]
