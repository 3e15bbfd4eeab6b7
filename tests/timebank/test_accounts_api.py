"""Community developers manage time bank accounts through the API: list and search them,
set limits, close and reopen, open the clearing account and organisations' accounts."""

from __future__ import annotations

import uuid

import pytest

from kampung.communities.models import Community, Organisation
from kampung.people.models import Member, Role
from kampung.timebank import actions
from kampung.timebank.models import Account, Posting

SLUG = "kampung-seri-mawar"
API = f"/api/v1/communities/{SLUG}/timebank"
JSON = "application/json"


def key() -> str:
    return uuid.uuid4().hex


def acct(member) -> Account:
    return actions.account_for_member(member)


def fields(response) -> list[str]:
    return list(response.json()["error"].get("fields", {}))


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.fixture
def staff(cast, login):
    return login(cast.user("coordinator"))


@pytest.fixture
def volunteer_account(cast) -> Account:
    return acct(cast.members["volunteer"])


def _limits(client, number, lower, upper):
    body = {"lower_limit_minutes": lower, "upper_limit_minutes": upper}
    return client.put(f"{API}/accounts/{number}/limits", body, content_type=JSON)


def _gift(client, number, minutes=5):
    body = {"idempotency_key": key(), "to_account": number, "minutes": minutes}
    return client.post(f"{API}/gifts", body, content_type=JSON)


# --- Listing ----------------------------------------------------------------------------------


def test_staff_list_the_pool_clearing_organisations_then_members_by_name(cast, staff):
    rows = items(staff.get(f"{API}/accounts?limit=500"))  # the most one page holds
    assert len(rows) == Account.objects.filter(community=cast.community).count()
    kinds = [row["kind"] for row in rows]
    assert kinds[:2] == ["pool", "clearing"]
    assert kinds == sorted(kinds, key=["pool", "clearing", "organisation", "member"].index)
    assert "organisation" in kinds and "member" in kinds
    pool = actions.pool_account(cast.community)
    assert rows[0]["number"] == pool.number
    assert rows[0]["balance_minutes"] == pool.balance and rows[0]["is_open"] is True


def test_members_are_ordered_by_name_ignoring_case_and_q_matches_names(cast, staff):
    # Account numbers never contain an O, so "zOq" can only match these names.
    for name in ("Zoq Gamma", "zoq alpha", "ZOQ Beta"):
        acct(Member.objects.create(community=cast.community, display_name=name))
    rows = items(staff.get(f"{API}/accounts", {"q": "zOq"}))
    assert [row["label"] for row in rows] == ["zoq alpha", "ZOQ Beta", "Zoq Gamma"]
    centre = Account.objects.get(
        community=cast.community, organisation__name__contains="Seniors Activity Centre"
    ).organisation
    found = items(staff.get(f"{API}/accounts", {"q": "SENIORS activity centre"}))
    assert [(row["kind"], row["label"]) for row in found] == [("organisation", centre.name)]


def test_q_matches_an_account_number_however_it_is_typed(staff, volunteer_account):
    number = volunteer_account.number
    for typed in (number, number.lower(), number.replace("-", ""), number[:4].lower()):
        numbers = [row["number"] for row in items(staff.get(f"{API}/accounts", {"q": typed}))]
        assert number in numbers, typed
    assert items(staff.get(f"{API}/accounts", {"q": "no such name or number"})) == []


def test_the_list_filters_by_kind(cast, staff):
    for kind in ("member", "organisation", "pool", "clearing"):
        rows = items(staff.get(f"{API}/accounts?limit=500", {"kind": kind}))
        assert rows and {row["kind"] for row in rows} == {kind}
        assert len(rows) == Account.objects.filter(community=cast.community, kind=kind).count()


def test_an_unknown_kind_is_refused_naming_kind(staff):
    response = staff.get(f"{API}/accounts", {"kind": "savings"})
    assert response.status_code == 422
    assert fields(response) == ["kind"]


def test_listing_costs_the_same_few_queries_however_many_accounts(
    cast, staff, django_assert_max_num_queries
):
    for i in range(30):
        acct(Member.objects.create(community=cast.community, display_name=f"Extra {i}"))
    # 7: the page's audit "view" events are one bulk insert, however many accounts.
    with django_assert_max_num_queries(7):
        rows = items(staff.get(f"{API}/accounts?limit=500"))  # the most one page holds
    assert len(rows) > 30


