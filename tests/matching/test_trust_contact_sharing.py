"""Finding 2: contact details are shared only as each side chooses on the match (the
helper when saying yes, the person asking once matched); the other side sees nothing
else; a message through the site is always there; staff record a choice only for a
person without a login."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampung.audit.models import AuditEvent
from kampung.matching import actions
from kampung.matching.models import Match, MatchMessage, Need, Offer
from kampung.notices.models import Notification

ASKER_PHONE, ASKER_EMAIL = "+65 8123 0001", "rosnah.asks@example.org"
HELPER_PHONE, HELPER_EMAIL = "+65 8123 0002", "vijay.helps@example.org"


@pytest.fixture
def match(cast) -> Match:
    resident, volunteer = cast.members["resident"], cast.members["volunteer"]
    resident.phone, resident.email = ASKER_PHONE, ASKER_EMAIL
    resident.save()
    volunteer.phone, volunteer.email = HELPER_PHONE, HELPER_EMAIL
    volunteer.save()
    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    offer = Offer.objects.get(member=volunteer)
    return actions.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
    )


def _page(client, cast, user, match) -> str:
    client.force_login(user)
    url = reverse("match_detail", args=[cast.community.slug, match.pk])
    return client.get(url).content.decode()


def test_it_shows_nothing_of_either_side_after_a_yes_without_a_choice(cast, client, match):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    for role, hidden in (("resident", HELPER_PHONE), ("resident", HELPER_EMAIL),
                         ("volunteer", ASKER_PHONE), ("volunteer", ASKER_EMAIL)):  # fmt: skip
        assert hidden not in _page(client, cast, cast.user(role), match)


def test_it_shows_only_the_detail_the_helper_chose(cast, client, match):
    client.force_login(cast.user("volunteer"))
    client.post(
        reverse("match_answer", args=[cast.community.slug, match.pk]),
        {"answer": "yes", "share": "phone"},
    )
    match.refresh_from_db()
    assert (match.status, match.helper_shares) == ("accepted", "phone")
    html = _page(client, cast, cast.user("resident"), match)
    assert HELPER_PHONE in html and HELPER_EMAIL not in html
    # The asker has not chosen: the helper sees nothing of theirs, but can write.
    html = _page(client, cast, cast.user("volunteer"), match)
    assert ASKER_PHONE not in html and ASKER_EMAIL not in html
    assert "Write a message" in html


def test_the_asker_is_asked_on_the_match_page_and_their_choice_is_honoured(cast, client, match):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True, share="none")
    html = _page(client, cast, cast.user("resident"), match)
    assert "Share my phone or email with Vijay?" in html
    client.post(reverse("match_share", args=[cast.community.slug, match.pk]), {"share": "email"})
    match.refresh_from_db()
    assert match.asker_shares == "email"
    html = _page(client, cast, cast.user("volunteer"), match)
    assert ASKER_EMAIL in html and ASKER_PHONE not in html
    assert HELPER_PHONE not in _page(client, cast, cast.user("resident"), match)


def test_the_api_returns_only_what_was_shared(cast, client, match):
    client.force_login(cast.user("volunteer"))
    base = f"/api/v1/communities/{cast.community.slug}/matches/{match.pk}"
    answered = client.post(
        f"{base}/answer", {"accept": True, "share": "email"}, content_type="application/json"
    )
    assert answered.status_code == 200, answered.content
    client.force_login(cast.user("resident"))
    body = client.get(base).json()
    assert body["contacts"] == [
        {"side": "helper", "name": "Vijay", "chosen": True, "email": HELPER_EMAIL}
    ]
    client.post(f"{base}/share", {"share": "both"}, content_type="application/json")
    client.force_login(cast.user("volunteer"))
    body = client.get(base).json()
    assert body["contacts"][0]["phone"] == ASKER_PHONE
    assert body["contacts"][0]["email"] == ASKER_EMAIL


def test_a_member_without_the_detail_shows_nothing_for_it(cast, client, match):
    volunteer = cast.members["volunteer"]
    volunteer.phone = ""
    volunteer.save()
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True, share="both")
    client.force_login(cast.user("resident"))
    body = client.get(f"/api/v1/communities/{cast.community.slug}/matches/{match.pk}").json()
    assert "phone" not in body["contacts"][0]


def test_a_bad_choice_names_the_field_and_changes_nothing(cast, match):
    with pytest.raises(ValidationError) as err:
        actions.answer_match(by=cast.user("volunteer"), match=match, accept=True, share="all")
    assert "share" in err.value.message_dict
    match.refresh_from_db()
    assert match.status == "proposed"


def test_messages_go_between_the_two_sides_and_notify_the_other(cast, client, match):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    client.force_login(cast.user("resident"))
    client.post(
        reverse("match_message", args=[cast.community.slug, match.pk]),
        {"text": "Saturday morning at the void deck?"},
    )
    message = MatchMessage.objects.get()
    assert message.sender == cast.members["resident"]
    assert Notification.objects.filter(
        member=cast.members["volunteer"], text__startswith="New message from Rosnah"
    ).exists()
    assert "Saturday morning at the void deck?" in _page(
        client, cast, cast.user("volunteer"), match
    )
    with pytest.raises(ValidationError):
        actions.send_match_message(by=cast.user("volunteer"), match=match, text="x" * 2001)


@pytest.mark.parametrize("role", ["partner", "analyst", "outsider"])
def test_others_cannot_read_or_write_the_messages(cast, client, match, role):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    actions.send_match_message(by=cast.user("resident"), match=match, text="private note")
    with pytest.raises(PermissionDenied):
        actions.send_match_message(by=cast.user(role), match=match, text="hello")
    client.force_login(cast.user(role))
    url = f"/api/v1/communities/{cast.community.slug}/matches/{match.pk}/messages"
    response = client.get(url)
    assert response.status_code in (403, 404)
    assert "private note" not in response.content.decode()


def test_staff_reading_the_messages_is_logged(cast, client, match):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    actions.send_match_message(by=cast.user("resident"), match=match, text="private note")
    client.force_login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/matches/{match.pk}/messages"
    assert client.get(url).json()[0]["text"] == "private note"
    logged = set(
        AuditEvent.objects.filter(action="view", actor=cast.user("coordinator")).values_list(
            "object_id", flat=True
        )
    )
    assert {str(cast.members["resident"].pk), str(cast.members["volunteer"].pk)} <= logged


def test_staff_choose_only_for_a_person_without_a_login(cast, match, resident_without_login):
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    with pytest.raises(PermissionDenied):  # Rosnah has a login: she chooses herself
        actions.choose_what_to_share(
            by=cast.user("coordinator"), match=match, share="both", side="asker"
        )
    with pytest.raises(PermissionDenied):
        actions.choose_what_to_share(
            by=cast.user("coordinator"), match=match, share="both", side="helper"
        )
    match.refresh_from_db()
    assert (match.helper_shares, match.asker_shares) == ("none", "")


def test_staff_record_the_choice_of_a_helper_without_a_login(cast, resident_without_login):
    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    helper = resident_without_login
    helper.phone = "+65 8123 0003"
    helper.save()
    match = Match.objects.create(need=need, helper=helper, proposed_by=cast.user("coordinator"))
    coordinator = cast.user("coordinator")
    actions.answer_match(by=coordinator, match=match, accept=True, share="phone")
    match.refresh_from_db()
    assert match.helper_shares == "phone"
    event = AuditEvent.objects.filter(
        object_type="matching.Match", object_id=str(match.pk), action="update"
    ).latest("id")
    assert event.on_behalf_of == helper and event.actor == coordinator
