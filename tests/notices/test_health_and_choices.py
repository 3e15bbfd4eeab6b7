"""/healthz for load balancers; members choosing how they are told; the one-click
unsubscribe link that needs no login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kampung.notices import actions, mail
from kampung.notices.models import Email, Preference, WorkerBeat

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DB_TASKS)
def test_healthz_is_503_until_a_worker_runs_and_again_when_it_stops(db, client):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["database"]["ok"] and body["cache"]["ok"]
    assert body["tasks"]["problems"] == ["no worker has run"]
    WorkerBeat.objects.create(worker_id="w1", backend="database")
    answer = client.get("/healthz")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["tasks"]["oldest_queued_task_seconds"] is None
    assert answer["Cache-Control"].startswith("max-age=0")
    WorkerBeat.objects.update(seen_at=timezone.now() - timedelta(minutes=10))
    assert client.get("/healthz").status_code == 503


@override_settings(TASKS=DB_TASKS)
def test_healthz_is_503_when_tasks_wait_too_long(db, client):
    from kampung.notices.tasks import send_email

    WorkerBeat.objects.create(worker_id="w1", backend="database")
    send_email.enqueue(12345)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    body = client.get("/healthz").json()
    assert body["tasks"]["oldest_queued_task_seconds"] >= 3600
    assert "tasks are waiting too long" in body["tasks"]["problems"]


def test_healthz_says_nothing_personal_and_needs_no_login(cast, client):
    text = client.get("/healthz").content.decode()
    for word in ("Rosnah", "Vijay", "@", "kampung-seri-mawar"):
        assert word not in text


def _every_kind(**chosen) -> dict:
    """The choices page as a browser sends it: one answer for every kind (its radio
    buttons always send one), the default where the test chose nothing."""
    from kampung.notices import kinds

    return {kind.code: chosen.get(kind.code, kind.default) for kind in kinds.choosable()}


def test_a_member_chooses_email_for_one_kind_and_it_is_kept(cast, client):
    client.force_login(cast.user("volunteer"))
    url = reverse("message_choices", args=[cast.community.slug])
    page = client.get(url).content.decode()
    assert "Requests for help and helpers" in page and "Your login" not in page
    client.post(url, _every_kind(matching="email", review_due="site", weekly_digest="email"))
    me = cast.members["volunteer"]
    assert actions.how_member_is_told(me, "matching") == "email"
    assert actions.how_member_is_told(me, "weekly_digest") == "email"
    answer = client.post(url, _every_kind(matching="sms", review_due="site", weekly_digest="email"))
    assert answer.status_code == 200 and "Select a valid choice" in answer.content.decode()


def test_staff_choose_only_for_someone_without_a_login(cast, client, resident_without_login):
    from kampung.audit.models import AuditEvent

    client.force_login(cast.user("coordinator"))
    url = reverse("member_message_choices", args=[cast.community.slug, resident_without_login.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    name = resident_without_login.display_name
    # In the words of someone choosing for them: they never see Kampung's Messages page.
    assert f"How Kampung tells {name}" in html and "has no login" in html
    assert "Not by email (a community developer tells them)" in html
    assert "Send me the round-up" not in html and "my Messages page" not in html
    assert AuditEvent.objects.filter(
        action="view", object_id=str(resident_without_login.pk), actor=cast.user("coordinator")
    ).exists()
    client.post(url, _every_kind(matching="site", review_due="email", weekly_digest="site"))
    assert actions.how_member_is_told(resident_without_login, "review_due") == "email"
    with_login = reverse(
        "member_message_choices", args=[cast.community.slug, cast.members["resident"].pk]
    )
    assert client.get(with_login).status_code == 403
    client.force_login(cast.user("analyst"))
    assert client.get(url).status_code == 403
    outsider = reverse("member_message_choices", args=[cast.other.slug, resident_without_login.pk])
    client.force_login(cast.user("outsider"))
    assert client.get(outsider).status_code == 404


def test_nobody_without_a_login_is_emailed_unless_they_said_so(cast, resident_without_login):
    assert resident_without_login.email
    actions.notify(resident_without_login, "You have been asked to help", "")
    assert not Email.objects.filter(member=resident_without_login).exists()


def test_one_click_unsubscribe_needs_no_login_and_no_csrf_token(cast, csrf_client):
    vijay = cast.members["volunteer"]
    Preference.objects.create(member=vijay, kind="weekly_digest", how="email")
    queued = actions.queue_email(member=vijay, kind="weekly_digest", subject="s", text="t")
    path = reverse("unsubscribe", args=[mail.unsubscribe_token(vijay.pk, "weekly_digest")])
    page = csrf_client.get(path)
    assert page.status_code == 200 and "Yes, stop these emails" in page.content.decode()
    done = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})  # as a mail program does
    assert done.status_code == 200 and "no more emails" in done.content.decode()
    assert actions.how_member_is_told(vijay, "weekly_digest") == "site"
    queued.refresh_from_db()
    assert queued.status == Email.Status.CANCELLED  # nothing waiting goes out after all
    again = csrf_client.get(path).content.decode()  # the link opened a second time
    assert "already stopped" in again and "Yes, stop these emails" not in again


@pytest.mark.parametrize("token", ["nonsense", "eyJtIjoxfQ:1abc:forged", "x" * 600, "%00"])
def test_a_forged_or_damaged_unsubscribe_link_changes_nothing(cast, csrf_client, token):
    from kampung.notices.models import Preference as P

    answer = csrf_client.post(f"/unsubscribe/{token}/")
    assert answer.status_code in (400, 404)
    assert not P.objects.exists()


def test_an_unsubscribe_token_cannot_be_made_for_someone_else(cast):
    """The token is signed with the site's key: changing the member inside it breaks it."""
    import base64

    token = mail.unsubscribe_token(cast.members["volunteer"].pk, "weekly_digest")
    body, _sep, rest = token.partition(":")
    other = base64.urlsafe_b64encode(b'{"m":1,"k":"weekly_digest"}').decode().rstrip("=")
    from kampung.errors import Invalid

    with pytest.raises(Invalid):
        actions.unsubscribe(token=f"{other}:{rest}")