# --- Limits -----------------------------------------------------------------------------------


def test_staff_set_and_remove_an_accounts_limits(cast, login, volunteer_account):
    admin = login(cast.user("admin"))  # administrators are staff too
    balance = volunteer_account.balance
    response = _limits(admin, volunteer_account.number, balance - 120, balance + 600)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == volunteer_account.number and body["label"].startswith("Vijay")
    assert (body["lower_limit_minutes"], body["upper_limit_minutes"]) == (
        balance - 120,
        balance + 600,
    )
    volunteer_account.refresh_from_db()
    assert (volunteer_account.lower_limit, volunteer_account.upper_limit) == (
        balance - 120,
        balance + 600,
    )
    cleared = _limits(admin, volunteer_account.number, None, None).json()
    assert cleared["lower_limit_minutes"] is None and cleared["upper_limit_minutes"] is None


def test_a_lower_limit_above_the_upper_is_refused_naming_the_upper(staff, volunteer_account):
    before = (volunteer_account.lower_limit, volunteer_account.upper_limit)
    balance = volunteer_account.balance
    response = _limits(staff, volunteer_account.number, balance + 60, balance - 60)
    assert response.status_code == 422
    assert fields(response) == ["upper_limit_minutes"]
    volunteer_account.refresh_from_db()
    assert (volunteer_account.lower_limit, volunteer_account.upper_limit) == before


@pytest.mark.parametrize(
    "lower,upper,field",
    [(1, None, "lower_limit_minutes"), (None, -1, "upper_limit_minutes")],
)
def test_limits_the_balance_already_breaks_are_refused_naming_the_api_field(
    staff, volunteer_account, lower, upper, field
):
    """set_limits calls them lower_limit/upper_limit; the API names its own fields."""
    balance = volunteer_account.balance
    response = _limits(
        staff,
        volunteer_account.number,
        None if lower is None else balance + lower,
        None if upper is None else balance + upper,
    )
    assert response.status_code == 422, response.content
    assert fields(response) == [field]
    assert "balance" in response.json()["error"]["message"]


def test_both_limits_must_be_sent_even_if_null(staff, volunteer_account):
    response = staff.put(
        f"{API}/accounts/{volunteer_account.number}/limits",
        {"lower_limit_minutes": -60},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert fields(response) == ["upper_limit_minutes"]


# --- Closing and reopening --------------------------------------------------------------------


def test_a_closed_account_refuses_credits_until_it_is_reopened(cast, login, volunteer_account):
    staff = login(cast.user("coordinator"))
    typed = volunteer_account.number.lower().replace("-", "")  # as someone might type it
    closed = staff.post(f"{API}/accounts/{typed}/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["is_open"] is False and closed.json()["number"] == volunteer_account.number
    listed = items(staff.get(f"{API}/accounts", {"q": volunteer_account.number}))
    assert listed[0]["is_open"] is False

    resident = login(cast.user("resident"))
    postings = Posting.objects.count()
    refused = _gift(resident, volunteer_account.number)
    assert refused.status_code == 422
    # To someone who may not see the account, neither its owner nor that it is closed
    # (issue 12, finding 15): the code says only that it cannot take credits.
    assert refused.json()["error"]["code"] == "account_unavailable"
    assert fields(refused) == ["to_account"]
    assert Posting.objects.count() == postings

    staff = login(cast.user("coordinator"))
    reopened = staff.post(f"{API}/accounts/{volunteer_account.number}/reopen")
    assert reopened.status_code == 200 and reopened.json()["is_open"] is True
    before = Account.objects.get(pk=volunteer_account.pk).balance
    assert _gift(login(cast.user("resident")), volunteer_account.number).status_code == 201
    assert Account.objects.get(pk=volunteer_account.pk).balance == before + 5


def test_the_pool_cannot_be_closed(cast, staff):
    pool = actions.pool_account(cast.community)
    response = staff.post(f"{API}/accounts/{pool.number}/close")
    assert response.status_code == 422
    assert fields(response) == ["account"]
    assert Account.objects.get(pk=pool.pk).is_open


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("put", "limits", {"lower_limit_minutes": None, "upper_limit_minutes": None}),
        ("post", "close", None),
        ("post", "reopen", None),
    ],
)
def test_another_communitys_account_or_an_unknown_number_is_not_found(
    cast, staff, method, path, body
):
    wendy = acct(cast.members["outsider"])
    for number in (wendy.number, "ZZZZ-ZZZZ"):
        kwargs = {"data": body, "content_type": JSON} if body is not None else {}
        response = getattr(staff, method)(f"{API}/accounts/{number}/{path}", **kwargs)
        assert response.status_code == 404, (number, response.content)
    assert Account.objects.get(pk=wendy.pk).is_open


