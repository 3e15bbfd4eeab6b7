"""The day-before reminder: everyone with a place at a session tomorrow (in the
community's time zone) is told once. The key holds the sign-up and the date, so running
the job again sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.notices import actions as notices
from kampung.notices import kinds
from kampung.notices.jobs import every
from kampung.skillshare.models import Session, SignUp

kinds.register(
    kinds.Kind(
        "sessions",
        gettext_lazy("Skill-sharing sessions"),
        gettext_lazy(
            "A reminder the day before a session you signed up for, a place offered from "
            "the waiting list, a date cancelled."
        ),
        kinds.How.EMAIL,
    )
)


@every(
    timedelta(hours=1),
    name="session-reminders",
    label=gettext_lazy("Remind people the day before a session they signed up for"),
    timing=gettext_lazy("Checked every hour; each person is reminded once per date."),
)
def remind_tomorrow(now: datetime) -> str:
    told = 0
    for session in Session.objects.select_related("community").iterator(chunk_size=200):
        tomorrow = now.astimezone(ZoneInfo(session.community.timezone)).date() + timedelta(days=1)
        if not session.is_date(tomorrow):
            continue
        booked = (
            SignUp.objects.filter(session=session, state=SignUp.State.BOOKED)
            .filter(Q(occurs_on=tomorrow) | Q(occurs_on__isnull=True))
            .select_related("member__community", "member__user")
        )
        url = reverse("session_detail", args=[session.community.slug, session.pk])
        for signup in booked:
            if not notices.once(f"session-reminder:{signup.pk}:{tomorrow.isoformat()}"):
                continue
            with translation.override(notices.language_of(signup.member)):
                text = _(
                    "Tomorrow: “%(title)s” at %(time)s. If you cannot come, cancel your "
                    "place so someone else can have it."
                ) % {
                    "title": session.title,
                    "time": formats.time_format(session.start_time, "H:i"),
                }
            notices.notify(signup.member, text, url, kind="sessions")
            told += 1
    return f"{told} reminders"


@every(
    timedelta(hours=1),
    name="session-offers",
    label=gettext_lazy("Give a place offered from the waiting list to the next person"),
    timing=gettext_lazy(
        "Checked every hour: a place not answered within a day, or whose date has "
        "started, goes to the next in line."
    ),
)
def expire_offers(now: datetime) -> str:
    from kampung.skillshare import actions

    return f"{actions.expire_offers(now=now)} places given back"
