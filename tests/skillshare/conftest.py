"""Sessions for tests: a weekly one hosted by the volunteer, starting today."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kampung.assets.models import Asset
from kampung.people.models import Member, Role, User
from kampung.skillshare import actions


def a_place(community):
    return (
        Asset.objects.filter(community=community, category="place")
        .exclude(lat=None)
        .order_by("pk")
        .first()
    )


@pytest.fixture
def community_time(cast):
    """Dates as the community's pages see them (its time zone), in the test too."""
    timezone.activate(ZoneInfo(cast.community.timezone))
    yield
    timezone.deactivate()


@pytest.fixture
def make_session(cast, community_time):
    def make(**overrides):
        fields = dict(
            title="Mending clinic",
            description="Bring something torn.",
            place=a_place(cast.community),
            capacity=2,
            waiting_list=True,
            is_public=True,
            starts_on=timezone.localdate(),
            start_time=dt.time(10, 0),
            end_time=dt.time(11, 0),
            repeat="weekly",
        )
        fields.update(overrides)
        by = fields.pop("by", cast.user("volunteer"))
        return actions.create_session(by=by, community=cast.community, **fields)

    return make


@pytest.fixture
def neighbours(cast):
    """Four members with logins (they sign themselves up), in the main community."""
    out = []
    for i in range(4):
        user = User.objects.create_user(f"neighbour{i}@test.kampung", "pw-123456789")
        Member.objects.create(
            community=cast.community, user=user, display_name=f"Neighbour {i}", role=Role.RESIDENT
        )
        out.append(user)
    return out


@pytest.fixture
def make_past_session(make_session):
    """A weekly session added to Kampung eight days ago whose first date (`starts_on`)
    was a week ago, so that date has started and ended: attendance and crediting are
    allowed only then (and never for a date before the session was added)."""
    from kampung.skillshare.models import Session

    def make(**overrides):
        overrides.setdefault("starts_on", timezone.localdate() - dt.timedelta(days=7))
        session = make_session(**overrides)
        Session.objects.filter(pk=session.pk).update(
            created_at=timezone.now() - dt.timedelta(days=8)
        )
        session.refresh_from_db()
        return session

    return make
