"""The weekly round-up (hOurworld's weekly digest is the model): once a week, for members
who asked for it, what is new near them — requests for help, offers, and places and
groups on the map — in their language, by email.

What it may say follows what the member may see on the site. Requests for help are
seen by the person asking and by community developers only, so a resident or volunteer
is told how many neighbours asked for what kind of help ("2 people asked for lifts"),
never who or in what words; community developers get the titles, with links. Offers are
told the same way. Places come by name when the member may see them on the map."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kampung import policy
from kampung.assets.models import Asset
from kampung.matching.core.score import haversine_km
from kampung.matching.models import Need, Offer, StrengthsProfile
from kampung.notices import actions as notices
from kampung.notices import mail
from kampung.notices.jobs import DIGEST_HOUR, every
from kampung.notices.kinds import WEEKLY_DIGEST
from kampung.notices.models import How, Preference

NEAR_KM = 2.0  # for a member who has not said how far they travel
SHOWN = 10


def _near(member, radius_km: float):
    def near(obj) -> bool:
        if member.area_lat is None or obj.lat is None:
            return True  # no area given (or online help): the whole community
        return haversine_km(member.area_lat, member.area_lng, obj.lat, obj.lng) <= radius_km

    return near


def _kinds(rows) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        tags = list(row.tags.all())
        counts[tags[0].title if tags else _("other help")] += 1
    return counts


def round_up(member, since: datetime) -> str:
    """The body of one member's round-up ("" when nothing is new near them)."""
    community = member.community
    profile = StrengthsProfile.objects.filter(member=member).first()
    radius = profile.travel_km if profile and profile.travel_km else NEAR_KM
    near = _near(member, max(radius, 0.5))
    needs = [
        n
        for n in Need.objects.filter(
            community=community, status=Need.Status.OPEN, created_at__gte=since
        )
        .exclude(member=member)
        .prefetch_related("tags")[:500]
        if near(n)
    ]
    offers = [
        o
        for o in Offer.objects.filter(
            community=community, status=Offer.Status.ACTIVE, created_at__gte=since
        )
        .exclude(member=member)
        .prefetch_related("tags")[:500]
        if near(o)
    ]
    visible = [Asset.Visibility.PUBLIC, Asset.Visibility.MEMBERS]
    places = [
        a
        for a in Asset.objects.filter(
            community=community,
            status=Asset.Status.ACTIVE,
            created_at__gte=since,
            visibility__in=visible,
        )[:200]
        if near(a)
    ]
    if not (needs or offers or places):
        return ""
    lines = [_("Hello %(name)s,") % {"name": member.display_name}, ""]
    lines.append(_("New in %(place)s this week, near you:") % {"place": community.name})
    staff = member.user is not None and policy.can(member.user, "need.view_all", community)
    if needs:
        lines += ["", _("Requests for help")]
        if staff:
            for n in needs[:SHOWN]:
                url = mail.absolute(reverse("need_detail", args=[community.slug, n.pk]))
                lines.append(f"- {n.title}\n  {url}")
        else:
            for kind, n in _kinds(needs).most_common(SHOWN):
                lines.append(
                    "- "
                    + ngettext(
                        "%(n)d person asked for: %(kind)s",
                        "%(n)d people asked for: %(kind)s",
                        n,
                    )
                    % {"n": n, "kind": kind}
                )
            lines.append(
                _("If you could help, tell your community developer or offer it here: %(url)s")
                % {"url": mail.absolute(reverse("offer_list", args=[community.slug]))}
            )
    if offers:
        lines += ["", _("Offers of help")]
        for kind, n in _kinds(offers).most_common(SHOWN):
            lines.append(
                "- "
                + ngettext("%(n)d person offered: %(kind)s", "%(n)d people offered: %(kind)s", n)
                % {"n": n, "kind": kind}
            )
        lines.append(
            _("To ask for help: %(url)s")
            % {"url": mail.absolute(reverse("need_create", args=[community.slug]))}
        )
    if places:
        lines += ["", _("New on the map")]
        for a in places[:SHOWN]:
            url = mail.absolute(reverse("asset_detail", args=[community.slug, a.pk]))
            lines.append(f"- {a.name}\n  {url}")
    return "\n".join(lines) + "\n"


@every(
    timedelta(hours=1),
    name="weekly-digest",
    label=gettext_lazy("Weekly round-up of new requests and offers, for those who asked"),
    timing=gettext_lazy("Checked every hour; each person gets one a week, from Monday 8 am."),
)
def send_weekly_digests(now: datetime) -> str:
    """Once per week for each member who chose it, from Monday 8 am where they live (or
    the first run after, if the worker was down then)."""
    sent = 0
    chosen = Preference.objects.filter(kind=WEEKLY_DIGEST.code, how=How.EMAIL).select_related(
        "member__community", "member__user"
    )
    for pref in chosen.iterator(chunk_size=500):
        member = pref.member
        if not member.is_active or not notices.email_address(member):
            continue
        local = now.astimezone(ZoneInfo(member.community.timezone or "UTC"))
        if local.weekday() == 0 and local.hour < DIGEST_HOUR:
            continue  # Monday, before 8 am: wait for the morning
        year, week, _day = local.isocalendar()
        key = f"weekly:{member.pk}:{year}-W{week:02d}"
        with translation.override(notices.language_of(member)):
            body = round_up(member, since=now - timedelta(days=7))
            if not body or not notices.once(key):
                continue
            notices.queue_email(
                member=member,
                kind=WEEKLY_DIGEST.code,
                subject=_("Kampung: this week near you"),
                text=body,
            )
        sent += 1
    return f"{sent} round-ups"
