"""Found by the attack: a first date far away (year 1 slowed every page listing dates;
one near 9999 broke the session page), attendance for people who never had a place, and
attendance for a date before the session was added (a backdated session then credited).
Each is refused with the field named, and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kampung.people.models import Member
from kampung.skillshare import actions
from kampung.skillshare.models import Attendance, Session
from tests.skillshare.conftest import a_place
from tests.skillshare.test_session_api import _bearer, _post


def _body(cast, starts_on: str) -> dict:
    return {
        "title": "Far away",
        "place": a_place(cast.community).pk,
        "capacity": 3,
        "starts_on": starts_on,
        "start_time": "10:00",
        "end_time": "11:00",
        "repeat": "weekly",
    }


@pytest.mark.parametrize("starts_on", ["0001-01-01", "9999-12-01", "2024-01-01"])
def test_a_first_date_far_away_is_refused_through_the_api(csrf_client, cast, starts_on):
    before = Session.objects.count()
    response = _post(
        csrf_client,
        f"/api/v1/communities/{cast.community.slug}/sessions",
        _body(cast, starts_on),
        _bearer(cast.user("volunteer")),
    )
    assert response.status_code == 422
    assert "starts_on" in response.json()["error"]["fields"]
    assert Session.objects.count() == before


def test_a_first_date_far_away_is_refused_on_the_page(client, cast):
    client.force_login(cast.user("volunteer"))
    url = reverse("session_create", args=[cast.community.slug])
    data = _body(cast, "9999-12-01")
    before = Session.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "within the last year or the next two years" in text and 'href="#id_starts_on"' in text
    assert Session.objects.count() == before


def test_an_old_first_date_may_stay_when_the_session_is_changed(cast, make_session):
    session = make_session()
    Session.objects.filter(pk=session.pk).update(starts_on=timezone.localdate().replace(year=2020))
    session.refresh_from_db()
    actions.change_session(
        by=cast.user("volunteer"),
        session=session,
        title="Still going",
        place=session.place,
        capacity=session.capacity,
        starts_on=session.starts_on,
        start_time=session.start_time,
        end_time=dt.time(11, 0),
        repeat="weekly",
    )
    session.refresh_from_db()
    assert session.title == "Still going"


def _attendance(csrf_client, cast, session, day, people):
    return _post(
        csrf_client,
        f"/api/v1/communities/{cast.community.slug}/sessions/{session.pk}/attendance",
        {"occurs_on": str(day), "attendees": [m.pk for m in people]},
        _bearer(cast.user("volunteer")),
    )


def test_attendance_for_people_without_a_place_is_refused(
    csrf_client, cast, make_past_session, neighbours
):
    session = make_past_session()
    actions.sign_up(by=neighbours[0], session=session, occurs_on=None)
    had = Member.objects.get(user=neighbours[0])
    never = Member.objects.filter(community=cast.community, user=None).first()
    response = _attendance(csrf_client, cast, session, session.starts_on, [had, never])
    assert response.status_code == 422
    assert "attendees" in response.json()["error"]["fields"]
    assert not Attendance.objects.filter(session=session).exists()
    response = _attendance(csrf_client, cast, session, session.starts_on, [had])
    assert response.status_code == 200 and response.json()["came"] == 1


def test_attendance_before_the_session_was_added_is_refused(
    csrf_client, client, cast, make_session, neighbours
):
    a_month_ago = timezone.localdate() - dt.timedelta(days=28)
    session = make_session(starts_on=a_month_ago)
    people = list(Member.objects.filter(community=cast.community, user=None)[:5])
    response = _attendance(csrf_client, cast, session, a_month_ago, people)
    assert response.status_code == 422
    assert "occurs_on" in response.json()["error"]["fields"]
    assert not Attendance.objects.filter(session=session).exists()
    # The page refuses it too.
    client.force_login(cast.user("volunteer"))
    url = reverse("session_attendance", args=[cast.community.slug, session.pk])
    page = client.post(url, {"date": str(a_month_ago)}, follow=True).content.decode()
    assert "before this session was added" in page
    assert not Attendance.objects.filter(session=session).exists()
