"""Background tasks (django-tasks: the backport of Django 6's django.tasks). Each is
safe to run twice: `send_email` claims its outbox row first, so a duplicate task, or the
sweep's second try of a lost one, sends nothing twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from kampung.notices import mail
from kampung.notices.models import Email

log = logging.getLogger("kampung.tasks")

# After the first try fails: again in 1 minute, 5, 30, then 2 hours; then it is marked as
# failed for an administrator to see (and try again from the background work page).
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
MAX_ATTEMPTS = len(BACKOFF) + 1


@task()
def send_email(email_id: int) -> str:
    now = timezone.now()
    row = Email.objects.filter(pk=email_id).values("attempts").first()
    if row is None:
        return "gone"
    wait = BACKOFF[min(row["attempts"], len(BACKOFF) - 1)]
    # Claim it: only one task sends this row, and only when it is due.
    claimed = Email.objects.filter(
        pk=email_id, status=Email.Status.QUEUED, next_try_at__lte=now, attempts=row["attempts"]
    ).update(attempts=F("attempts") + 1, next_try_at=now + wait)
    if not claimed:
        return "not due"
    email = Email.objects.get(pk=email_id)
    try:
        mail.build(email).send(fail_silently=False)
    except Exception as exc:  # any mail server or network error: try again later
        error = f"{type(exc).__name__}: {exc}"[:300]
        if email.attempts >= MAX_ATTEMPTS:
            Email.objects.filter(pk=email_id).update(status=Email.Status.FAILED, last_error=error)
            log.warning("email failed for good", extra={"email_id": email_id})
            return "failed"
        Email.objects.filter(pk=email_id).update(last_error=error)
        send_email.using(run_after=email.next_try_at).enqueue(email_id)
        log.info("email will be tried again", extra={"email_id": email_id})
        return "retry"
    Email.objects.filter(pk=email_id).update(status=Email.Status.SENT, sent_at=timezone.now())
    return "sent"
