"""The demo's "Tech and tea": weekly, hosted by Vijay at a place of the demo, full with a
waiting list; Rosnah is not signed up, so she can try. Seeding again adds nothing."""

from __future__ import annotations

from kampung.skillshare.demo import CAPACITY, TITLE, seed_sessions
from kampung.skillshare.models import Session, SignUp


def test_the_demo_has_a_full_weekly_tech_and_tea_with_a_waiting_list(cast):
    session = Session.objects.get(community=cast.community, title=TITLE)
    assert session.repeat == "weekly" and session.host == cast.members["volunteer"]
    assert session.place is not None and session.place.category == "place"
    assert session.asset is not None and session.asset.category == "association"
    states = list(SignUp.objects.filter(session=session).values_list("state", flat=True))
    assert states.count("booked") == CAPACITY and states.count("waiting") >= 1
    assert not SignUp.objects.filter(session=session, member=cast.members["resident"]).exists()
    seed_sessions()
    assert Session.objects.filter(title=TITLE).count() == 1
