"""Each role's home page puts the next action first, and each count links to the list
it counts."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kampung.matching.models import Match, Need


def _home(client, cast, role):
    client.force_login(cast.user(role))
    return client.get(reverse("dashboard", args=[cast.community.slug])).content.decode()


def test_a_resident_sees_ask_for_help_first_and_consents_lower_down(cast, client):
    html = _home(client, cast, "resident")
    ask = html.index("Ask for help")
    assert ask < html.index("Time bank</h2>") < html.index("Your consents")
    assert "What you offer" in html and "of time credits" in html
    assert "You have given 0 consents" not in html


def test_a_volunteer_is_asked_to_answer_a_suggestion(cast, client):
    volunteer = cast.members["volunteer"]
    need = Need.objects.filter(community=cast.community).first()
    match = Match.objects.create(need=need, helper=volunteer, proposed_by=cast.user("coordinator"))
    html = _home(client, cast, "volunteer")
    assert "You have been asked to help" in html
    assert reverse("match_detail", args=[cast.community.slug, match.pk]) in html
    assert html.index("You have been asked to help") < html.index("Time bank</h2>")


def test_the_coordinators_queue_counts_link_to_the_filtered_lists(cast, client):
    slug = cast.community.slug
    html = _home(client, cast, "coordinator")
    assert "What needs doing" in html
    assert html.index("What needs doing") < html.index("At a glance")
    for link in (
        f"{reverse('need_list', args=[slug])}?status=open&amp;unmatched=1",
        f"{reverse('need_list', args=[slug])}?status=open&amp;waiting=1",
        f"{reverse('timebank_home', args=[slug])}#for-others",
        f"{reverse('asset_map', args=[slug])}?stale=1",
        reverse("workshop_list", args=[slug]),
    ):
        assert f'href="{link}"' in html


def test_the_unmatched_and_waiting_filters_list_the_requests_counted(cast, client):
    slug = cast.community.slug
    open_needs = list(Need.objects.filter(community=cast.community, status=Need.Status.OPEN))
    asked, waiting = open_needs[0], open_needs[1]
    Match.objects.create(
        need=asked, helper=cast.members["volunteer"], proposed_by=cast.user("coordinator")
    )
    old = Match.objects.create(
        need=waiting, helper=cast.members["volunteer"], proposed_by=cast.user("coordinator")
    )
    Match.objects.filter(pk=old.pk).update(proposed_at=timezone.now() - timedelta(days=4))
    client.force_login(cast.user("coordinator"))
    url = reverse("need_list", args=[slug])
    unmatched = {
        n.pk for n in client.get(url, {"status": "open", "unmatched": "1"}).context["needs"]
    }
    assert asked.pk not in unmatched and waiting.pk not in unmatched
    assert unmatched == {n.pk for n in open_needs} - {asked.pk, waiting.pk}
    stale = [n.pk for n in client.get(url, {"status": "open", "waiting": "1"}).context["needs"]]
    assert stale == [waiting.pk]
    html = _home(client, cast, "coordinator")
    assert f'<span class="task-count">{len(unmatched)}</span>' in html


def test_the_administrator_sees_the_queue_and_people_and_roles(cast, client):
    html = _home(client, cast, "admin")
    assert "What needs doing" in html and "People and roles" in html
    assert reverse("lockouts", args=[cast.community.slug]) in html


def test_the_analyst_sees_the_reports_and_the_partner_their_organisation(cast, client):
    html = _home(client, cast, "analyst")
    assert "Time bank reports" in html and "Gaps by area" in html and "What needs doing" not in html
    html = _home(client, cast, "partner")
    assert "Your organisation&#x27;s requests" in html or "Your organisation's requests" in html


def test_the_home_page_costs_a_bounded_number_of_queries(cast, client):
    client.force_login(cast.user("coordinator"))
    url = reverse("dashboard", args=[cast.community.slug])
    client.get(url)  # the cached figures
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) < 40


def test_a_steward_sees_what_they_look_after_is_due_a_check_on_their_home_page(cast, client):
    from kampung.assets.models import Asset

    place = Asset.objects.get(steward_member=cast.members["volunteer"], source="seed")
    client.force_login(cast.user("volunteer"))
    html = client.get(f"/c/{cast.community.slug}/").content.decode()
    assert "Something you look after is due a check" in html
    assert f"/assets/{place.pk}/" in html
