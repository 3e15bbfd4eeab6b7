"""The fridges through the API: states as the map shows them, reports by members and
by anyone with the link, deposits, the log and the rota; refusals in the one error
body, and nothing stored."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from kampung.fridges.models import Deposit, Report, Slot
from kampung.people.actions import create_api_token
from tests.conftest import csrf_token_from

BASE = "/api/v1/communities/kampung-seri-mawar/fridges"


def _bearer(user) -> dict:
    _token, secret = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_the_list_gives_every_fridges_state_with_words(csrf_client, cast, fridge):
    response = csrf_client.get(BASE, **_bearer(cast.user("resident")))
    assert response.status_code == 200
    items = response.json()["items"]
    names = {i["name"] for i in items}
    assert "Block 12 void deck fridge" in names
    assert all(i["fill_words"] for i in items)


def test_a_member_reports_through_the_api(csrf_client, cast, fridge):
    response = _post(
        csrf_client,
        f"{BASE}/{fridge.pk}/reports",
        {"fill": 4, "condition": "fine"},
        **_bearer(cast.user("resident")),
    )
    assert response.status_code == 201
    fridge.refresh_from_db()
    assert fridge.fill == 4


def test_anyone_with_the_link_reports_without_a_login_and_a_bad_temperature_is_422(
    csrf_client, fridge
):
    url = f"{BASE}/public/{fridge.token}/reports"
    before = Report.objects.count()
    bad = _post(csrf_client, url, {"fill": 1, "condition": "fine", "temperature_c": -45})
    assert bad.status_code == 422
    assert "temperature_c" in bad.json()["error"]["fields"]
    assert Report.objects.count() == before
    good = _post(csrf_client, url, {"fill": 1, "condition": "fine", "temperature_c": 3})
    assert good.status_code == 201
    wrong = _post(csrf_client, f"{BASE}/public/not-the-token/reports", {"fill": 1})
    assert wrong.status_code == 404 and set(wrong.json()) == {"error"}


def test_a_deposit_past_its_date_is_refused_naming_the_field(csrf_client, cast, fridge):
    before = Deposit.objects.count()
    past = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = _post(
        csrf_client,
        f"{BASE}/{fridge.pk}/deposits",
        {"kind": "dairy", "amount": "little", "use_by": past},
        **_bearer(cast.user("resident")),
    )
    assert response.status_code == 422
    assert "use_by" in response.json()["error"]["fields"]
    assert Deposit.objects.count() == before


def test_a_session_write_needs_the_csrf_token(csrf_client, cast, pantry):
    csrf_client.force_login(cast.user("resident"))
    slot = Slot.objects.filter(fridge=pantry, volunteer=None, day__gt=timezone.localdate()).first()
    url = f"{BASE}/{pantry.pk}/rota/{slot.pk}/sign-up"
    assert csrf_client.post(url).status_code == 403
    token = csrf_token_from(csrf_client, f"/c/kampung-seri-mawar/fridges/{pantry.pk}/")
    response = csrf_client.post(url, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["mine"] is True


def test_the_log_is_for_the_rota_and_staff(csrf_client, cast, fridge):
    assert (
        csrf_client.get(f"{BASE}/{fridge.pk}/log", **_bearer(cast.user("resident"))).status_code
        == 403
    )
    response = csrf_client.get(f"{BASE}/{fridge.pk}/log", **_bearer(cast.user("volunteer")))
    assert response.status_code == 200
    assert any(a["kind"] == "warm" for a in response.json()["alerts"])


def test_a_community_developer_adds_a_fridge_and_a_bad_host_is_refused(csrf_client, cast):
    headers = _bearer(cast.user("coordinator"))
    body = {
        "name": "Market fridge",
        "lat": cast.community.centre_lat,
        "lng": cast.community.centre_lng,
    }
    outsider = cast.members["outsider"].pk
    refused = _post(csrf_client, BASE, {**body, "host": outsider}, **headers)
    assert refused.status_code == 422 and "host" in refused.json()["error"]["fields"]
    made = _post(csrf_client, BASE, {**body, "always_open": True}, **headers)
    assert made.status_code == 201 and made.json()["open_24_hours"] is True
    assert "Raw meat or fish" in made.json()["rules"]
