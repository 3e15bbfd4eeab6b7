"""Time bank pages for community developers: group sessions, help recorded for others
(optionally paid by an organisation), the accounts overview, limits and closing, and
the audit trail of staff reading someone's statement."""

from __future__ import annotations

import uuid

import pytest

from kampung.audit.models import AuditEvent
from kampung.people.models import Member
from kampung.timebank import actions
from kampung.timebank.models import Account, Exchange, GroupSession

SLUG = "kampung-seri-mawar"
BASE = f"/c/{SLUG}/timebank"


def key() -> str:
    return uuid.uuid4().hex


def acct(member) -> Account:
    return actions.account_for_member(member)


def no_login_members(cast, n):
    return list(
        Member.objects.filter(community=cast.community, user__isnull=True, is_active=True).order_by(
            "pk"
        )[:n]
    )


@pytest.mark.parametrize(
    "path", ["sessions/", "care/new/", "accounts/", "accounts/{number}/settings/"]
)
def test_the_pages_are_for_community_developers_only(cast, login, path):
    number = acct(cast.members["volunteer"]).number
    url = f"{BASE}/{path.format(number=number)}"
    assert login(cast.user("resident")).get(url).status_code == 403
    assert login(cast.user("volunteer")).get(url).status_code == 403
    assert login(cast.user("coordinator")).get(url).status_code == 200


def test_a_group_session_is_recorded_for_everyone_through_the_page(cast, login):
    host, a, b = no_login_members(cast, 3)
    before = {m.pk: acct(m).balance for m in (host, a, b)}
    client = login(cast.user("coordinator"))
    form = {
        "idempotency_key": key(),
        "title": "Chair yoga at the hall",
        "host": host.pk,
        # The host ticked among the attendees is left out, not charged.
        "attendees": [host.pk, a.pk, b.pk],
        "hours": "1",
        "minutes": "0",
        "basis": "per_host",
        "occurred_on": "2026-11-02",
    }
    response = client.post(f"{BASE}/sessions/", form)
    assert response.status_code == 302
    assert client.post(f"{BASE}/sessions/", form).status_code == 302  # sent twice
    session = GroupSession.objects.get(title="Chair yoga at the hall")
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted([a.pk, b.pk])
    assert acct(host).balance == before[host.pk] + 60
    assert acct(a).balance == before[a.pk] - 30
    assert acct(b).balance == before[b.pk] - 30
    page = client.get(f"{BASE}/sessions/").content.decode()
    assert "Chair yoga at the hall" in page and "1 h shared" in page


