"""Demo fridges: two in Kampung Seri Mawar (a 24-hour fridge at a void deck, hosted by
a neighbour, and a pantry at the community centre) with a week of reports, one of them
a warm reading a couple of hours ago that alerted the rota, some food left, and a
check-and-clean rota with Vijay (the demo volunteer) signed up. Run once: a community
that already has a fridge is left alone."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung.audit.context import acting
from kampung.communities.models import Community
from kampung.fridges import actions
from kampung.fridges.models import Alert, Condition, Deposit, Fridge, Report, Slot
from kampung.notices.models import Notification
from kampung.people.models import Member, User

KSM = "kampung-seri-mawar"
COORDINATOR = "coordinator@demo.kampung.test"
VOLUNTEER = "volunteer@demo.kampung.test"


def seed_fridges() -> list[Fridge]:
    community = Community.objects.filter(slug=KSM).first()
    staff = User.objects.filter(email=COORDINATOR).first()
    vijay = Member.objects.filter(community=community, user__email=VOLUNTEER).first()
    if community is None or staff is None or vijay is None:
        return []
    if Fridge.objects.filter(community=community).exists():
        return list(Fridge.objects.filter(community=community))
    host = (
        Member.objects.filter(community=community, user=None, is_active=True).order_by("pk").first()
    )
    rng = random.Random(16)
    lat, lng = community.centre_lat, community.centre_lng
    # Days in the community's time; the caller's time zone is left as it was.
    with (
        timezone.override(ZoneInfo(community.timezone)),
        acting(staff, via="cli"),
        transaction.atomic(),
    ):
        fridge = actions.add_fridge(
            by=staff,
            community=community,
            name="Block 12 void deck fridge",
            lat=lat + 0.0012,
            lng=lng - 0.0009,
            description="Beside the letterboxes, under the void deck.",
            host=host,
            always_open=True,
            credit_minutes=30,
        )
        pantry = actions.add_fridge(
            by=staff,
            community=community,
            name="Community centre pantry",
            subtype="Community pantry",
            lat=lat - 0.0008,
            lng=lng + 0.0011,
            opening_hours="Mon-Sat 08:00-21:00",
            rules=["Raw meat or fish", "Opened items", "Alcohol", "Anything needing a fridge"],
        )
        now = timezone.now()
        today = timezone.localdate()
        # A week of reports, three or four a day. In one statement (demo history: the
        # audit log records the demo's seeding, not each row), as every test's cast
        # seeds the demo.
        Report.objects.bulk_create(
            Report(
                community=community,
                fridge=f,
                fill=rng.choice([0, 1, 2, 2, 3, 3, 4]),
                condition=rng.choice([Condition.FINE] * 6 + [Condition.NEEDS_CLEANING]),
                temperature_c=round(rng.uniform(2.5, 4.8), 1) if f is fridge else None,
                created_at=now - dt.timedelta(hours=hours_ago),
            )
            for f in (fridge, pantry)
            for hours_ago in range(7 * 24, 3, -rng.choice([5, 6, 7, 8]))
        )
        # The rota: a slot each day of the last week and the next; Vijay on some.
        mine = {(fridge.pk, offset) for offset in (-4, -2, -1, 0, 1, 3)}
        Slot.objects.bulk_create(
            Slot(
                community=community,
                fridge=f,
                day=today + dt.timedelta(days=offset),
                volunteer=vijay if (f.pk, offset) in mine else None,
                done_at=(now - dt.timedelta(days=-offset, hours=-2))
                if (f.pk, offset) in mine and offset < 0
                else None,
            )
            for offset in range(-6, 8)
            for f in (fridge, pantry)
        )
        # A community developer confirmed Vijay's two oldest checks: that is what lets him
        # read the food-safety log and act on it. (Demo history: written directly, as
        # the demo's small community pool cannot pay them; newer checks go through
        # actions.confirm_check.)
        oldest = Slot.objects.filter(fridge=fridge, volunteer=vijay, done_at__isnull=False)
        Slot.objects.filter(
            pk__in=list(oldest.order_by("day").values_list("pk", flat=True)[:2])
        ).update(confirmed_at=now - dt.timedelta(days=1), confirmed_by=staff)
        # Food left this week.
        Deposit.objects.create(
            community=community,
            fridge=fridge,
            kind=Deposit.Kind.BREAD,
            amount=Deposit.Amount.BAG,
            use_by=today + dt.timedelta(days=2),
            flag_on=today + dt.timedelta(days=3),
            created_at=now - dt.timedelta(hours=20),
        )
        Deposit.objects.create(
            community=community,
            fridge=pantry,
            kind=Deposit.Kind.PACKAGED,
            amount=Deposit.Amount.BOX,
            use_by=today + dt.timedelta(days=60),
            flag_on=today + dt.timedelta(days=61),
            created_at=now - dt.timedelta(hours=30),
        )
        # The latest state, then a warm reading two hours ago: it alerts the rota.
        for f in (fridge, pantry):
            last = f.reports.order_by("-created_at").first()
            Fridge.objects.filter(pk=f.pk).update(
                fill=last.fill,
                condition=last.condition,
                temperature_c=last.temperature_c,
                last_report_at=last.created_at,
            )
            f.refresh_from_db()
        # Demo history, written directly like the rest: the rota's message is in the site
        # (Messages) but no email goes out for something that "happened" before the demo
        # began (nor in every test that seeds the demo).
        when = now - dt.timedelta(hours=2)
        warm = Report.objects.create(
            community=community,
            fridge=fridge,
            fill=3,
            condition=Condition.FINE,
            temperature_c=8.5,
            created_at=when,
        )
        Fridge.objects.filter(pk=fridge.pk).update(
            fill=3, condition=Condition.FINE, temperature_c=8.5, last_report_at=when
        )
        text = _("%(name)s read %(t)s °C: food must stay at 5 °C or colder. Please check it.") % {
            "name": fridge.name,
            "t": "8.5",
        }
        Alert.objects.create(
            community=community,
            fridge=fridge,
            kind=Alert.Kind.WARM,
            key=f"fridge-warm:{warm.pk}",
            text=text,
            created_at=when,
        )
        url = reverse("fridge_detail", args=[community.slug, fridge.pk])
        Notification.objects.bulk_create(
            Notification(member=person, text=text, url=url, kind="fridge_alert")
            for person in actions.alert_recipients(fridge)
        )
    return [fridge, pantry]
