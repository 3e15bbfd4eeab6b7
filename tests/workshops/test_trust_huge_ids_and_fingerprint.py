"""Found by the attack: item ids past 64 bits made three workshop pages answer 500
(an OverflowError in the database driver), and an empty fingerprint skipped the merge
review's "the items changed since you looked" check."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kampung.workshops import actions
from kampung.workshops.models import WorkshopItem

HUGE = str(2**70)


@pytest.fixture
def board(cast):
    workshop = actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 7 mapping",
        held_on=timezone.localdate(),
    )
    a = actions.add_item(
        workshop=workshop, user=cast.user("coordinator"), name="Sewing class",
        category="association", location_kind="online",
    )  # fmt: skip
    b = actions.add_item(
        workshop=workshop, user=cast.user("coordinator"), name="Mdm Tan sewing class",
        category="association", location_kind="online",
    )  # fmt: skip
    return workshop, a, b


@pytest.mark.parametrize("how", ["review", "merge", "mark-one", "mark-ticked"])
def test_huge_item_ids_are_refused_in_words_never_a_500(cast, client, board, how):
    workshop, a, _b = board
    client.force_login(cast.user("coordinator"))
    slug = cast.community.slug
    if how == "review":
        url = reverse("workshop_merge_review", args=[slug, workshop.pk])
        answer = client.get(url, {"items": [a.pk, HUGE]}, follow=True)
    elif how == "merge":
        url = reverse("workshop_merge", args=[slug, workshop.pk])
        answer = client.post(url, {"items": [a.pk, HUGE]}, follow=True)
    elif how == "mark-one":
        url = reverse("workshop_mark", args=[slug, workshop.pk])
        answer = client.post(url, {"one": f"accepted:{HUGE}"}, follow=True)
    else:
        url = reverse("workshop_mark", args=[slug, workshop.pk])
        answer = client.post(url, {"status": "accepted", "items": [HUGE]}, follow=True)
    assert answer.status_code == 200
    assert not WorkshopItem.objects.filter(status="accepted").exists()


def test_a_merge_without_its_fingerprint_is_refused_as_out_of_date(cast, client, board):
    workshop, a, b = board
    client.force_login(cast.user("coordinator"))
    url = reverse("workshop_merge_review", args=[cast.community.slug, workshop.pk])
    page = client.get(url, {"items": [a.pk, b.pk]})
    assert page.status_code == 200
    # Everything the review page would send (its hidden fields, the ticked choices)...
    html = page.content.decode()
    form = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag:
            continue
        form.setdefault(name.group(1), []).append(value.group(1) if value else "")
    assert form.get("fingerprint", [""])[0], "the page carries the items' fingerprint"
    # With the fingerprint emptied, it is refused as out of date: nothing merged...
    answer = client.post(url, {**form, "fingerprint": [""]})
    assert answer.status_code == 200
    assert WorkshopItem.objects.filter(merged_into__isnull=False).count() == 0
    # ...while the same answers with it merge (so the refusal was the fingerprint's).
    client.post(url, form)
    assert WorkshopItem.objects.filter(merged_into__isnull=False).count() == 1