def test_a_session_without_attendees_names_the_field(cast, login):
    (host,) = no_login_members(cast, 1)
    response = login(cast.user("coordinator")).post(
        f"{BASE}/sessions/",
        {
            "idempotency_key": key(),
            "title": "Talk",
            "host": host.pk,
            "attendees": [host.pk],
            "hours": "1",
            "basis": "per_attendee",
            "occurred_on": "2026-11-02",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"attendees"}
    assert not GroupSession.objects.filter(title="Talk").exists()


def test_care_paid_by_an_organisation_through_the_pages(cast, login):
    client = login(cast.user("coordinator"))
    org = (
        cast.community.organisations.exclude(timebank_accounts__community=cast.community)
        .order_by("pk")
        .first()
    )
    assert org is not None
    page = client.get(f"{BASE}/accounts/").content.decode()
    assert f"Open an account for {org.name}" in page
    response = client.post(f"{BASE}/organisations/{org.pk}/account/")
    assert response.status_code == 302
    org_account = Account.objects.get(community=cast.community, organisation=org)
    helper, cared_for = no_login_members(cast, 2)
    before = acct(cared_for).balance
    response = client.post(
        f"{BASE}/care/new/",
        {
            "idempotency_key": key(),
            "provider": helper.pk,
            "receiver": cared_for.pk,
            "paid_by": org_account.pk,
            "hours": "2",
            "minutes": "0",
            "description": "Sat with her after the fall",
            "occurred_on": "2026-11-20",
        },
    )
    assert response.status_code == 302
    exchange = Exchange.objects.get(description="Sat with her after the fall")
    assert exchange.status == Exchange.Status.PENDING
    # Neither has a login: the coordinator confirms for both from the time bank page.
    home = client.get(f"{BASE}/").content.decode()
    assert "Sat with her after the fall" in home
    for person in (helper, cared_for):
        client.post(
            f"{BASE}/exchanges/{exchange.pk}/confirm/",
            {"idempotency_key": key(), "on_behalf_of": person.pk},
        )
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.POSTED
    assert Account.objects.get(pk=org_account.pk).balance == -120
    assert acct(cared_for).balance == before


def test_care_for_the_same_person_twice_names_the_field(cast, login):
    (someone,) = no_login_members(cast, 1)
    response = login(cast.user("coordinator")).post(
        f"{BASE}/care/new/",
        {
            "idempotency_key": key(),
            "provider": someone.pk,
            "receiver": someone.pk,
            "hours": "1",
            "description": "x",
            "occurred_on": "2026-11-20",
        },
    )
    assert set(response.context["form"].errors) == {"receiver"}


def test_the_accounts_page_finds_members_by_name_or_number(cast, login):
    volunteer = acct(cast.members["volunteer"])
    resident = acct(cast.members["resident"])
    client = login(cast.user("coordinator"))
    page = client.get(f"{BASE}/accounts/", {"q": volunteer.number.lower()}).content.decode()
    assert volunteer.number in page and resident.number not in page
    name = cast.members["resident"].display_name
    page = client.get(f"{BASE}/accounts/", {"q": name[:5]}).content.decode()
    assert resident.number in page
    assert "Community pool" in page


def test_setting_up_a_clearing_account(cast, login):
    client = login(cast.user("coordinator"))
    Account.objects.filter(community=cast.community, kind="clearing").exists()
    if actions.clearing_account(cast.community) is None:
        assert "Set up a clearing account" in client.get(f"{BASE}/accounts/").content.decode()
    assert client.post(f"{BASE}/accounts/clearing/open/").status_code == 302
    assert client.post(f"{BASE}/accounts/clearing/open/").status_code == 302  # no second one
    assert Account.objects.filter(community=cast.community, kind="clearing").count() == 1
    assert "Set up a clearing account" not in client.get(f"{BASE}/accounts/").content.decode()
    assert login(cast.user("resident")).post(f"{BASE}/accounts/clearing/open/").status_code == 403


def test_limits_and_closing_through_the_settings_page(cast, login):
    member = cast.members["volunteer"]
    account = acct(member)
    url = f"{BASE}/accounts/{account.number}/settings/"
    client = login(cast.user("coordinator"))
    response = client.post(url, {"do": "limits", "may_owe": "5", "may_hold": "20.5"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.lower_limit, account.upper_limit) == (-300, 1230)
    # A limit the balance already breaks is refused next to its field; nothing changes.
    response = client.post(url, {"do": "limits", "may_owe": "5", "may_hold": "-1"})
    assert set(response.context["form"].errors) == {"may_hold"}
    response = client.post(url, {"do": "limits", "may_owe": "-30", "may_hold": ""})
    assert response.status_code == 200
    assert "may_owe" in response.context["form"].errors
    account.refresh_from_db()
    assert (account.lower_limit, account.upper_limit) == (-300, 1230)
    # Empty means no limit.
    client.post(url, {"do": "limits", "may_owe": "", "may_hold": ""})
    account.refresh_from_db()
    assert (account.lower_limit, account.upper_limit) == (None, None)

    assert client.post(url, {"do": "close"}).status_code == 302
    with pytest.raises(actions.AccountClosed):
        actions.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=account,
            minutes=10,
            idempotency_key=key(),
        )
    assert "Open it again" in client.get(url).content.decode()
    assert client.post(url, {"do": "reopen"}).status_code == 302
    account.refresh_from_db()
    assert account.is_open


def test_staff_reading_a_statement_is_audit_logged_but_reading_your_own_is_not(cast, login):
    member = cast.members["resident"]
    account = acct(member)
    url = f"{BASE}/accounts/{account.number}/"
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_id=str(member.pk))
    before = views.count()
    assert login(cast.user("resident")).get(url).status_code == 200
    assert views.count() == before
    assert login(cast.user("coordinator")).get(url).status_code == 200
    assert views.count() == before + 1
    assert views.order_by("-pk").first().actor_id == cast.user("coordinator").pk


def test_the_time_bank_stays_highlighted_in_the_menu_on_its_subpages(cast, login):
    client = login(cast.user("coordinator"))
    home = client.get(f"{BASE}/").content.decode()
    assert 'aria-current="page">Time bank' in home
    sessions = client.get(f"{BASE}/sessions/").content.decode()
    assert 'aria-current="true">Time bank' in sessions


