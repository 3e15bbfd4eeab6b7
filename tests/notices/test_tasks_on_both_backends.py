"""Emails go through a background task after the change commits, on the database
backend and on RQ: sent once by the worker, tried again when the mail server is down,
and in the end marked as failed for an administrator (the message in the site stays)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kampung.notices import actions
from kampung.notices.models import Email, Notification, Preference
from kampung.notices.tasks import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db(transaction=True)


def _choose_email(member, kind="matching"):
    Preference.objects.update_or_create(member=member, kind=kind, defaults={"how": "email"})


def test_an_email_is_sent_once_by_the_worker_after_commit(cast, tasks_backend, run_worker):
    volunteer = cast.members["volunteer"]
    _choose_email(volunteer)
    with transaction.atomic():
        actions.notify(volunteer, "You have been asked to help: a lift", "/c/x/matches/1/")
        assert not mail.outbox  # nothing leaves before the commit
    email = Email.objects.get(member=volunteer)
    assert email.status == Email.Status.QUEUED
    run_worker()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT, email.last_error
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [volunteer.email or volunteer.user.email]
    assert "You have been asked to help: a lift" in sent.body  # the plain-text part
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.unsubscribe_url in sent.extra_headers["List-Unsubscribe"]
    run_worker()  # a second round (or a duplicate task) sends nothing again
    from kampung.notices.tasks import send_email

    send_email.enqueue(email.pk)
    run_worker()
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_sends_nothing(cast, tasks_backend, run_worker):
    volunteer = cast.members["volunteer"]
    _choose_email(volunteer)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.notify(volunteer, "You have been asked to help", "")
        raise RuntimeError("the change failed")
    run_worker()
    assert not Email.objects.exists() and not mail.outbox
    assert not Notification.objects.filter(
        member=volunteer, text="You have been asked to help"
    ).exists()


@override_settings(EMAIL_BACKEND="tests.notices.conftest.FailingEmailBackend")
def test_a_mail_server_that_is_down_is_tried_again_then_the_email_is_marked_failed(
    cast, tasks_backend, run_worker, client
):
    volunteer = cast.members["volunteer"]
    _choose_email(volunteer)
    with transaction.atomic():
        actions.notify(volunteer, "You have been asked to help", "")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # Each retry waits (1 min, 5, 30, 2 h): pretend the wait is over.
        Email.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))
        from kampung.notices.tasks import send_email

        send_email.enqueue(Email.objects.get().pk)
        run_worker()
        email = Email.objects.get()
        assert email.attempts == attempt
    assert email.status == Email.Status.FAILED
    assert "mail server is down" in email.last_error
    # The message in the site was never lost.
    assert Notification.objects.filter(member=volunteer).exists()
    # An administrator sees it and sends it again, now that the server is back.
    client.force_login(cast.user("admin"))
    page = client.get(reverse("background_work", args=[cast.community.slug])).content.decode()
    assert "Emails that could not be sent" in page and "You have been asked to help" in page
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        client.post(reverse("retry_email", args=[cast.community.slug, email.pk]))
        run_worker()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and len(mail.outbox) == 1


def test_a_lost_task_is_picked_up_by_the_sweep(cast, tasks_backend, run_worker):
    """The process stopped between the commit and the enqueue: the outbox row waits, and
    the five-minute sweep sends it on."""
    from kampung.notices import jobs

    volunteer = cast.members["volunteer"]
    email = Email.objects.create(
        member=volunteer,
        to="vijay@example.org",
        kind="matching",
        subject="Lost",
        text="Lost in the queue",
        next_try_at=timezone.now() - timedelta(minutes=10),
    )
    with transaction.atomic():
        jobs.run("email-sweep")
    run_worker()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
