"""Periodic jobs. Apps register theirs with `@every(...)` (assets: review-due reminders;
matching: the weekly round-up; later apps: listing expiry, outcome follow-ups). The
worker calls `tick()` every few seconds: a job that is due is claimed with one
conditional UPDATE (so two workers never start it twice) and then run. Every job must be
idempotent on its own (kampung.notices.actions.once): running twice sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kampung.notices.models import Email, Notification, ScheduleRun

log = logging.getLogger("kampung.jobs")
DIGEST_HOUR = 8  # local time: the daily email and the weekly round-up go out after 8 am


@dataclass(frozen=True)
class Job:
    name: str
    label: str | Promise  # translated when shown
    every: timedelta
    func: Callable[[datetime], str]
    timing: str | Promise = ""  # when it really sends, in words (it may check more often)


JOBS: dict[str, Job] = {}


def every(interval: timedelta, *, name: str, label: str | Promise, timing: str | Promise = ""):
    def register(func: Callable[[datetime], str]) -> Callable[[datetime], str]:
        JOBS[name] = Job(name, label, interval, func, timing)
        return func

    return register


def due(now: datetime | None = None) -> list[str]:
    """Claim every job that is due now; return their names."""
    now = now or timezone.now()
    claimed = []
    # A row per job, made once (one query per round to check, not one per job).
    known = set(ScheduleRun.objects.filter(name__in=list(JOBS)).values_list("name", flat=True))
    missing = [ScheduleRun(name=n, next_run_at=now) for n in JOBS if n not in known]
    if missing:
        ScheduleRun.objects.bulk_create(missing, ignore_conflicts=True)
    for job in JOBS.values():
        if ScheduleRun.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every,
            last_started_at=now,
            outcome=ScheduleRun.Outcome.RUNNING,
        ):
            claimed.append(job.name)
    return claimed


def run(name: str, now: datetime | None = None) -> str:
    """Run one job now and record how it went (a failure is recorded, not raised, so one
    broken job never stops the others)."""
    now = now or timezone.now()
    job = JOBS[name]
    try:
        with transaction.atomic():
            summary = job.func(now)
        outcome = ScheduleRun.Outcome.OK
    except Exception as exc:
        log.exception("scheduled job failed", extra={"job": name})
        summary, outcome = f"{type(exc).__name__}: {exc}"[:300], ScheduleRun.Outcome.FAILED
    ScheduleRun.objects.filter(name=name).update(
        last_finished_at=timezone.now(), outcome=outcome, summary=str(summary)[:300]
    )
    return str(summary)


def tick(now: datetime | None = None) -> list[str]:
    """What the worker calls: run every job that is due."""
    return [f"{name}: {run(name, now)}" for name in due(now)]


def run_all_now(now: datetime | None = None) -> list[str]:
    """Run every job regardless of its next time (`kampung worker --run-schedules-now`,
    and tests): still idempotent, as every job is."""
    return [f"{name}: {run(name, now)}" for name in JOBS]


# --- This app's own jobs ------------------------------------------------------------------


@every(
    timedelta(minutes=5),
    name="email-sweep",
    label=_("Send on any email that got stuck on its way"),
    timing=_("Every 5 minutes."),
)
def sweep_outbox(now: datetime) -> str:
    """An email whose task never arrived (the process stopped between the commit and the
    enqueue, or the queue was emptied) is enqueued again."""
    from kampung.notices.tasks import send_email

    late = list(
        Email.objects.filter(
            status=Email.Status.QUEUED, next_try_at__lte=now - timedelta(minutes=2)
        ).values_list("pk", flat=True)[:500]
    )

    def enqueue_all() -> None:
        for pk in late:
            send_email.enqueue(pk)

    transaction.on_commit(enqueue_all)
    return f"{len(late)} emails sent on again"


@every(
    timedelta(days=1),
    name="purge-sent-emails",
    label=_("Remove copies of sent emails after 30 days"),
    timing=_("Once a day."),
)
def purge_outbox(now: datetime) -> str:
    from kampung.notices.actions import purge_sent

    return f"{purge_sent()} old emails removed"


@every(
    timedelta(hours=1),
    name="daily-digest",
    label=_("One email a day for those who chose it"),
    timing=_("Checked every hour; each person gets one a day, after 8 am their time."),
)
def daily_digest(now: datetime) -> str:
    """Members who chose "one email a day" for a kind get their unsent messages of those
    kinds in one email, once a day (the key is the member and the day)."""
    from django.utils import translation
    from django.utils.translation import gettext as _g

    from kampung.notices import actions, mail
    from kampung.notices.models import How, Preference

    cutoff = now - timedelta(days=7)
    sent = 0
    daily = Preference.objects.filter(how=How.DAILY, member__is_active=True).select_related(
        "member__community", "member__user"
    )
    members = {p.member_id: p.member for p in daily}
    kinds_of: dict[int, set[str]] = {}
    for p in daily:
        kinds_of.setdefault(p.member_id, set()).add(p.kind)
    for member_id, member in members.items():
        waiting = list(
            Notification.objects.filter(
                member_id=member_id,
                kind__in=kinds_of[member_id],
                digested_at=None,
                read_at=None,
                created_at__gte=cutoff,
            ).order_by("created_at")[:50]
        )
        if not waiting or not actions.email_address(member):
            continue
        # In the morning where the member lives, once that day.
        local = now.astimezone(ZoneInfo(member.community.timezone or "UTC"))
        if local.hour < DIGEST_HOUR:
            continue
        day = local.date().isoformat()
        if not actions.once(f"daily:{member_id}:{day}"):
            continue
        with translation.override(actions.language_of(member)):
            lines = [
                f"- {n.text}" + (f"\n  {mail.absolute(n.url)}" if n.url else "") for n in waiting
            ]
            body = _g("Hello %(name)s,\n\nWhat happened in Kampung since yesterday:\n\n") % {
                "name": member.display_name
            } + "\n".join(lines)
            actions.queue_email(
                member=member,
                # One email; its one-click link stops the daily email (every kind in it).
                kind="daily",
                subject=_g("Kampung: your messages of the day (%(n)d)") % {"n": len(waiting)},
                text=body,
            )
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(digested_at=now)
        sent += 1
    return f"{sent} daily emails"
