"""The giver's box on the item's page says where things stand, consistently: after a
no-show, whether anyone else waits; after the handover, a closing line (not an empty
box); "They did not come" is second, with a hint."""

from __future__ import annotations

from django.urls import reverse

from kampung.sharing import actions


def _page(client, cast, gift) -> str:
    client.force_login(cast.user("resident"))
    return client.get(reverse("gift_detail", args=[cast.community.slug, gift.pk])).content.decode()


def test_after_a_no_show_with_nobody_else_waiting_the_page_says_so(cast, client, gift):
    asked = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    actions.choose_receiver(by=cast.user("resident"), listing=gift, request=asked)
    page = _page(client, cast, gift)
    assert page.index("They collected it") < page.index("They did not come")
    assert "If they did not come to pick it up" in page
    actions.record_no_show(by=cast.user("resident"), listing=gift)
    gift.refresh_from_db()
    page = _page(client, cast, gift)
    assert "Nobody else has asked for it yet; it stays listed until" in page
    assert "Nobody has asked for it yet" not in page


def test_after_the_handover_the_box_says_who_received_it(cast, client, gift):
    asked = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    actions.choose_receiver(by=cast.user("resident"), listing=gift, request=asked)
    actions.mark_collected(by=cast.user("resident"), listing=gift)
    page = _page(client, cast, gift)
    name = cast.members["volunteer"].display_name
    assert f"Given to {name} on" in page
    assert "Thank you for passing it on." in page


def test_a_card_without_a_photo_shows_a_plain_placeholder(cast, client, gift):
    assert not gift.photos.exists()
    client.force_login(cast.user("volunteer"))
    page = client.get(reverse("gift_list", args=[cast.community.slug])).content.decode()
    card = page[page.index(gift.title) - 600 : page.index(gift.title)]
    assert "gift-thumb-none" in card and "No photo" in card
