"""Finding 3 (issue 12): a community developer must never pay themselves. Staff never
act on their own account or on their own behalf in the time bank, and an attendee
with a login confirms their own part of a group session (it stays pending until they
do)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kampung.people.models import Member
from kampung.timebank import actions
from kampung.timebank.models import Account, GroupSession, Posting, Transaction
from tests.timebank.helpers import SLUG, acct, balance, key

API = f"/api/v1/communities/{SLUG}/timebank"
REFUSED = (PermissionDenied, actions.LedgerError)


def test_it_refuses_a_community_developer_setting_their_own_limits(cast, people):
    mine = acct(people["coordinator"])
    with pytest.raises(REFUSED):
        actions.set_limits(
            by=cast.user("coordinator"), account=mine, lower_limit=None, upper_limit=None
        )
    assert Account.objects.get(pk=mine.pk).lower_limit == actions.MEMBER_LOWER_LIMIT


def test_it_refuses_an_administrator_closing_or_reopening_their_own_account(cast):
    mine = acct(cast.members["admin"])
    with pytest.raises(REFUSED):
        actions.close_account(by=cast.user("admin"), account=mine)
    with pytest.raises(REFUSED):
        actions.reopen_account(by=cast.user("admin"), account=mine)


def test_staff_may_still_set_another_staff_members_limits(cast):
    theirs = acct(cast.members["admin"])
    done = actions.set_limits(
        by=cast.user("coordinator"), account=theirs, lower_limit=-120, upper_limit=None
    )
    assert done.lower_limit == -120


def test_the_api_refuses_own_limits(cast, login):
    client = login(cast.user("coordinator"))
    number = acct(cast.members["coordinator"]).number
    response = client.put(
        f"{API}/accounts/{number}/limits",
        {"lower_limit_minutes": None, "upper_limit_minutes": None},
        content_type="application/json",
    )
    assert response.status_code in (403, 422), response.content
    assert Account.objects.get(number=number).lower_limit == actions.MEMBER_LOWER_LIMIT


def test_it_refuses_giving_on_behalf_of_someone_to_the_staff_members_own_account(cast, people):
    count = Posting.objects.count()
    with pytest.raises(REFUSED):
        actions.give_credits(
            by=cast.user("coordinator"),
            community=cast.community,
            giver=people["nodevice"],
            to_account=acct(people["coordinator"]),
            minutes=120,
            idempotency_key=key(),
        )
    assert Posting.objects.count() == count


def test_giving_on_behalf_of_someone_to_another_member_still_works(cast, people):
    tx = actions.give_credits(
        by=cast.user("coordinator"),
        community=cast.community,
        giver=people["nodevice"],
        to_account=acct(people["resident"]),
        minutes=10,
        idempotency_key=key(),
    )
    assert tx.on_behalf_of == people["nodevice"]


def test_it_refuses_allocating_pool_credits_to_oneself(cast, people):
    with pytest.raises(REFUSED):
        actions.allocate_from_pool(
            by=cast.user("coordinator"),
            community=cast.community,
            to_account=acct(people["coordinator"]),
            minutes=30,
            reason="I deserve it",
            idempotency_key=key(),
        )


def test_it_refuses_reversing_an_entry_that_touches_ones_own_account(cast, people):
    gift = actions.give_credits(
        by=cast.user("coordinator"),
        community=cast.community,
        to_account=acct(people["resident"]),
        minutes=30,
        idempotency_key=key(),
    )
    with pytest.raises(REFUSED):
        actions.reverse_transaction(
            by=cast.user("coordinator"), original=gift, reason="Oops", idempotency_key=key()
        )
    assert not Transaction.objects.filter(reverses=gift).exists()
    # Another community developer may correct it.
    actions.reverse_transaction(
        by=cast.user("admin"), original=gift, reason="Given by mistake", idempotency_key=key()
    )


def test_it_refuses_confirming_for_someone_an_exchange_that_pays_the_staff_member(cast, people):
    exchange = actions.record_exchange(
        by=cast.user("coordinator"),
        community=cast.community,
        provider=people["coordinator"],
        receiver=people["nodevice"],
        minutes=30,
        description="Consulting",
        idempotency_key=key(),
    )
    before = (
        balance(people["coordinator"])
        if Account.objects.filter(member=people["coordinator"]).exists()
        else 0
    )
    with pytest.raises(REFUSED):
        actions.confirm_exchange(
            by=cast.user("coordinator"),
            exchange=exchange,
            on_behalf_of=people["nodevice"],
            idempotency_key=key(),
        )
    assert balance(people["coordinator"]) == before


def test_it_refuses_charging_an_organisation_for_help_the_staff_member_gave(cast, people):
    from kampung.communities.models import Organisation

    org = Organisation.objects.filter(communities=cast.community).first()
    with pytest.raises(REFUSED):
        actions.record_exchange(
            by=cast.user("coordinator"),
            community=cast.community,
            provider=people["coordinator"],
            receiver=people["nodevice"],
            minutes=60,
            description="Care",
            paid_by=actions.organisation_account(cast.community, org),
            idempotency_key=key(),
        )


@pytest.mark.parametrize("where", ["host", "attendee"])
def test_it_refuses_a_staff_member_recording_a_session_they_take_part_in(cast, people, where):
    others = people["others"]
    host = people["coordinator"] if where == "host" else others[0]
    attendees = [others[1], others[2]] + ([people["coordinator"]] if where == "attendee" else [])
    with pytest.raises(REFUSED):
        actions.record_session(
            by=cast.user("coordinator"),
            community=cast.community,
            title="Chair yoga",
            host=host,
            attendees=attendees,
            minutes=60,
            basis="per_attendee",
            idempotency_key=key(),
        )


def _session_with_login_attendees(cast, people):
    host = people["others"][0]
    return actions.record_session(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Chair yoga",
        host=host,
        attendees=[people["resident"], people["volunteer"], people["nodevice"]],
        minutes=120,
        basis="per_attendee",
        idempotency_key=key(),
    )


def test_attendees_with_a_login_are_not_charged_until_they_confirm(cast, people):
    resident_before = (
        balance(people["resident"])
        if Account.objects.filter(member=people["resident"]).exists()
        else 0
    )
    host = people["others"][0]
    host_before = acct(host).balance
    session = _session_with_login_attendees(cast, people)
    # Only the attendee without a login (confirmed by the community developer) paid.
    assert acct(people["resident"]).balance == resident_before
    assert acct(host).balance == host_before + 120
    assert session.status == GroupSession.Status.PENDING
    with pytest.raises(REFUSED):  # staff cannot confirm for someone with a login
        actions.confirm_session(
            by=cast.user("coordinator"),
            session=session,
            on_behalf_of=people["resident"],
            idempotency_key=key(),
        )
    with pytest.raises(REFUSED):  # nor can someone else
        actions.confirm_session(by=cast.user("partner"), session=session, idempotency_key=key())
    actions.confirm_session(by=cast.user("resident"), session=session, idempotency_key=key())
    assert acct(people["resident"]).balance == resident_before - 120
    assert acct(host).balance == host_before + 240
    session.refresh_from_db()
    assert session.status == GroupSession.Status.PENDING  # the volunteer has not confirmed
    actions.decline_session(by=cast.user("volunteer"), session=session, idempotency_key=key())
    session.refresh_from_db()
    assert session.status == GroupSession.Status.POSTED
    states = {a.member_id: a.status for a in session.attendance.all()}
    assert states[people["volunteer"].pk] == "declined"
    assert states[people["resident"].pk] == "posted"


def test_an_attendee_confirms_on_their_home_page_and_staff_see_who_confirmed(cast, people, login):
    session = _session_with_login_attendees(cast, people)
    home = login(cast.user("resident")).get(f"/c/{SLUG}/timebank/").content.decode()
    assert "Confirm your part of" in home and "Chair yoga" in home
    response = login(cast.user("resident")).post(
        f"/c/{SLUG}/timebank/sessions/{session.pk}/confirm/", {"idempotency_key": key()}
    )
    assert response.status_code == 302
    home = login(cast.user("resident")).get(f"/c/{SLUG}/timebank/").content.decode()
    assert "Confirm your part of" not in home
    page = login(cast.user("coordinator")).get(f"/c/{SLUG}/timebank/sessions/").content.decode()
    assert "Waiting for" in page and people["volunteer"].display_name in page


def test_the_api_confirms_a_session_part(cast, people, login):
    session = _session_with_login_attendees(cast, people)
    client = login(cast.user("resident"))
    response = client.post(
        f"{API}/sessions/{session.pk}/confirm",
        {"idempotency_key": key()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    mine = [a for a in response.json()["attendees"] if a["member_id"] == people["resident"].pk]
    assert mine[0]["status"] == "posted"


def test_the_ledger_stays_clean_after_pending_sessions(cast, people):
    from kampung.timebank.verify import verify

    session = _session_with_login_attendees(cast, people)
    actions.confirm_session(by=cast.user("resident"), session=session, idempotency_key=key())
    assert verify()["problems"] == []


def test_members_without_login_sessions_still_post_at_once(cast, people):
    session = actions.record_session(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Walk",
        host=people["others"][0],
        attendees=people["others"][1:3],
        minutes=30,
        basis="per_attendee",
        idempotency_key=key(),
    )
    assert session.status == GroupSession.Status.POSTED
    assert (
        Member.objects.filter(pk__in=[a.member_id for a in session.attendance.all()]).count() == 2
    )
