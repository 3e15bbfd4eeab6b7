"""What the attack on skill-sharing sessions found (second round), each a test that
failed first: a host signing up strangers by trying ids, times changed after attendance
to inflate credits, members-only places named on pages and in the API, and meeting links
(with passwords) in the public calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from icalendar import Calendar

from kampung.assets.models import Asset
from kampung.errors import Conflict
from kampung.policy import membership
from kampung.skillshare import actions


def test_a_host_cannot_sign_up_people_they_do_not_see(
    cast, make_session, resident_without_login, client
):
    session = make_session(by=cast.user("resident"))
    with pytest.raises(PermissionDenied):
        actions.sign_up(by=cast.user("resident"), session=session, member=resident_without_login)
    client.force_login(cast.user("resident"))
    url = reverse("session_sign_up", args=[cast.community.slug, session.pk])
    answer = client.post(url, {"member": resident_without_login.pk}, follow=True)
    assert resident_without_login.display_name not in answer.content.decode()
    assert not session.signups.filter(member=resident_without_login).exists()


def test_a_host_still_cancels_for_someone_a_community_developer_signed_up(
    cast, make_session, resident_without_login
):
    session = make_session(by=cast.user("resident"))
    signup = actions.sign_up(
        by=cast.user("coordinator"), session=session, member=resident_without_login
    )
    assert actions.cancel_sign_up(by=cast.user("resident"), signup=signup).state == "cancelled"


def test_times_do_not_change_while_attendance_waits_for_credit(cast, make_past_session, neighbours):
    session = make_past_session(capacity=5)
    actions.sign_up(by=neighbours[0], session=session)
    actions.take_attendance(
        by=cast.user("volunteer"),
        session=session,
        occurs_on=session.starts_on,
        attendees=[membership(neighbours[0], cast.community)],
    )
    with pytest.raises(Conflict) as refused:
        actions.change_session(by=cast.user("volunteer"), session=session, end_time=dt.time(19, 0))
    assert "credit it before" in str(refused.value)
    actions.change_session(by=cast.user("volunteer"), session=session, title="Renamed")  # fine
    credit = actions.credit_attendance(
        by=cast.user("coordinator"), session=session, occurs_on=session.starts_on, basis="per_host"
    )
    assert credit.group_session.minutes == 60
    session.refresh_from_db()
    actions.change_session(by=cast.user("volunteer"), session=session, end_time=dt.time(12, 0))


def test_a_members_only_place_is_not_named_to_other_members(cast, make_session, client):
    hidden = Asset.objects.create(
        community=cast.community,
        name="Safe room at Block 5",
        category="place",
        visibility=Asset.Visibility.COORDINATORS,
    )
    session = make_session(by=cast.user("coordinator"), place=hidden)
    client.force_login(cast.user("resident"))
    slug = cast.community.slug
    for url in (
        reverse("session_detail", args=[slug, session.pk]),
        reverse("session_list", args=[slug]),
        f"/api/v1/communities/{slug}/sessions/{session.pk}",
    ):
        text = client.get(url).content.decode()
        assert "Safe room" not in text, url
        assert "Ask the host where" in text, url
    assert client.get(f"/api/v1/communities/{slug}/sessions/{session.pk}").json()["place"] is None
    client.force_login(cast.user("coordinator"))
    assert (
        "Safe room"
        in client.get(reverse("session_detail", args=[slug, session.pk])).content.decode()
    )


def test_the_public_calendar_does_not_hand_out_meeting_links(cast, make_session, client):
    make_session(place=None, online_link="https://meet.example.org/j/1?pwd=SECRET", is_public=True)
    feed = client.get(reverse("session_calendar", args=[cast.community.slug]))
    assert feed.status_code == 200
    assert b"pwd=SECRET" not in feed.content
    Calendar.from_ical(feed.content)