# --- Opening accounts -------------------------------------------------------------------------


def test_the_clearing_account_opens_once(cast, login):
    staff = login(cast.user("coordinator"))
    existing = actions.clearing_account(cast.community)
    again = staff.post(f"{API}/clearing-account")
    assert again.status_code == 200 and again.json()["number"] == existing.number

    third = Community.objects.create(
        slug="third", name="Third Place", centre_lat=0, centre_lng=0, timezone="UTC"
    )
    Member.objects.create(
        community=third,
        user=cast.user("coordinator"),
        display_name="Chen Hui",
        role=Role.COORDINATOR,
    )
    url = "/api/v1/communities/third/timebank/clearing-account"
    opened = staff.post(url)
    assert opened.status_code == 201, opened.content
    assert opened.json()["kind"] == "clearing" and opened.json()["balance_minutes"] == 0
    assert actions.clearing_account(third).number == opened.json()["number"]
    assert staff.post(url).json()["number"] == opened.json()["number"]


def test_an_organisation_working_here_gets_one_account(cast, staff):
    org = cast.community.organisations.exclude(timebank_accounts__community=cast.community).first()
    url = f"{API}/organisations/{org.pk}/account"
    opened = staff.post(url)
    assert opened.status_code == 201, opened.content
    assert opened.json()["kind"] == "organisation" and opened.json()["label"] == org.name
    again = staff.post(url)
    assert again.status_code == 200 and again.json()["number"] == opened.json()["number"]
    assert Account.objects.filter(community=cast.community, organisation=org).count() == 1


def test_an_unknown_or_elsewhere_organisation_gets_no_account(cast, staff):
    assert staff.post(f"{API}/organisations/999999/account").status_code == 404
    elsewhere = Organisation.objects.exclude(communities=cast.community).first()
    response = staff.post(f"{API}/organisations/{elsewhere.pk}/account")
    assert response.status_code == 422
    assert fields(response) == ["organisation"]
    assert not Account.objects.filter(organisation=elsewhere, community=cast.community).exists()


# --- Permission -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["resident", "volunteer", "partner", "analyst"])
def test_only_staff_manage_accounts(cast, login, volunteer_account, role):
    client = login(cast.user(role))
    number = volunteer_account.number
    org = cast.community.organisations.first()
    calls = [
        client.get(f"{API}/accounts"),
        _limits(client, number, 0, 0),
        client.post(f"{API}/accounts/{number}/close"),
        client.post(f"{API}/accounts/ZZZZ-ZZZZ/close"),  # 403 too: no probing for numbers
        client.post(f"{API}/accounts/{number}/reopen"),
        client.post(f"{API}/clearing-account"),
        client.post(f"{API}/organisations/{org.pk}/account"),
    ]
    assert [r.status_code for r in calls] == [403] * len(calls)
    assert calls[0].json()["error"]["code"] == "forbidden"
    after = Account.objects.get(pk=volunteer_account.pk)
    assert after.is_open
    assert (after.lower_limit, after.upper_limit) == (
        volunteer_account.lower_limit,
        volunteer_account.upper_limit,
    )


def test_strangers_are_told_to_log_in_and_outsiders_find_nothing(cast, client, login):
    assert client.get(f"{API}/accounts").status_code == 401
    assert client.post(f"{API}/clearing-account").status_code == 401
    outsider = login(cast.user("outsider"))
    assert outsider.get(f"{API}/accounts").status_code == 404
