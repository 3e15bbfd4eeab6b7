"""Two people taking the last place at the same moment: only one gets it (PostgreSQL
only: SQLite serialises every writer, so it cannot show a race). The session's row is
locked (select_for_update) before places are counted."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from kampung.communities.models import Community
from kampung.people.models import Member, Role, User
from kampung.skillshare import actions
from kampung.skillshare.models import SignUp

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PEOPLE = 6


def test_only_one_person_gets_the_last_place():
    community = Community.objects.create(
        slug="race", name="Race", centre_lat=0, centre_lng=0, timezone="UTC"
    )
    host_user = User.objects.create_user("host@example.test", "x" * 12)
    Member.objects.create(
        community=community, user=host_user, display_name="Host", role=Role.VOLUNTEER
    )
    session = actions.create_session(
        by=host_user,
        community=community,
        title="Last seat",
        online_link="https://meet.example.org/race",
        capacity=1,
        waiting_list=False,
        starts_on=dt.date.today() + dt.timedelta(days=1),
        start_time=dt.time(10),
        end_time=dt.time(11),
        repeat="weekly",
    )
    users = []
    for i in range(PEOPLE):
        user = User.objects.create_user(f"racer{i}@example.test", "x" * 12)
        Member.objects.create(community=community, user=user, display_name=f"Racer {i}")
        users.append(user)
    got, full, unexpected = [], [], []
    start = threading.Barrier(PEOPLE)

    def worker(user) -> None:
        try:
            start.wait()
            try:
                got.append(actions.sign_up(by=user, session=session).pk)
            except actions.Conflict:
                full.append(user.pk)
        except Exception as exc:  # noqa: BLE001 (reported below)
            unexpected.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    assert len(got) == 1 and len(full) == PEOPLE - 1
    assert SignUp.objects.filter(session=session, state="booked").count() == 1
