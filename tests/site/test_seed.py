"""The demo neighbourhood is deterministic, idempotent and inside its area."""

from __future__ import annotations

import math

from django.core.management import call_command

from kampung.communities.models import Community
from kampung.demo import COMMUNITIES, seed_demo
from kampung.people.models import Member
from kampung.people.skills import SKILLS


def _snapshot():
    return list(
        Member.objects.filter(user__isnull=True)
        .order_by("pk")
        .values_list("display_name", "languages", "skills", "area_lat", "area_lng")
    )


class _Undo(Exception):
    pass


def _seed_and_snapshot(seed):
    from django.db import transaction

    try:
        with transaction.atomic():
            seed_demo(members=60, seed=seed)
            snapshot = _snapshot()
            raise _Undo
    except _Undo:
        return snapshot


def test_the_same_seed_builds_the_same_people(empty_db):
    first = _seed_and_snapshot(3)
    assert not Community.objects.exists()
    assert _seed_and_snapshot(3) == first
    assert _seed_and_snapshot(4) != first


def test_running_it_again_changes_nothing(empty_db, capsys):
    call_command("seed", "--members", "50", "--seed", "2")
    count = Member.objects.count()
    call_command("seed", "--members", "50", "--seed", "2")
    assert Member.objects.count() == count
    assert "already seeded" in capsys.readouterr().out


def test_members_live_inside_their_community_and_have_known_skills(empty_db):
    seed_demo(members=200, seed=5)
    spec = COMMUNITIES[0]
    lat0, lng0 = spec["centre"]
    for m in Member.objects.filter(community__slug=spec["slug"], user__isnull=True):
        dy = (m.area_lat - lat0) * 111.32
        dx = (m.area_lng - lng0) * 111.32 * math.cos(math.radians(lat0))
        assert math.hypot(dx, dy) <= spec["radius_km"] + 0.2
        assert set(m.skills) <= set(SKILLS)
        assert set(m.languages) <= set(spec["languages"])
