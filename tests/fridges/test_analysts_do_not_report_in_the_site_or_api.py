"""Analysts see figures and do not act: they cannot report on a fridge or leave food
through the site or the API. The fridge's public link stays open to anyone."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampung.fridges import actions
from tests.fridges.test_fridges_api import BASE, _bearer, _post


def test_an_analyst_cannot_report_through_the_api(csrf_client, cast, fridge):
    response = _post(
        csrf_client,
        f"{BASE}/{fridge.pk}/reports",
        {"fill": 4, "condition": "fine"},
        **_bearer(cast.user("analyst")),
    )
    assert response.status_code == 403


def test_an_analyst_cannot_report_as_a_member(cast, fridge):
    with pytest.raises(PermissionDenied):
        actions.report_state(by=cast.user("analyst"), fridge=fridge, fill=1, condition="fine")


def test_the_public_link_still_works_for_an_analyst(client, cast, fridge):
    client.force_login(cast.user("analyst"))
    url = reverse("fridge_public", args=[fridge.community.slug, fridge.token])
    client.post(url, {"fill": "3", "condition": "fine"})
    fridge.refresh_from_db()
    assert fridge.fill == 3
