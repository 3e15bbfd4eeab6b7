"""The demo's Tech and tea can be changed through its page: the place already chosen is a
valid choice (a sliced list of places refused every saved choice), and places that share
a name can be told apart."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.skillshare.demo import TITLE
from kampung.skillshare.models import Session


def _form_values(page: str) -> dict:
    """What the browser would send back: inputs, ticked boxes, chosen options."""
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        if kind in {"checkbox", "radio"} and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        default = "on" if kind in {"checkbox", "radio"} else ""
        data.setdefault(name.group(1), []).append(value.group(1) if value else default)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            data[name] = [chosen.group(1)]
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = [body.strip()]
    return data


def test_the_host_changes_tech_and_tea_through_its_page(client, cast):
    session = Session.objects.get(community=cast.community, title=TITLE)
    client.force_login(cast.user("volunteer"))
    url = reverse("session_edit", args=[cast.community.slug, session.pk])
    page = client.get(url).content.decode()
    data = _form_values(page)
    assert data["place"] == [str(session.place_id)]
    data["title"] = ["Tech and tea at the library"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.title == "Tech and tea at the library"


def test_places_that_share_a_name_can_be_told_apart(client, cast):
    session = Session.objects.get(community=cast.community, title=TITLE)
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("session_edit", args=[cast.community.slug, session.pk]))
    select = re.search(r'<select name="place"[^>]*>(.*?)</select>', page.content.decode(), re.S)
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert len(labels) > 3
    assert len(labels) == len(set(labels)), sorted(labels)