def test_account_settings_give_nothing_away_and_refusals_are_messages(cast, login):
    fake = f"{BASE}/accounts/ZZZZ-ZZZZ/settings/"
    real = f"{BASE}/accounts/{acct(cast.members['volunteer']).number}/settings/"
    resident = login(cast.user("resident"))
    assert resident.get(fake).status_code == resident.get(real).status_code == 403
    client = login(cast.user("coordinator"))
    pool = actions.pool_account(cast.community)
    url = f"{BASE}/accounts/{pool.number.lower().replace('-', '')}/settings/"
    response = client.post(url, {"do": "close"}, follow=True)
    assert response.status_code == 200
    assert "The community pool cannot be closed." in response.content.decode()
    pool.refresh_from_db()
    assert pool.is_open


def test_staff_opening_someones_account_settings_is_audit_logged(cast, login):
    member = cast.members["volunteer"]
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_id=str(member.pk))
    before = views.count()
    url = f"{BASE}/accounts/{acct(member).number}/settings/"
    assert login(cast.user("coordinator")).get(url).status_code == 200
    assert views.count() == before + 1


def test_today_on_the_pages_is_the_communitys_today(cast, login, monkeypatch):
    """At 07:30 in Singapore it is still yesterday in UTC: an exchange dated today must
    not be refused as "in the future"."""
    import datetime as dt

    from django.utils import timezone

    instant = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    client = login(cast.user("resident"))
    page = client.get(f"{BASE}/exchanges/new/")
    assert page.context["form"]["occurred_on"].value() == dt.date(2026, 3, 2)
    response = client.post(
        f"{BASE}/exchanges/new/",
        {
            "idempotency_key": key(),
            "direction": "gave",
            "other_account": acct(cast.members["volunteer"]).number,
            "hours": "1",
            "minutes": "0",
            "description": "Morning walk",
            "occurred_on": "2026-03-02",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Exchange.objects.get(description="Morning walk").occurred_on == dt.date(2026, 3, 2)


def test_the_whole_ledger_downloads_for_auditors_and_adds_up(cast, login):
    import csv
    import io
    from collections import defaultdict

    url = f"{BASE}/ledger/?format=csv"
    assert login(cast.user("resident")).get(url).status_code == 403
    client = login(cast.user("coordinator"))
    downloads = AuditEvent.objects.filter(summary="Downloaded the time bank ledger (CSV)")
    response = client.get(url)
    assert response.status_code == 200 and downloads.count() == 1
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows, "the demo has time bank entries"
    totals, last = defaultdict(int), {}
    for row in rows:
        totals[row["transaction"]] += int(row["minutes"])
        if row["account_number"]:
            last[row["account_number"]] = int(row["balance_after_minutes"])
    assert set(totals.values()) == {0}  # every entry adds up to zero
    for number, balance in last.items():  # and the last running balance is the balance
        assert Account.objects.get(number=number).balance == balance
    # The far side of a clearing transfer is shown by community only.
    far = [r for r in rows if r["account_community"] != cast.community.name]
    assert far and all(r["account_number"] == "" for r in far)
    assert all(r["account"] == "Account in another community" for r in far)


def test_partner_staff_see_their_organisations_statement_only(cast, login):
    partner = cast.members["partner"]
    mine = actions.open_organisation_account(
        by=cast.user("coordinator"), community=cast.community, organisation=partner.organisation
    )
    other_org = cast.community.organisations.exclude(pk=partner.organisation_id).first()
    theirs = actions.open_organisation_account(
        by=cast.user("coordinator"), community=cast.community, organisation=other_org
    )
    client = login(cast.user("partner"))
    home = client.get(f"{BASE}/").content.decode()
    assert "Your organisation's statement" in home and mine.number in home
    assert client.get(f"{BASE}/accounts/{mine.number}/").status_code == 200
    assert client.get(f"{BASE}/accounts/{theirs.number}/").status_code == 404


def test_the_report_shows_care_each_organisation_paid_for(cast, login):
    centre = Account.objects.get(
        community=cast.community, kind="organisation", organisation__name__contains="Seniors"
    )
    assert centre.balance < 0  # the demo's centre paid for care
    report = login(cast.user("coordinator")).get(f"{BASE}/reports/")
    rows = report.context["report"]["paid_by_organisations"]
    assert rows == [{"organisation": centre.organisation.name, "minutes": -centre.balance}]
    assert "Care paid for by organisations" in report.content.decode()
    api = login(cast.user("coordinator")).get(f"/api/v1/communities/{SLUG}/timebank/reports").json()
    assert api["paid_by_organisations"] == rows
