"""Fixtures for the time bank tests."""

from __future__ import annotations

import pytest

from kampung.people.models import Member


@pytest.fixture
def people(cast, resident_without_login):
    others = list(
        Member.objects.filter(community=cast.community, user__isnull=True)
        .exclude(pk=resident_without_login.pk)
        .order_by("-pk")[:4]
    )
    return {
        "resident": cast.members["resident"],
        "volunteer": cast.members["volunteer"],
        "coordinator": cast.members["coordinator"],
        "nodevice": resident_without_login,
        "others": others,
        "wendy": cast.members["outsider"],
    }
