"""The request page speaks the batch page's scale (a fit in words and percent, not
points); a suggestion's message names the person; and only the helper answers a
suggestion (staff answer only for a helper without a login)."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.matching import actions
from kampung.matching.models import Match, Need, Offer
from kampung.people.models import User

COOK = "Cooking an extra portion"


def _need(cast, title):
    return Need.objects.get(community=cast.community, title=title)


def test_the_request_page_shows_a_fit_not_points(client, cast):
    client.force_login(cast.user("coordinator"))
    need = _need(cast, "Hot meals for a few days")
    html = client.get(reverse("need_detail", args=[cast.community.slug, need.pk])).content.decode()
    cards = html.split('data-testid="candidate"')[1:]
    assert cards
    assert not re.search(r"\d+ points|\(\d+ points\)", html)
    first = cards[0]
    assert COOK in first
    assert re.search(r"(Good|Fair|Weak) fit: \d+%", first), first
    # The per-factor breakdown is still there, each part in percent.
    assert "Skill or service fit" in first and "Words in common" in first
    assert re.search(r'class="factor-points">\d+%<', first), first


def test_a_suggestion_names_the_person_and_the_match_page_shows_the_fit(client, cast):
    coordinator = cast.user("coordinator")
    client.force_login(coordinator)
    need = _need(cast, "Hot meals for a few days")
    offer = Offer.objects.get(community=cast.community, title=COOK)
    response = client.post(
        reverse("match_propose", args=[cast.community.slug, need.pk]),
        {"candidate": f"offer:{offer.pk}"},
        follow=True,
    )
    html = response.content.decode()
    assert f"Suggested {offer.member.display_name} — {COOK}." in html
    assert not re.search(r"\d+ points|\(\d+ points\)", html)
    assert re.search(r"Why it was suggested \((Good|Fair|Weak) fit: \d+%\)", html)


def _proposed(cast) -> Match:
    need = _need(cast, "Hot meals for a few days")
    offer = Offer.objects.get(community=cast.community, title=COOK)
    return actions.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
    )


def test_staff_do_not_answer_for_a_helper_with_a_login(client, cast):
    match = _proposed(cast)
    helper = match.helper
    helper.user = User.objects.create_user("grace@example.test", "x-unused-1")
    helper.save()
    url = reverse("match_detail", args=[cast.community.slug, match.pk])
    client.force_login(cast.user("coordinator"))
    html = client.get(url).content.decode()
    assert "Can you help?" not in html and "Yes, I can help" not in html
    client.force_login(helper.user)
    html = client.get(url).content.decode()
    assert "Can you help?" in html and "Yes, I can help" in html


def test_staff_answer_for_a_helper_without_a_login(client, cast):
    match = _proposed(cast)
    """The form is worded as what it is: staff recording the helper's answer, not the
    helper's own "Can you help? … Yes, I can help"."""
    helper = match.helper
    assert helper.user_id is None
    client.force_login(cast.user("coordinator"))
    html = client.get(
        reverse("match_detail", args=[cast.community.slug, match.pk])
    ).content.decode()
    assert "Can you help?" not in html and "Yes, I can help" not in html
    assert f"Can {helper.display_name} help? (recorded on their behalf)" in html
    assert f"Yes, {helper.display_name} can help" in html
    response = client.post(
        reverse("match_answer", args=[cast.community.slug, match.pk]),
        {"answer": "yes", "share": "none"},
        follow=True,
    )
    assert "Thank you for saying yes" not in response.content.decode()
    assert f"Recorded that {helper.display_name} can help" in response.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED


def test_staff_do_not_answer_for_the_volunteer_login(client, cast):
    need = _need(cast, "Help setting up my new phone")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
    )
    url = reverse("match_detail", args=[cast.community.slug, match.pk])
    for role in ("coordinator", "admin"):
        if role not in cast.users:
            continue
        client.force_login(cast.user(role))
        html = client.get(url).content.decode()
        assert "Yes, I can help" not in html, role
