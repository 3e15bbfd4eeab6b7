"""Found by the attack: a members-only place's name was in the public calendar feed's
LOCATION. The public feed names (and places on a map, GEO) only places shared with
everyone; a member's own feed may name places members may see."""

from __future__ import annotations

from django.urls import reverse
from icalendar import Calendar

from kampung.assets.models import Asset
from kampung.skillshare import actions
from kampung.skillshare.models import Session


def _events(client, url):
    return list(Calendar.from_ical(client.get(url).content).walk("VEVENT"))


def _members_only_place(cast):
    place = Asset.objects.filter(community=cast.community, category="place").exclude(lat=None)[0]
    Asset.objects.filter(pk=place.pk).update(
        visibility=Asset.Visibility.MEMBERS, name="Back room of Block 7"
    )
    return place


def test_the_public_feed_does_not_name_a_members_only_place(client, cast, make_session):
    place = _members_only_place(cast)
    session = make_session(title="Quiet knitting", place=place)
    Session.objects.filter(pk=session.pk).update(place=place)
    events = [
        e
        for e in _events(client, reverse("session_calendar", args=[cast.community.slug]))
        if str(e["SUMMARY"]) == "Quiet knitting"
    ]
    assert events
    for event in events:
        assert "Back room" not in event.to_ical().decode()
        assert "GEO" not in event
        assert str(event.get("LOCATION", "Ask the host where")) == "Ask the host where"


def test_a_members_own_feed_names_the_members_only_place(client, cast, make_session, neighbours):
    place = _members_only_place(cast)
    session = make_session(title="Quiet knitting", place=place)
    actions.sign_up(by=neighbours[0], session=session)
    secret = actions.new_calendar_link(by=neighbours[0], community=cast.community)
    events = _events(client, reverse("session_my_calendar", args=[cast.community.slug, secret]))
    (event,) = [e for e in events if str(e["SUMMARY"]) == "Quiet knitting"]
    assert str(event["LOCATION"]) == "Back room of Block 7"
    assert "GEO" not in event
