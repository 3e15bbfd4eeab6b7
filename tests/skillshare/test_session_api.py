"""The same flows through /api/v1/communities/<slug>/sessions/..., with CSRF enforced
as a browser would and with bearer tokens."""

from __future__ import annotations

import datetime as dt
import json

from kampung.people.actions import create_api_token
from kampung.skillshare.models import Session, SignUp
from tests.conftest import csrf_token_from


def _first_monday_next_year() -> str:
    first = dt.date(dt.date.today().year + 1, 1, 1)
    return str(first + dt.timedelta(days=(0 - first.weekday()) % 7))


NEXT_YEAR_MONDAY = _first_monday_next_year()  # a first date may be at most two years ahead


def _bearer(user):
    _token, secret = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_create_sign_up_wait_and_move_up_through_the_api(csrf_client, cast, neighbours):
    from tests.skillshare.conftest import a_place

    slug = cast.community.slug
    base = f"/api/v1/communities/{slug}/sessions"
    host = _bearer(cast.user("volunteer"))
    response = _post(
        csrf_client,
        base,
        {
            "title": "Phone help",
            "place": a_place(cast.community).pk,
            "capacity": 1,
            "starts_on": NEXT_YEAR_MONDAY,
            "start_time": "10:00",
            "end_time": "11:00",
            "repeat": "weekly",
            "is_public": True,
        },
        host,
    )
    assert response.status_code == 201, response.content
    session = response.json()
    assert session["rrule"] == "FREQ=WEEKLY;BYDAY=MO"
    first, second = _bearer(neighbours[0]), _bearer(neighbours[1])
    one = _post(csrf_client, f"{base}/{session['id']}/signups", {}, first).json()
    two = _post(csrf_client, f"{base}/{session['id']}/signups", {}, second).json()
    assert (one["state"], two["state"], two["waiting_position"]) == ("booked", "waiting", 1)
    cancelled = _post(csrf_client, f"{base}/{session['id']}/signups/{one['id']}/cancel", {}, first)
    assert cancelled.status_code == 200
    assert SignUp.objects.get(pk=two["id"]).state == "offered"
    answer = _post(
        csrf_client, f"{base}/{session['id']}/signups/{two['id']}/answer", {"accept": True}, second
    )
    assert answer.json()["state"] == "booked"
    detail = csrf_client.get(f"{base}/{session['id']}", **second).json()
    assert detail["my_signups"][0]["state"] == "booked" and detail["next_dates"]
    listing = csrf_client.get(f"{base}?limit=5", **second).json()
    assert any(s["title"] == "Phone help" for s in listing["items"])


def test_bad_input_is_one_error_body_naming_the_field(csrf_client, cast):
    base = f"/api/v1/communities/{cast.community.slug}/sessions"
    host = _bearer(cast.user("volunteer"))
    body = {
        "title": "Chess",
        "online_link": "https://meet.example.org/c",
        "capacity": 4,
        "starts_on": NEXT_YEAR_MONDAY,
        "start_time": "10:00",
        "end_time": "09:00",
    }
    response = _post(csrf_client, base, body, host)
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and "end_time" in response.json()["error"]["fields"]
    response = _post(csrf_client, base, {**body, "end_time": "11:00", "capacity": 0}, host)
    assert response.status_code == 422
    assert not Session.objects.filter(title="Chess").exists()


def test_a_full_session_without_waiting_list_is_409(csrf_client, cast, make_session, neighbours):
    session = make_session(capacity=1, waiting_list=False)
    url = f"/api/v1/communities/{cast.community.slug}/sessions/{session.pk}/signups"
    assert _post(csrf_client, url, {}, _bearer(neighbours[0])).status_code == 201
    response = _post(csrf_client, url, {}, _bearer(neighbours[1]))
    assert response.status_code == 409 and response.json()["error"]["code"] == "full"


def test_a_logged_in_browser_needs_the_csrf_token(csrf_client, cast, make_session):
    session = make_session()
    csrf_client.force_login(cast.user("resident"))
    url = f"/api/v1/communities/{cast.community.slug}/sessions/{session.pk}/signups"
    assert csrf_client.post(url, data="{}", content_type="application/json").status_code == 403
    token = csrf_token_from(csrf_client)
    response = csrf_client.post(
        url, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_the_host_changes_a_session_through_the_api(csrf_client, cast, make_session):
    session = make_session(capacity=3)
    url = f"/api/v1/communities/{cast.community.slug}/sessions/{session.pk}"
    body = json.dumps({"capacity": 5, "repeat": "fortnightly"})
    response = csrf_client.patch(
        url, data=body, content_type="application/json", **_bearer(cast.user("volunteer"))
    )
    assert response.status_code == 200, response.content
    assert response.json()["capacity"] == 5 and "INTERVAL=2" in response.json()["rrule"]
    refused = csrf_client.patch(
        url, data=body, content_type="application/json", **_bearer(cast.user("resident"))
    )
    assert refused.status_code == 403
    bad = csrf_client.patch(
        url,
        data=json.dumps({"end_time": "09:00"}),
        content_type="application/json",
        **_bearer(cast.user("volunteer")),
    )
    assert bad.status_code == 422 and "end_time" in bad.json()["error"]["fields"]
