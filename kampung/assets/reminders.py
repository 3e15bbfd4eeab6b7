"""Review-due reminders: when an asset passes its review date, its steward is asked to
check it is still right, then once a week until someone checks it. Assets without a
person to look after them go to the community developers as one weekly line ("12 places
are due a check"), not one message each. Idempotent: the key holds the asset, its review
date and the week, so running the job again sends nothing twice, and checking the asset
(which moves its review date) starts afresh."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.assets.models import Asset
from kampung.notices import actions as notices
from kampung.notices.jobs import every
from kampung.notices.models import How, Preference
from kampung.people.models import Member, Role

STAFF = [Role.COORDINATOR, Role.ADMIN]


def _people_for(asset: Asset, emailable: set[int]) -> list[Member]:
    """Who is reminded about `asset`: its steward if they will see it (they log in, or
    asked for email), else the partner staff of the organisation that looks after it."""
    steward = asset.steward_member
    if steward is not None and steward.is_active:
        if steward.user_id is not None or steward.pk in emailable:
            return [steward]
    if asset.steward_organisation_id:
        partners = list(
            asset.steward_organisation.staff.filter(
                community_id=asset.community_id, is_active=True, role=Role.PARTNER
            )
            .exclude(user=None)
            .select_related("community", "user")
        )
        if partners:
            return partners
    return []


@every(
    timedelta(hours=1),
    name="review-due-reminders",
    label=gettext_lazy(
        "Remind the people who look after places and groups when one is due a check"
    ),
    timing=gettext_lazy("Checked every hour; each person is reminded once, then weekly."),
)
def remind_review_due(now: datetime) -> str:
    told = 0
    for_staff: dict[int, list[Asset]] = defaultdict(list)
    overdue = (
        Asset.objects.filter(status=Asset.Status.ACTIVE, review_due__lt=now.date())
        .select_related("community", "steward_member", "steward_organisation")
        .order_by("community_id", "review_due", "pk")
    )
    staff_of: dict[int, list[Member]] = {}
    # Stewards without a login are reminded only if they asked for email: one query.
    emailable = set(
        Preference.objects.filter(
            kind="review_due",
            how=How.EMAIL,
            member__user=None,
            member__in=Member.objects.filter(stewarded_assets__in=overdue),
        ).values_list("member_id", flat=True)
    )
    for asset in overdue.iterator(chunk_size=500):
        if asset.community_id not in staff_of:
            staff_of[asset.community_id] = list(
                Member.objects.filter(
                    community_id=asset.community_id, role__in=STAFF, is_active=True
                ).select_related("community", "user")
            )
        people = _people_for(asset, emailable)
        if not people:
            for_staff[asset.community_id].append(asset)
            continue
        week = (now.date() - asset.review_due).days // 7
        if not notices.once(f"review-due:{asset.pk}:{asset.review_due.isoformat()}:{week}"):
            continue
        url = reverse("asset_detail", args=[asset.community.slug, asset.pk])
        for person in people:
            with translation.override(notices.language_of(person)):
                text = _(
                    "Please check “%(name)s” is still right: it was due a check on %(day)s. "
                    "Open it and press “I checked: this is still right”, or change what is "
                    "out of date."
                ) % {
                    "name": asset.name,
                    "day": formats.date_format(asset.review_due, "j M Y"),
                }
                subject = _("please check “%(name)s”") % {"name": asset.name}
            notices.notify(person, text, url, kind="review_due", subject=subject)
            told += 1
    year, week_no, _day = now.isocalendar()
    for community_id, assets in for_staff.items():
        for person in staff_of[community_id]:
            if not notices.once(f"review-due-staff:{person.pk}:{year}-W{week_no:02d}"):
                continue
            url = reverse("asset_map", args=[person.community.slug]) + "?stale=1"
            with translation.override(notices.language_of(person)):
                text = translation.ngettext(
                    "%(n)d place or group is due a check, with nobody Kampung can remind.",
                    "%(n)d places and groups are due a check, with nobody Kampung can remind.",
                    len(assets),
                ) % {"n": len(assets)}
                subject = _("places and groups due a check")
            notices.notify(person, text, url, kind="review_due", subject=subject)
            told += 1
    return f"{told} reminders"
