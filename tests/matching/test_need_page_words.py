"""A request's page for a community developer: each candidate is headed by the person's
name and what they offer, and the "not suggested" groups read as sentences."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.matching.models import Need, Offer


def _page(cast, login, need):
    client = login(cast.user("coordinator"))
    response = client.get(reverse("need_detail", args=[cast.community.slug, need.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_candidates_are_headed_by_the_person_and_what_they_offer(cast, login):
    volunteer = cast.members["volunteer"]
    offer = Offer.objects.get(member=volunteer)
    need = Need.objects.get(community=cast.community, member=cast.members["resident"])
    html = _page(cast, login, need)
    headings = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip()
                for h in re.findall(r"<h3>(.*?)</h3>", html, re.S)]  # fmt: skip
    assert any(h.startswith(f"{volunteer.display_name} — {offer.title}") for h in headings), (
        headings
    )


def test_not_suggested_groups_read_as_sentences(cast, login):
    need = Need.objects.get(community=cast.community, member=cast.members["resident"])
    Offer.objects.filter(community=cast.community).exclude(member=cast.members["volunteer"]).update(
        status=Offer.Status.PAUSED
    )
    need.lat, need.lng = cast.community.centre_lat, cast.community.centre_lng
    need.save()
    # Only those who offer something relevant are counted: a second phone helper, paused.
    same = Offer.objects.get(member=cast.members["volunteer"])
    tags = list(same.tags.all())
    same.pk, same.asset, same.member = None, None, cast.members["partner"]
    same.status = Offer.Status.PAUSED
    same.save()
    same.tags.set(tags)
    html = _page(cast, login, need)
    summary = html.split("Not suggested, and why", 1)[1].split("</details>", 1)[0]
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", summary)]
    assert items, summary
    assert not any("candidate" in i for i in items)
    assert any(re.fullmatch(r"\d+ (people|person|places?|people and places) (are|is) paused", i)
               for i in items), items  # fmt: skip
    for i in items:
        assert "(0 km)" not in i and ": " not in i
