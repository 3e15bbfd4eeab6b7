"""Finding 12: until the helper says yes the person asking does not see who was asked
(request page, match page, notifications, API), and after a no they are not told who
said no. Staff still see names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kampung.matching import actions
from kampung.matching.models import Need, Offer
from kampung.notices.models import Notification


@pytest.fixture
def match(cast):
    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    return actions.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
    )


def _seen_by(client, cast, role, match) -> str:
    client.force_login(cast.user(role))
    slug = cast.community.slug
    pages = [
        client.get(reverse("need_detail", args=[slug, match.need_id])),
        client.get(reverse("match_detail", args=[slug, match.pk])),
        client.get(f"/api/v1/communities/{slug}/matches/{match.pk}"),
    ]
    notes = " ".join(
        Notification.objects.filter(member=cast.members[role]).values_list("text", flat=True)
    )
    return " ".join(p.content.decode() for p in pages) + notes


def _names(match):
    return [match.helper.display_name, match.offer.title]


def test_the_asker_sees_no_name_before_the_helper_agreed(cast, client, match):
    seen = _seen_by(client, cast, "resident", match)
    for name in _names(match):
        assert name not in seen
    assert "A helper has been asked" in seen


def test_the_asker_sees_no_name_after_a_no(cast, client, match):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=False, reason="away")
    seen = _seen_by(client, cast, "resident", match)
    for name in _names(match):
        assert name not in seen
    assert "The person asked cannot help" in seen


def test_the_asker_sees_the_name_after_a_yes(cast, client, match):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    seen = _seen_by(client, cast, "resident", match)
    assert match.helper.display_name in seen


def test_staff_still_see_the_name(cast, client, match):
    client.force_login(cast.user("coordinator"))
    html = client.get(
        reverse("need_detail", args=[cast.community.slug, match.need_id])
    ).content.decode()
    assert match.offer.title in html
    body = client.get(f"/api/v1/communities/{cast.community.slug}/matches/{match.pk}").json()
    assert body["helper_name"] == match.helper.display_name
