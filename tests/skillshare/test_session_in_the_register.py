"""Each session is one asset of the register (an association, at its place), kept in
step when the session changes, so the gap analysis counts it where it meets."""

from __future__ import annotations

from kampung.assets import queries as asset_queries
from kampung.skillshare import actions


def test_a_session_is_one_association_at_its_place_kept_in_step(cast, make_session):
    session = make_session(title="Repair cafe")
    asset = session.asset
    assert asset.category == "association" and asset.name == "Repair cafe"
    assert (asset.lat, asset.lng) == (session.place.lat, session.place.lng)
    assert asset.steward_member_id == session.host_id
    actions.change_session(by=cast.user("volunteer"), session=session, title="Repair café")
    asset.refresh_from_db()
    assert asset.name == "Repair café"
    points = asset_queries.gap_asset_points(cast.user("coordinator"), cast.community)
    assert any(
        c == "association" and (lat, lng) == (asset.lat, asset.lng) for lat, lng, c, _k in points
    )


def test_an_online_session_is_online_in_the_register(cast, make_session):
    session = make_session(place=None, online_link="https://meet.example.org/x")
    assert session.asset.location_kind == "online" and session.asset.lat is None
