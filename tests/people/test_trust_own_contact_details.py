"""A member with their own login keeps their own email and phone: staff cannot change
them (attack finding: a community developer rewrote a resident's email through the API,
so a helper would have been sent to an address of the developer's choosing)."""

from __future__ import annotations

import pytest

from kampung.errors import Invalid
from kampung.people import actions
from kampung.people.models import Member


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_staff_cannot_change_the_contacts_of_someone_with_a_login(cast, login, role):
    rosnah = cast.members["resident"]
    before = (rosnah.email, rosnah.phone)
    with pytest.raises(Invalid) as refused:
        actions.update_member(by=cast.user(role), member=rosnah, email="attacker@evil.test")
    assert refused.value.status == 403 and "email" in refused.value.fields
    client = login(cast.user(role))
    response = client.patch(
        f"/api/v1/communities/{cast.community.slug}/members/{rosnah.pk}",
        {"email": "attacker@evil.test", "phone": "+65 0000 0000"},
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    assert set(response.json()["error"]["fields"]) == {"email", "phone"}
    rosnah.refresh_from_db()
    assert (rosnah.email, rosnah.phone) == before
    page = client.get(f"/c/{cast.community.slug}/people/{rosnah.pk}/edit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="email"' not in html and 'name="phone"' not in html
    assert "only they can change their email" in html


def test_staff_still_change_other_details_and_the_contacts_of_someone_without_a_login(
    cast, resident_without_login
):
    coordinator = cast.user("coordinator")
    actions.update_member(by=coordinator, member=cast.members["resident"], languages=["en", "ms"])
    actions.update_member(by=coordinator, member=resident_without_login, phone="+65 8888 1234")
    assert Member.objects.get(pk=resident_without_login.pk).phone == "+65 8888 1234"


def test_a_member_changes_their_own_contacts(cast):
    rosnah = cast.members["resident"]
    actions.update_member(by=cast.user("resident"), member=rosnah, email="rosnah@new.example")
    assert Member.objects.get(pk=rosnah.pk).email == "rosnah@new.example"
