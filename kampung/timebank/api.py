"""Time bank endpoints under /api/v1/communities/{slug}/timebank/: balance, statements,
exchanges (record, confirm, decline), gifts, the pool, reversals, group sessions and
reports. Every write takes an `idempotency_key`, and the first answer to a key is kept:
send the same key and body again (after a timeout, say) and you get the original
result — the same success, or the same refusal with the same status, code and message,
even if the request would now succeed. The same key with a different body is refused
with 409. A request refused before it reached the ledger (a malformed body: 422 naming
the field from the schema; or no permission: 403) keeps nothing, so it can be fixed and
sent with the same key. Amounts are whole minutes, sent as JSON integers (not strings,
decimals or booleans).

Community developers also manage the accounts themselves: list every account (filter by
kind, search by name or number), set an account's lowest and highest balance, close and
reopen accounts, and open the community's clearing account or an organisation's account.
These account-management calls change settings only, never balances, so they take no
idempotency key: sending one again leaves the account as the first call did."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field as PydanticField
from pydantic import StrictInt

from kampung import limits, policy
from kampung.api_types import MAX_ID
from kampung.audit.log import LoggedPage, record_view
from kampung.communities.models import Organisation
from kampung.people.models import Member
from kampung.timebank import actions, queries
from kampung.timebank.ledger import MAX_MINUTES, clean_account_number
from kampung.timebank.models import Account, Exchange, GroupSession, Transaction
from kampung.web import community_for

router = Router(tags=["time bank"])


def _minutes():
    return Field(
        ...,
        gt=0,
        le=MAX_MINUTES,
        strict=True,
        description="Whole minutes as a JSON integer, more than zero and at most 6000 "
        "(100 h); 90 = 1 h 30 min. Strings, decimals and booleans are refused.",
    )


def _key():
    return Field(
        ...,
        min_length=1,
        max_length=100,
        description="Any text unique to this request (a UUID is ideal). The first answer to a "
        "key is kept: the same key and body again return the original result, a success or "
        "the same refusal (status, code and message), without posting twice; the same key "
        "with a different body is refused with 409.",
    )


# A member's id in a request body: a JSON integer that fits the database's 64-bit keys.
MemberId = Annotated[StrictInt, PydanticField(gt=0, le=MAX_ID)]


def _member_id(description: str, default=...):
    return Field(default, strict=True, gt=0, le=MAX_ID, description=description)


class AccountOut(Schema):
    number: str
    kind: str
    label: str
    balance_minutes: int = Field(..., alias="balance")
    balance: str = Field(..., alias="balance_display")
    lower_limit_minutes: int | None = Field(None, alias="lower_limit")
    upper_limit_minutes: int | None = Field(None, alias="upper_limit")
    is_open: bool


# Limits far beyond any real balance, but inside the database's 64-bit integers.
LIMIT_BOUND = 1_000_000 * 60


def _limit(which: str):
    return Field(
        ...,
        ge=-LIMIT_BOUND,
        le=LIMIT_BOUND,
        strict=True,
        description=f"The {which} balance allowed, in minutes (negative: the account may owe "
        "that much); null for no limit. Required: send null explicitly to remove the limit.",
    )


class LimitsIn(Schema):
    lower_limit_minutes: StrictInt | None = _limit("lowest")
    upper_limit_minutes: StrictInt | None = _limit("highest")


class StatementLineOut(Schema):
    transaction_id: int
    date: dt.date
    kind: str
    counterparty: str
    description: str
    amount_minutes: int
    balance_after_minutes: int


class PostingOut(Schema):
    account: str = Field(
        ..., description="The account's number; empty for an account in another community."
    )
    label: str = Field(
        ..., description='Whose account; "An account in <community>" for another community\'s.'
    )
    amount_minutes: int


class TransactionOut(Schema):
    id: int
    kind: str
    description: str
    reason: str
    date: dt.date = Field(..., alias="occurred_on")
    created_at: dt.datetime
    reverses_id: int | None
    reversed_by_id: int | None = None
    postings: list[PostingOut]

    @staticmethod
    def resolve_postings(obj, context):
        request = (context or {}).get("request")
        match = getattr(request, "resolver_match", None)
        slug = match.kwargs.get("slug") if match is not None else None
        return [
            {"account": p["number"], "label": p["label"], "amount_minutes": p["amount_minutes"]}
            for p in queries.postings_shown(obj, slug)
        ]

    @staticmethod
    def resolve_reversed_by_id(obj):
        reversal = Transaction.objects.filter(reverses=obj).only("id").first()
        return reversal.pk if reversal else None


class ExchangeOut(Schema):
    id: int
    status: str
    provider_id: int
    receiver_id: int
    minutes: int
    description: str
    date: dt.date = Field(..., alias="occurred_on")
    provider_confirmed: bool
    receiver_confirmed: bool
    paid_by: str | None
    transaction_id: int | None
    match_id: int | None

    @staticmethod
    def resolve_provider_confirmed(obj):
        return obj.provider_confirmed_at is not None

    @staticmethod
    def resolve_receiver_confirmed(obj):
        return obj.receiver_confirmed_at is not None

    @staticmethod
    def resolve_paid_by(obj):
        return obj.paid_by.number if obj.paid_by_id else None


class ExchangeIn(Schema):
    idempotency_key: str = _key()
    provider: str = Field(..., description="Account number of the person who gave the time.")
    receiver: str = Field(..., description="Account number of the person who received it.")
    minutes: StrictInt = _minutes()
    description: str = Field(..., max_length=300)
    date: dt.date | None = Field(None, description="When it happened: today or up to a year ago.")
    paid_by: str | None = Field(
        None, description="An organisation's account number, if the organisation pays."
    )
    # No match_id: only the matching app links an exchange to a match (when a match's
    # helper records it), so nobody can claim someone else's match by its number.


class ConfirmIn(Schema):
    idempotency_key: str = _key()
    on_behalf_of: StrictInt | None = _member_id(
        "Member id: a community developer confirming for someone without a login.", None
    )


class GiftIn(Schema):
    idempotency_key: str = _key()
    to_account: str = Field(..., description='Account number, or "pool" for the community pool.')
    minutes: StrictInt = _minutes()
    note: str = Field("", max_length=300)
    giver: StrictInt | None = _member_id(
        "Member id, when acting on someone's behalf (never for a gift to yourself).", None
    )


class AllocationIn(Schema):
    idempotency_key: str = _key()
    to_account: str
    minutes: StrictInt = _minutes()
    reason: str = Field(..., max_length=300)


class ReverseIn(Schema):
    idempotency_key: str = _key()
    reason: str = Field(..., max_length=300)


class SessionIn(Schema):
    idempotency_key: str = _key()
    title: str = Field(..., max_length=200)
    host: StrictInt = _member_id("Member id of the host (not yourself).")
    attendees: list[MemberId] = Field(
        ...,
        min_length=1,
        max_length=limits.ATTENDEES_MAX,
        description="Member ids of the attendees (not yourself). Those without a login are "
        "confirmed by you and their parts post at once; those with a login confirm their own.",
    )
    minutes: StrictInt = _minutes()
    basis: GroupSession.Basis
    date: dt.date | None = Field(None, description="When it happened: today or up to a year ago.")


class AttendanceOut(Schema):
    member_id: int
    minutes: int
    status: str = Field(..., description="pending, posted (confirmed) or declined.")
    transaction_id: int | None


class SessionOut(Schema):
    id: int
    title: str
    status: str = Field(..., description="pending until every attendee has answered, then posted.")
    transaction_id: int | None = Field(
        None, description="The entry for the attendees confirmed when it was recorded, if any."
    )
    attendees: list[AttendanceOut] = Field(
        ..., description="Each attendee's part (staff); an attendee sees only their own."
    )

    @staticmethod
    def resolve_attendees(obj, context):
        """Every part for staff; an attendee sees only their own."""
        parts = obj.attendance.all()
        user = getattr((context or {}).get("request"), "user", None)
        if policy.can(user, "timebank.view_ledger", obj.community):
            return list(parts)
        return list(parts.filter(member__user=user)) if user is not None else []


class MonthOut(Schema):
    month: str
    minutes: int


class PaidByOut(Schema):
    organisation: str
    minutes: int


class ReportOut(Schema):
    months: list[MonthOut]
    paid_by_organisations: list[PaidByOut] = Field(
        default_factory=list,
        description="Care each organisation's account paid for in the last twelve months.",
    )
    givers: int
    receivers: int
    reciprocal: int
    older_givers: int
    minutes_given_by_older: int
    minutes_exchanged: int
    counted_members_only: bool = True


def _account_here(community, number: str, field: str) -> Account:
    account = actions.find_account(number, field=field)
    if account.community_id != community.pk:
        raise actions.LedgerError(field, "That account is not in this community.")
    return account


def _members_member(community, number: str, field: str) -> Member:
    account = _account_here(community, number, field)
    if account.kind != Account.Kind.MEMBER:
        raise actions.LedgerError(field, "That is not a person's account.")
    return account.member


@router.get("/communities/{slug}/timebank/me", response=AccountOut)
def my_account(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.use", community)
    return actions.account_for_member(policy.membership(request.user, community))


@router.get(
    "/communities/{slug}/timebank/accounts/{number}/statement", response=list[StatementLineOut]
)
@paginate
def statement(request, slug: str, number: str):
    community = community_for(request, slug)
    account = get_object_or_404(
        Account.objects.select_related("member"),
        number=clean_account_number(number),
        community=community,
    )
    policy.require(request.user, "timebank.view_statement", community, account)
    if account.member is not None and account.member.user_id != request.user.pk:
        record_view(account.member, viewer=request.user, reason="Viewed their statement (API)")
    return queries.statement_lines(account)


@router.get("/communities/{slug}/timebank/exchanges", response=list[ExchangeOut])
@paginate
def list_exchanges(request, slug: str, status: str = ""):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.use", community)
    exchanges = queries.exchanges_for(request.user, community).select_related("paid_by")
    if status:
        exchanges = exchanges.filter(status=status)
    return exchanges


@router.post("/communities/{slug}/timebank/exchanges", response={201: ExchangeOut})
def record_exchange(request, slug: str, payload: ExchangeIn):
    community = community_for(request, slug)
    paid_by = None
    if payload.paid_by:
        paid_by = _account_here(community, payload.paid_by, "paid_by")
    try:
        exchange = actions.record_exchange(
            by=request.user,
            community=community,
            provider=_members_member(community, payload.provider, "provider"),
            receiver=_members_member(community, payload.receiver, "receiver"),
            minutes=payload.minutes,
            description=payload.description,
            occurred_on=payload.date,
            paid_by=paid_by,
            idempotency_key=payload.idempotency_key,
        )
    except actions.LedgerError as exc:
        raise _renamed(exc, _DATE_FIELDS) from None
    return Status(201, exchange)


def _exchange(community, exchange_id: int) -> Exchange:
    return get_object_or_404(Exchange, pk=exchange_id, community=community)


def _on_behalf(community, member_id: int | None) -> Member | None:
    if member_id is None:
        return None
    return get_object_or_404(Member, pk=member_id, community=community)


@router.post("/communities/{slug}/timebank/exchanges/{exchange_id}/confirm", response=ExchangeOut)
def confirm_exchange(request, slug: str, exchange_id: int, payload: ConfirmIn):
    community = community_for(request, slug)
    return actions.confirm_exchange(
        by=request.user,
        exchange=_exchange(community, exchange_id),
        on_behalf_of=_on_behalf(community, payload.on_behalf_of),
        idempotency_key=payload.idempotency_key,
    )


@router.post("/communities/{slug}/timebank/exchanges/{exchange_id}/decline", response=ExchangeOut)
def decline_exchange(request, slug: str, exchange_id: int, payload: ConfirmIn):
    community = community_for(request, slug)
    return actions.decline_exchange(
        by=request.user,
        exchange=_exchange(community, exchange_id),
        on_behalf_of=_on_behalf(community, payload.on_behalf_of),
        idempotency_key=payload.idempotency_key,
    )


@router.post("/communities/{slug}/timebank/gifts", response={201: TransactionOut})
def give(request, slug: str, payload: GiftIn):
    community = community_for(request, slug)
    if payload.to_account.strip().lower() == "pool":
        target = actions.pool_account(community)
    else:
        target = actions.find_account(payload.to_account)
    tx = actions.give_credits(
        by=request.user,
        community=community,
        to_account=target,
        minutes=payload.minutes,
        note=payload.note,
        giver=_on_behalf(community, payload.giver),
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, tx)


@router.post("/communities/{slug}/timebank/pool/allocations", response={201: TransactionOut})
def allocate(request, slug: str, payload: AllocationIn):
    community = community_for(request, slug)
    tx = actions.allocate_from_pool(
        by=request.user,
        community=community,
        to_account=actions.find_account(payload.to_account),
        minutes=payload.minutes,
        reason=payload.reason,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, tx)


@router.get("/communities/{slug}/timebank/transactions/{transaction_id}", response=TransactionOut)
def get_transaction(request, slug: str, transaction_id: int):
    community = community_for(request, slug)
    tx = get_object_or_404(Transaction, pk=transaction_id)
    if not queries.may_see_transaction(request.user, community, tx):
        raise Http404
    return tx


@router.post(
    "/communities/{slug}/timebank/transactions/{transaction_id}/reverse",
    response={201: TransactionOut},
)
def reverse(request, slug: str, transaction_id: int, payload: ReverseIn):
    community = community_for(request, slug)
    original = get_object_or_404(Transaction, pk=transaction_id, community=community)
    tx = actions.reverse_transaction(
        by=request.user,
        original=original,
        reason=payload.reason,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, tx)


@router.post("/communities/{slug}/timebank/sessions", response={201: SessionOut})
def record_session(request, slug: str, payload: SessionIn):
    community = community_for(request, slug)
    members = {
        m.pk: m
        for m in Member.objects.filter(
            community=community, pk__in=[payload.host, *payload.attendees]
        )
    }
    if payload.host not in members:
        raise actions.LedgerError("host", "The host must be a member of this community.")
    missing = [i for i in payload.attendees if i not in members]
    if missing:
        raise actions.LedgerError("attendees", "Every attendee must be a member of this community.")
    try:
        session = actions.record_session(
            by=request.user,
            community=community,
            title=payload.title,
            host=members[payload.host],
            attendees=[members[i] for i in payload.attendees],
            minutes=payload.minutes,
            basis=payload.basis,
            occurred_on=payload.date,
            idempotency_key=payload.idempotency_key,
        )
    except actions.LedgerError as exc:
        raise _renamed(exc, _DATE_FIELDS) from None
    return Status(201, session)


def _session(community, session_id: int) -> GroupSession:
    return get_object_or_404(GroupSession, pk=session_id, community=community)


@router.post("/communities/{slug}/timebank/sessions/{session_id}/confirm", response=SessionOut)
def confirm_session(request, slug: str, session_id: int, payload: ConfirmIn):
    """An attendee confirms they came: their part posts (the host earns it). A community
    developer may confirm only for an attendee without a login."""
    community = community_for(request, slug)
    return actions.confirm_session(
        by=request.user,
        session=_session(community, session_id),
        on_behalf_of=_on_behalf(community, payload.on_behalf_of),
        idempotency_key=payload.idempotency_key,
    )


@router.post("/communities/{slug}/timebank/sessions/{session_id}/decline", response=SessionOut)
def decline_session(request, slug: str, session_id: int, payload: ConfirmIn):
    """An attendee says they were not there: nothing of theirs posts."""
    community = community_for(request, slug)
    return actions.decline_session(
        by=request.user,
        session=_session(community, session_id),
        on_behalf_of=_on_behalf(community, payload.on_behalf_of),
        idempotency_key=payload.idempotency_key,
    )


# --- Managing accounts (community developers) ------------------------------------------------

_KIND_ORDER = Case(
    When(kind=Account.Kind.POOL, then=Value(0)),
    When(kind=Account.Kind.CLEARING, then=Value(1)),
    When(kind=Account.Kind.ORGANISATION, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# What the action's errors call a field, and what this API calls it.
_LIMIT_FIELDS = {"lower_limit": "lower_limit_minutes", "upper_limit": "upper_limit_minutes"}
_DATE_FIELDS = {"occurred_on": "date"}


def _managed_account(request, slug: str, number: str) -> Account:
    """The account `number` in this community, for someone who may manage accounts there.
    Permission comes first, so others cannot learn which numbers exist (403, not 404)."""
    community = community_for(request, slug)
    policy.require(request.user, "timebank.manage_accounts", community)
    return get_object_or_404(
        Account.objects.select_related("member", "organisation", "community"),
        number=clean_account_number(number),
        community=community,
    )


def _renamed(exc: actions.LedgerError, names: dict[str, str]) -> actions.LedgerError:
    """The same refusal (same kind, same message), naming the field as this API's request
    body does. A LedgerError always names exactly one field."""
    field, messages = next(iter(exc.message_dict.items()))
    return type(exc)(names.get(field, field), messages[0])


@router.get("/communities/{slug}/timebank/accounts", response=list[AccountOut])
@paginate
def list_accounts(
    request,
    slug: str,
    # Plain str, checked below: @paginate's wrapper cannot resolve Account.Kind here.
    kind: str = Query("", description="Only this kind: member, organisation, pool or clearing."),
    q: str = Query("", description="Part of a member's or organisation's name, or a number."),
):
    """Every account in the community: the pool, the clearing account, organisations,
    then members by name."""
    community = community_for(request, slug)
    policy.require(request.user, "timebank.view_ledger", community)
    accounts = Account.objects.filter(community=community).select_related("member", "organisation")
    if kind:
        if kind not in Account.Kind.values:
            raise actions.LedgerError("kind", f"Choose one of: {', '.join(Account.Kind.values)}.")
        accounts = accounts.filter(kind=kind)
    q = q.strip()
    if q:
        match = (
            Q(member__display_name__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(number__icontains=q)
        )
        number = clean_account_number(q)
        if number != q:
            match |= Q(number__icontains=number)
        accounts = accounts.filter(match)
    accounts = accounts.annotate(kind_order=_KIND_ORDER).order_by(
        "kind_order", Lower("organisation__name"), Lower("member__display_name"), "id"
    )
    # Staff see everyone's balances: one view event per member on the page sent.
    return LoggedPage(
        accounts,
        viewer=request.user,
        reason="Viewed their balance in the accounts list (API)",
        member_of=lambda account: account.member,
    )


@router.put("/communities/{slug}/timebank/accounts/{number}/limits", response=AccountOut)
def set_limits(request, slug: str, number: str, payload: LimitsIn):
    """Set the lowest and highest balance the account may reach (null: no limit). Refused
    if the balance is already outside the new limits."""
    account = _managed_account(request, slug, number)
    lower, upper = payload.lower_limit_minutes, payload.upper_limit_minutes
    if lower is not None and upper is not None and lower > upper:
        raise actions.LedgerError(
            "upper_limit_minutes", "The highest balance allowed cannot be below the lowest."
        )
    try:
        return actions.set_limits(
            by=request.user, account=account, lower_limit=lower, upper_limit=upper
        )
    except actions.LedgerError as exc:
        raise _renamed(exc, _LIMIT_FIELDS) from None


@router.post("/communities/{slug}/timebank/accounts/{number}/close", response=AccountOut)
def close_account(request, slug: str, number: str):
    """The account keeps its history but can no longer send or receive credits. The
    community pool cannot be closed."""
    account = _managed_account(request, slug, number)
    return actions.close_account(by=request.user, account=account)


@router.post("/communities/{slug}/timebank/accounts/{number}/reopen", response=AccountOut)
def reopen_account(request, slug: str, number: str):
    """Undo a closing: the account can send and receive credits again."""
    account = _managed_account(request, slug, number)
    return actions.reopen_account(by=request.user, account=account)


@router.post(
    "/communities/{slug}/timebank/clearing-account", response={200: AccountOut, 201: AccountOut}
)
def open_clearing_account(request, slug: str):
    """Open the account through which credits move to and from other communities: 201
    when it is opened, 200 with the existing one if the community has it already."""
    community = community_for(request, slug)
    policy.require(request.user, "timebank.manage_accounts", community)
    existed = actions.clearing_account(community) is not None
    account = actions.open_clearing_account(by=request.user, community=community)
    return Status(200 if existed else 201, account)


@router.post(
    "/communities/{slug}/timebank/organisations/{organisation_id}/account",
    response={200: AccountOut, 201: AccountOut},
)
def open_organisation_account(request, slug: str, organisation_id: int):
    """Open an account for an organisation working in this community, from which it can
    pay for care: 201 when it is opened, 200 with the existing one."""
    community = community_for(request, slug)
    policy.require(request.user, "timebank.manage_accounts", community)
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    existed = actions.existing_organisation_account(community, organisation) is not None
    account = actions.open_organisation_account(
        by=request.user, community=community, organisation=organisation
    )
    return Status(200 if existed else 201, account)


@router.get("/communities/{slug}/timebank/reports", response=ReportOut)
def reports(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.view_reports", community)
    return queries.community_report(community)
