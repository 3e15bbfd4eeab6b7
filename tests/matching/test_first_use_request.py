"""A resident asks with only a title (the form, the action and the API); the request's
page shows the languages and access asked for and the kind of help, guessed by Kampung
when nobody chose it; the person asking and community developers can change the kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampung.matching import actions
from kampung.matching import candidates as cand
from kampung.matching.models import Need


def test_only_a_title_is_needed_on_the_form(client, cast):
    client.force_login(cast.user("resident"))
    url = reverse("need_create", args=[cast.community.slug])
    page = client.get(url).content.decode()
    assert "Tell us more (optional)" in page
    response = client.post(
        url, {"title": "A lift to the clinic", "mode": "in_person", "urgency": "1"}
    )
    assert response.status_code == 302, response.context["form"].errors
    need = Need.objects.get(title="A lift to the clinic")
    assert need.description == ""


def test_only_a_title_is_needed_by_the_action_and_the_api(client, cast):
    need = actions.post_need(by=cast.user("resident"), community=cast.community, title="Company")
    assert need.pk and need.description == ""
    client.force_login(cast.user("resident"))
    response = client.post(
        f"/api/v1/communities/{cast.community.slug}/needs",
        {"title": "Help with my phone"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["description"] == ""


def test_kampung_guesses_the_kind_when_nobody_chose_one(cast):
    by = cast.user("resident")
    guessed = actions.post_need(by=by, community=cast.community, title="A lift to the polyclinic")
    assert [t.code for t in guessed.tags.all()] == ["driving"] and guessed.kind_guessed
    chosen = actions.post_need(
        by=by, community=cast.community, title="A lift to the polyclinic", tags=["befriending"]
    )
    assert [t.code for t in chosen.tags.all()] == ["befriending"] and not chosen.kind_guessed
    nothing = actions.post_need(by=by, community=cast.community, title="Xyzzy")
    assert list(nothing.tags.all()) == [] and not nothing.kind_guessed
    # A guess is no more certain than the words: ranking reads the words, not the guess.
    assert cand.need_to_core(guessed).categories == frozenset()
    assert cand.need_to_core(chosen).categories == {"befriending"}


def test_the_request_page_shows_languages_access_and_the_kind(client, cast):
    need = actions.post_need(
        by=cast.user("resident"),
        community=cast.community,
        title="Help setting up my tablet",
        languages=["ms", "ta"],
        accessibility=["wheelchair"],
    )
    client.force_login(cast.user("resident"))
    html = client.get(reverse("need_detail", args=[cast.community.slug, need.pk])).content.decode()
    assert "Malay, Tamil" in html
    assert "Wheelchair accessible" in html
    assert "IT and phone help" in html and "(guessed by Kampung from the words)" in html
    assert "Kind</dt><dd>—" not in html and "Save the kind of help" in html


@pytest.mark.parametrize("who", ["resident", "coordinator"])
def test_the_asker_and_community_developers_change_the_kind(client, cast, who):
    need = actions.post_need(by=cast.user("resident"), community=cast.community, title="Lift")
    client.force_login(cast.user(who))
    url = reverse("need_kind", args=[cast.community.slug, need.pk])
    assert client.post(url, {"tag": "driving"}).status_code == 302
    need.refresh_from_db()
    assert [t.code for t in need.tags.all()] == ["driving"] and not need.kind_guessed
    page = client.get(reverse("need_detail", args=[cast.community.slug, need.pk])).content.decode()
    assert "(guessed by Kampung" not in page


def test_nobody_else_changes_the_kind(cast):
    need = actions.post_need(by=cast.user("resident"), community=cast.community, title="Lift")
    with pytest.raises(PermissionDenied):
        actions.change_need_kind(by=cast.user("volunteer"), need=need, tag="driving")
