"""The session page in plain words, with only the choices that fit: language names, the
date of a one-off session, dates without leading zeros; no date preselected when every
date is full (not "every date", which would join every waiting list), the first date
with a place otherwise; no "join the waiting list" for someone who has their place."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from kampung.skillshare import actions
from kampung.skillshare.demo import TITLE
from kampung.skillshare.models import Session


def _page(client, cast, session):
    return client.get(reverse("session_detail", args=[cast.community.slug, session.pk])).content


def test_language_names_and_nothing_preselected_when_every_date_is_full(client, cast):
    session = Session.objects.get(community=cast.community, title=TITLE)
    client.force_login(cast.user("resident"))
    page = _page(client, cast, session).decode()
    assert "English, " in page and "en, ms" not in page
    radios = re.findall(r'<input type="radio" name="occurs_on"[^>]*>', page)
    assert radios and not any("checked" in r for r in radios)
    assert "full: waiting list" in page


def test_the_first_date_with_a_place_is_preselected(client, cast, make_session, neighbours):
    session = make_session(capacity=1)
    actions.sign_up(by=neighbours[0], session=session, occurs_on=session.starts_on)
    client.force_login(neighbours[1])
    page = _page(client, cast, session).decode()
    checked = re.findall(r'<input type="radio" name="occurs_on" value="([^"]+)"[^>]*checked', page)
    assert checked == [str(session.starts_on + dt.timedelta(days=7))]


def test_a_date_already_held_is_not_offered_again(client, cast, make_session, neighbours):
    session = make_session(capacity=3)
    actions.sign_up(by=neighbours[0], session=session, occurs_on=session.starts_on)
    client.force_login(neighbours[0])
    page = _page(client, cast, session).decode()
    assert f'value="{session.starts_on}"' not in page
    assert "you have a place or are waiting already" in page


def test_a_one_off_session_shows_its_date_and_no_second_sign_up(
    client, cast, make_session, neighbours
):
    day = dt.date.today() + dt.timedelta(days=10)
    session = make_session(repeat="once", starts_on=day, capacity=1)
    actions.sign_up(by=neighbours[0], session=session)
    client.force_login(neighbours[0])
    page = _page(client, cast, session).decode()
    assert f"{day.day} {day:%B %Y}, 10:00" in page
    assert "Join the waiting list" not in page and "Sign up</button>" not in page
