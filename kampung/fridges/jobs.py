"""The fridges' schedules and kinds of message. Hourly: food past its date and missed
daily checks become alerts for the fridge's rota (once each: every alert has a unique
key); in the evening (from 17:00 in the community's time), each volunteer is reminded
of tomorrow's check (once per slot, through notices.once)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.communities.models import Community
from kampung.fridges import actions
from kampung.fridges.models import Alert, Deposit, Slot
from kampung.notices import actions as notices
from kampung.notices import kinds
from kampung.notices.jobs import every

REMIND_FROM_HOUR = 17
LOOK_BACK = timedelta(days=14)

FRIDGE_ALERT = kinds.register(
    kinds.Kind(
        "fridge_alert",
        gettext_lazy("Community fridge alerts"),
        gettext_lazy(
            "When a fridge you look after is too warm, has food past its date or missed its check."
        ),
        kinds.How.EMAIL,
    )
)
FRIDGE_ROTA = kinds.register(
    kinds.Kind(
        "fridge_rota",
        gettext_lazy("Community fridge rota"),
        gettext_lazy("The evening before your check-and-clean slot."),
        kinds.How.EMAIL,
    )
)


def _local(now: datetime, community: Community) -> datetime:
    return now.astimezone(ZoneInfo(community.timezone))


@every(
    timedelta(hours=1),
    name="fridge-food-safety",
    label=gettext_lazy("Alert a fridge's rota about food past its date and missed daily checks"),
    timing=gettext_lazy("Checked every hour; each alert is sent once."),
)
def food_safety(now: datetime) -> str:
    raised = 0
    for community in Community.objects.filter(
        Q(pk__in=Slot.objects.values("community_id"))
        | Q(pk__in=Deposit.objects.values("community_id"))
    ).order_by("pk"):
        today = _local(now, community).date()
        past = (
            Deposit.objects.filter(
                community=community, flag_on__lte=today, created_at__gte=now - LOOK_BACK
            )
            .select_related("fridge__asset", "fridge__community")
            .order_by("pk")
        )
        for deposit in past:
            with transaction.atomic():
                what = deposit.get_kind_display()
                if actions.raise_alert(
                    fridge=deposit.fridge,
                    kind=Alert.Kind.PAST_DATE,
                    key=f"fridge-past:{deposit.pk}",
                    text=_(
                        "%(name)s: %(what)s left on %(day)s is past its date. Please take it out."
                    )
                    % {
                        "name": deposit.fridge.name,
                        "what": what.lower(),
                        "day": date_format(
                            deposit.created_at.astimezone(ZoneInfo(community.timezone)), "j M"
                        ),
                    },
                ):
                    raised += 1
        missed = (
            Slot.objects.filter(
                community=community,
                day__lt=today,
                day__gte=today - LOOK_BACK,
                done_at__isnull=True,
                missed=False,
            )
            .select_related("fridge__asset", "fridge__community")
            .order_by("pk")
        )
        for slot in missed:
            with transaction.atomic():
                Slot.objects.filter(pk=slot.pk).update(missed=True)
                if actions.raise_alert(
                    fridge=slot.fridge,
                    kind=Alert.Kind.MISSED_CHECK,
                    key=f"fridge-missed:{slot.pk}",
                    text=_(
                        "%(name)s: no check-and-clean recorded on %(day)s. "
                        "Can someone look at it today?"
                    )
                    % {"name": slot.fridge.name, "day": date_format(slot.day, "j M")},
                ):
                    raised += 1
    return f"{raised} alerts"


@every(
    timedelta(hours=1),
    name="fridge-rota-reminders",
    label=gettext_lazy("Remind fridge volunteers the evening before their check"),
    timing=gettext_lazy("From 17:00 the evening before; once per check."),
)
def remind_rota(now: datetime) -> str:
    told = 0
    communities = Community.objects.filter(
        pk__in=Slot.objects.filter(volunteer__isnull=False).values("community_id")
    )
    for community in communities:
        local = _local(now, community)
        if local.hour < REMIND_FROM_HOUR:
            continue
        tomorrow = local.date() + timedelta(days=1)
        slots = (
            Slot.objects.filter(community=community, day=tomorrow, volunteer__isnull=False)
            .select_related("fridge__asset", "fridge__community", "volunteer__community")
            .order_by("pk")
        )
        for slot in slots:
            with transaction.atomic():
                if not notices.once(f"fridge-slot-reminder:{slot.pk}:{slot.volunteer_id}"):
                    continue
                person = slot.volunteer
                with translation.override(notices.language_of(person)):
                    text = _(
                        "Tomorrow is your check-and-clean at %(name)s. Thank you! When you "
                        "have done it, open the fridge's page and press “I did the check”."
                    ) % {"name": slot.fridge.name}
                    subject = _("your fridge check tomorrow")
                url = reverse("fridge_detail", args=[community.slug, slot.fridge_id])
                notices.notify(person, text, url, kind="fridge_rota", subject=subject)
                told += 1
    return f"{told} reminders"
