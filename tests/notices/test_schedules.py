"""The schedules: review-due reminders (the steward, then weekly; community developers
for places nobody can be reminded about), the weekly round-up for those who asked, and
the daily email. Running any of them twice sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kampung.assets import actions as asset_actions
from kampung.assets.models import Asset
from kampung.notices import actions as notices
from kampung.notices import jobs
from kampung.notices.models import Email, Notification, Preference, ScheduleRun

pytestmark = pytest.mark.django_db(transaction=True)


def _vijays_place(cast):
    return Asset.objects.get(steward_member=cast.members["volunteer"], source="seed")


def test_the_demo_steward_is_reminded_once_then_weekly_until_checked(
    cast, tasks_backend, run_worker
):
    vijay = cast.members["volunteer"]
    place = _vijays_place(cast)
    assert place.review_due < timezone.localdate()
    now = timezone.now()
    jobs.run("review-due-reminders", now)
    run_worker()
    note = Notification.objects.get(member=vijay, kind="review_due")
    assert place.name in note.text and note.url.endswith(f"/assets/{place.pk}/")
    to_vijay = [m for m in mail.outbox if m.to == [vijay.email or vijay.user.email]]
    assert len(to_vijay) == 1 and place.name in to_vijay[0].body
    # Again the same day, and again later that week: nothing new.
    jobs.run("review-due-reminders", now)
    jobs.run("review-due-reminders", now + timedelta(days=2))
    run_worker()
    assert Notification.objects.filter(member=vijay, kind="review_due").count() == 1
    # A week on, still not checked: one more.
    jobs.run("review-due-reminders", now + timedelta(days=7))
    assert Notification.objects.filter(member=vijay, kind="review_due").count() == 2
    # Checked: no more reminders.
    asset_actions.verify_asset(by=cast.user("volunteer"), asset=place)
    jobs.run("review-due-reminders", now + timedelta(days=14))
    assert Notification.objects.filter(member=vijay, kind="review_due").count() == 2


def test_community_developers_get_one_line_a_week_for_places_nobody_can_be_reminded_about(
    cast,
):
    coordinator = cast.members["coordinator"]
    now = timezone.now()
    jobs.run("review-due-reminders", now)
    jobs.run("review-due-reminders", now + timedelta(hours=1))
    lines = Notification.objects.filter(member=coordinator, kind="review_due")
    assert lines.count() == 1
    assert "due a check, with nobody Kampung can remind" in lines.get().text
    # Seeded stewards have no login and never asked for email: none is sent to them.
    assert not Email.objects.filter(member__user=None).exists()


def test_the_worker_runs_each_schedule_when_due_and_records_how_it_went(
    cast, tasks_backend, run_worker, client
):
    run_worker(schedules=True)
    runs = {r.name: r for r in ScheduleRun.objects.all()}
    assert set(runs) == set(jobs.JOBS)
    assert all(r.outcome == "ok" for r in runs.values()), [
        (r.name, r.summary) for r in runs.values()
    ]
    assert runs["review-due-reminders"].next_run_at > timezone.now()
    before = Notification.objects.count()
    run_worker(schedules=True)  # nothing is due again yet
    assert Notification.objects.count() == before
    client.force_login(cast.user("admin"))
    page = client.get(f"/c/{cast.community.slug}/background/").content.decode()
    assert "Remind the people who look after places and groups" in page and "Done" in page
    client.force_login(cast.user("coordinator"))
    assert client.get(f"/c/{cast.community.slug}/background/").status_code == 403


def test_a_failing_job_is_recorded_and_the_others_still_run(cast, monkeypatch):
    def broken(now):
        raise ValueError("broken on purpose")

    monkeypatch.setitem(
        jobs.JOBS, "broken", jobs.Job("broken", "Broken", timedelta(hours=1), broken)
    )
    lines = jobs.tick()
    assert any(line.startswith("broken: ValueError") for line in lines)
    assert ScheduleRun.objects.get(name="broken").outcome == "failed"
    assert ScheduleRun.objects.get(name="review-due-reminders").outcome == "ok"


def _round_up_for(member):
    Preference.objects.update_or_create(
        member=member, kind="weekly_digest", defaults={"how": "email"}
    )


def test_the_weekly_round_up_goes_to_those_who_asked_once_a_week(cast, tasks_backend, run_worker):
    from kampung.matching import actions as matching

    vijay, rosnah = cast.members["volunteer"], cast.members["resident"]
    _round_up_for(vijay)
    matching.post_need(
        by=cast.user("coordinator"),
        community=cast.community,
        member=rosnah,
        title="My private worry about my son",
        tags=["befriending"],
    )
    now = timezone.now()
    # A Tuesday afternoon in Singapore, within the week: never "Monday before 8 am".
    tuesday = (now + timedelta(days=(1 - now.weekday()) % 7)).replace(hour=6)
    jobs.run("weekly-digest", tuesday)
    jobs.run("weekly-digest", tuesday + timedelta(hours=3))
    run_worker()
    digests = [m for m in mail.outbox if "this week near you" in m.subject]
    assert len(digests) == 1, "once a week, to the one member who asked"
    body = digests[0].body
    assert digests[0].to == [vijay.email or vijay.user.email]
    # A volunteer is told how many asked for what kind of help, never who or in what words.
    assert "asked for" in body
    assert "My private worry" not in body and "Rosnah" not in body
    assert "Stop these emails" in body
    # Rosnah did not ask for a round-up: none for her.
    assert not [m for m in mail.outbox if m.to == [rosnah.email or rosnah.user.email]]


def test_a_community_developer_round_up_names_the_requests(cast, tasks_backend, run_worker):
    coordinator = cast.members["coordinator"]
    coordinator.area_lat, coordinator.area_lng = None, None
    coordinator.save()
    _round_up_for(coordinator)
    jobs.run("weekly-digest", timezone.now())
    run_worker()
    (digest,) = [m for m in mail.outbox if "this week near you" in m.subject]
    assert "Help setting up my new phone" in digest.body


def test_a_daily_email_carries_the_days_messages_once(cast, tasks_backend, run_worker):
    vijay = cast.members["volunteer"]
    Preference.objects.create(member=vijay, kind="matching", how="daily")
    notices.notify(vijay, "You have been asked to help: a lift", "/x/")
    notices.notify(vijay, "Rosnah sent you a message", "/y/")
    assert not Email.objects.filter(member=vijay).exists()  # not straight away
    morning = timezone.now().replace(hour=12)
    jobs.run("daily-digest", morning)
    jobs.run("daily-digest", morning + timedelta(hours=2))
    run_worker()
    (daily,) = [m for m in mail.outbox if m.to == [vijay.email or vijay.user.email]]
    assert "a lift" in daily.body and "sent you a message" in daily.body
