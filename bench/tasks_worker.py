"""Runs inside one benchmark process (see bench/tasks.py); prints one JSON line."""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import timedelta

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kampung.assets.models import Asset, Category  # noqa: E402
from kampung.communities.models import Community  # noqa: E402
from kampung.notices import actions, jobs, worker  # noqa: E402
from kampung.notices.models import Email, Notification  # noqa: E402
from kampung.people.models import Member, Role, User  # noqa: E402


def main(n_emails: int, n_assets: int) -> dict:
    community = Community.objects.create(
        name="Bench", slug="bench", centre_lat=1.3, centre_lng=103.8
    )
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example", display_name=f"M{i}") for i in range(200)]
    )
    members = Member.objects.bulk_create(
        [
            Member(
                community=community,
                user=u,
                display_name=u.display_name,
                email=u.email,
                role=Role.VOLUNTEER,
            )
            for u in users
        ]
    )
    start = time.perf_counter()
    for i in range(n_emails):
        with transaction.atomic():
            actions.queue_email(
                member=members[i % len(members)], kind="matching", subject="Bench", text="x" * 400
            )
    enqueue_s = time.perf_counter() - start
    start = time.perf_counter()
    while Email.objects.filter(status=Email.Status.QUEUED).exists():
        worker.run_ready_tasks(worker.backend_kind(), "bench")
    drain_s = time.perf_counter() - start
    lat = [
        (sent - created).total_seconds() * 1000
        for created, sent in Email.objects.values_list("created_at", "sent_at")
    ]
    assert Email.objects.filter(status=Email.Status.SENT).count() == n_emails
    due = timezone.localdate() - timedelta(days=10)
    Asset.objects.bulk_create(
        [
            Asset(
                community=community,
                name=f"Place {i}",
                category=Category.PLACE,
                steward_member=members[i % len(members)],
                review_due=due,
                lat=1.3,
                lng=103.8,
            )
            for i in range(n_assets)
        ],
        batch_size=2000,
    )
    start = time.perf_counter()
    jobs.run("review-due-reminders")
    first = time.perf_counter() - start
    told = Notification.objects.filter(kind="review_due").count()
    start = time.perf_counter()
    jobs.run("review-due-reminders")
    again = time.perf_counter() - start
    assert Notification.objects.filter(kind="review_due").count() == told == n_assets
    return {
        "enqueue_per_s": round(n_emails / enqueue_s, 1),
        "emails_per_s": round(n_emails / drain_s, 1),
        "latency_p50_ms": round(statistics.median(lat), 1),
        "latency_p95_ms": round(statistics.quantiles(lat, n=20)[-1], 1),
        "review_due_first_s": round(first, 2),
        "review_due_again_s": round(again, 2),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
