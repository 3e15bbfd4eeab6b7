"""What each role sees on the pages they use."""

from __future__ import annotations

from django.urls import reverse


def _dashboard(client, cast, role):
    client.force_login(cast.user(role))
    return client.get(reverse("dashboard", args=[cast.community.slug])).content.decode()


def test_the_analyst_sees_charts_but_no_way_to_people(cast, client):
    html = _dashboard(client, cast, "analyst")
    assert "Skills people share" in html
    assert f'href="{reverse("member_list", args=[cast.community.slug])}"' not in html


def test_a_resident_sees_their_own_record_and_no_figures(cast, client):
    html = _dashboard(client, cast, "resident")
    assert "Your record" in html and "At a glance" not in html


def test_the_partner_sees_only_people_their_organisation_supports(cast, client):
    html = _dashboard(client, cast, "partner")
    assert "People your organisation supports" in html


def test_the_member_list_searches_and_pages_keeping_the_search(cast, client):
    client.force_login(cast.user("coordinator"))
    url = reverse("member_list", args=[cast.community.slug])
    page = client.get(url)
    assert page.context["page"].paginator.count == 46
    html = page.content.decode()
    assert "page=2" in html
    searched = client.get(url, {"q": "Vijay"})
    assert [m.display_name for m in searched.context["page"]] == ["Vijay"]


def test_adding_a_person_with_a_bad_year_names_the_field_and_stores_nothing(cast, client):
    from kampung.people.models import Member

    client.force_login(cast.user("coordinator"))
    before = Member.objects.count()
    response = client.post(
        reverse("member_create", args=[cast.community.slug]),
        {"display_name": "Ah Kow", "birth_year": "1800"},
    )
    assert response.status_code == 200
    assert "birth_year" in response.context["form"].errors
    assert Member.objects.count() == before


def test_an_anonymous_visitor_is_sent_to_log_in(db, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
