"""Every write to the time bank. Views and API endpoints validate input, call one of
these, and show the result; nothing else changes time-bank records.

Each write is atomic, checks permission with kampung.policy (staff never act on their
own account or their own behalf: policy.acting_for_self), carries an idempotency key
(the first answer is kept: the same key and request return the original result or the
original refusal; the same key with a different request is refused), and raises a
`LedgerError` naming the field at fault. Balances move
only through the posting engine (kampung.timebank.posting); accounts are opened and
managed in kampung.timebank.accounts (re-exported here for callers of the time bank).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from kampung import policy
from kampung.audit.context import acting
from kampung.communities.models import links_of
from kampung.people.models import Member
from kampung.timebank.accounts import (  # noqa: F401 (the time bank's public verbs)
    MEMBER_LOWER_LIMIT,
    account_for_member,
    clearing_account,
    close_account,
    existing_organisation_account,
    find_account,
    open_clearing_account,
    open_organisation_account,
    organisation_account,
    pool_account,
    reopen_account,
    set_limits,
)
from kampung.timebank.errors import (  # noqa: F401
    AccountClosed,
    AccountUnavailable,
    IdempotencyConflict,
    InsufficientCredits,
    LedgerError,
    LimitExceeded,
    NoClearingPath,
    NotAllowed,
)
from kampung.timebank.ledger import format_minutes, split_evenly
from kampung.timebank.models import (
    Account,
    Exchange,
    GroupSession,
    SessionAttendance,
    Transaction,
    TransactionKind,
)
from kampung.timebank.posting import check_minutes, closed_refusal, idempotent, post

# How far back an exchange or a session may be dated: a year covers anything written
# down late; older entries (0001-01-01, a typo for last year) are refused.
OLDEST_ENTRY = dt.timedelta(days=366)


def _not_for_self(by, field: str, *parties) -> None:
    """kampung.policy's rule: staff never act on their own account or their own behalf."""
    if policy.acting_for_self(by, *parties):
        raise NotAllowed(
            field,
            "You cannot do this for your own account or on your own behalf: "
            "ask another community developer.",
        )


def _check_date(occurred_on: dt.date, field: str = "occurred_on") -> dt.date:
    today = timezone.localdate()
    if occurred_on > today:
        raise LedgerError(field, "The date cannot be in the future.")
    if occurred_on < today - OLDEST_ENTRY:
        raise LedgerError(field, "The date can be at most a year ago.")
    return occurred_on


def _check_text(value: str, field: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LedgerError(field, f"Say {what}.")
    if len(value) > 300:
        raise LedgerError(field, "Keep it under 300 characters.")
    return value


# --- Transfers, gifts and the pool --------------------------------------------------------


def transfer_credits(
    *,
    by,
    source: Account,
    target: Account,
    minutes: int,
    description: str = "",
    kind: str = TransactionKind.GIFT,
    reason: str = "",
    on_behalf_of: Member | None = None,
    idempotency_key: str,
) -> Transaction:
    """Move `minutes` from `source` to `target`, through both communities' clearing
    accounts if they are in different communities. The ledger primitive: callers check
    permission (give_credits, allocate_from_pool do; so do the tests and benchmark)."""
    body = {
        "source": source.pk,
        "target": target.pk,
        "minutes": minutes,
        "description": description,
        "kind": kind,
        "reason": reason,
    }

    def work():
        check_minutes(minutes)
        if source.pk == target.pk:
            raise LedgerError("to_account", "Credits cannot move from an account to itself.")
        lines = [(source, -minutes, "minutes"), (target, minutes, "to_account")]
        if source.community_id != target.community_id:
            out_clearing = clearing_account(source.community)
            in_clearing = clearing_account(target.community)
            if out_clearing is None or in_clearing is None:
                raise NoClearingPath(
                    "to_account",
                    "That account is in another community, and the two communities have "
                    "no clearing arrangement yet, so credits cannot move between them. "
                    "A community developer can set one up.",
                )
            lines[1:1] = [
                (out_clearing, minutes, "to_account"),
                (in_clearing, -minutes, "to_account"),
            ]
        return post(
            community=source.community,
            kind=kind,
            lines=lines,
            by=by,
            description=description,
            reason=reason,
            on_behalf_of=on_behalf_of,
        )

    # idempotent opens the transaction (a savepoint only if the caller has one).
    return idempotent(by, idempotency_key, "transfer", body, work)


def _acting_member(by, community, giver: Member | None) -> tuple[Member, Member | None]:
    """Who is giving, and (if a community developer acts for them) on whose behalf."""
    me = policy.membership(by, community)
    if giver is None or (me is not None and giver.pk == me.pk):
        policy.require(by, "timebank.use", community)
        assert me is not None  # "timebank.use" is granted to members only
        return me, None
    policy.require(by, "timebank.act_for_member", community, giver)
    return giver, giver


def give_credits(
    *,
    by,
    community,
    to_account: Account,
    minutes: int,
    note: str = "",
    giver: Member | None = None,
    idempotency_key: str,
) -> Transaction:
    """A member gives some of their credits to another member (in this or another
    community on the installation) or to their community's pool."""
    giver, on_behalf = _acting_member(by, community, giver)
    if on_behalf is not None:
        _not_for_self(by, "to_account", to_account)
    note = _check_text(note, "note", "", required=False)
    source = account_for_member(giver)
    if to_account.kind == Account.Kind.POOL:
        if to_account.community_id != community.pk:
            raise LedgerError("to_account", "You can give to your own community's pool only.")
        kind, description = TransactionKind.POOL_GIFT, note or "Gift to the community pool"
    elif to_account.kind == Account.Kind.MEMBER:
        if to_account.pk == source.pk:
            raise LedgerError("to_account", "You cannot give credits to yourself.")
        kind, description = TransactionKind.GIFT, note or "Gift of time credits"
    else:
        raise LedgerError("to_account", "Credits can be given to a person or the community pool.")
    with acting(by, on_behalf_of=on_behalf):
        return transfer_credits(
            by=by,
            source=source,
            target=to_account,
            minutes=minutes,
            description=description,
            kind=kind,
            on_behalf_of=on_behalf,
            idempotency_key=idempotency_key,
        )


def check_gift(*, by, community, to_account: Account, minutes: int) -> Account:
    """The checks give_credits makes before it moves anything, without writing: for
    the "Send 45 min to Wendy?" page, so a gift that cannot go is refused before the
    person is asked to confirm it. A closed account is refused as give_credits refuses
    it (closed_refusal: a stranger's is never named). Returns the giver's account."""
    giver, _on_behalf = _acting_member(by, community, None)
    check_minutes(minutes)
    source = account_for_member(giver)
    if to_account.kind == Account.Kind.POOL:
        if to_account.community_id != community.pk:
            raise LedgerError("to_account", "You can give to your own community's pool only.")
    elif to_account.kind == Account.Kind.MEMBER:
        if to_account.pk == source.pk:
            raise LedgerError("to_account", "You cannot give credits to yourself.")
    else:
        raise LedgerError("to_account", "Credits can be given to a person or the community pool.")
    if not to_account.is_open:
        raise closed_refusal(by, to_account, "to_account")
    if to_account.community_id != source.community_id and (
        clearing_account(source.community) is None or clearing_account(to_account.community) is None
    ):
        raise NoClearingPath(
            "to_account",
            "That account is in another community, and the two communities have no "
            "clearing arrangement yet, so credits cannot move between them. "
            "A community developer can set one up.",
        )
    if source.lower_limit is not None and source.balance - minutes < source.lower_limit:
        raise InsufficientCredits(
            "minutes",
            f"You have {format_minutes(max(source.balance - source.lower_limit, 0))} "
            f"available; this needs {format_minutes(minutes)}.",
        )
    return source


def allocate_from_pool(
    *, by, community, to_account: Account, minutes: int, reason: str, idempotency_key: str
) -> Transaction:
    """A community developer gives credits from the pool to someone who needs them."""
    policy.require(by, "timebank.allocate", community)
    _not_for_self(by, "to_account", to_account)
    reason = _check_text(reason, "reason", "why these credits are given")
    if to_account.kind != Account.Kind.MEMBER or to_account.community_id != community.pk:
        raise LedgerError("to_account", "Allocate to a member of this community.")
    return transfer_credits(
        by=by,
        source=pool_account(community),
        target=to_account,
        minutes=minutes,
        description="From the community pool",
        reason=reason,
        kind=TransactionKind.ALLOCATION,
        idempotency_key=idempotency_key,
    )


def reverse_transaction(*, by, original: Transaction, reason: str, idempotency_key: str):
    """Correct a mistake: a new transaction with every posting of `original` negated,
    linked to it, with the reason. The original stays as it was."""
    policy.require(by, "timebank.reverse", original.community)
    # Not an entry that touches one's own account, whichever way the correction goes.
    _not_for_self(
        by, "transaction", *[p.account for p in original.postings.select_related("account")]
    )
    reason = _check_text(reason, "reason", "why this is being reversed")

    def work():
        if original.kind == TransactionKind.REVERSAL:
            raise LedgerError(
                "transaction", "A correction cannot itself be reversed; record a new entry."
            )
        if Transaction.objects.filter(reverses=original).exists():
            raise LedgerError("transaction", "This has already been reversed.")
        postings = list(original.postings.select_related("account"))
        try:
            with transaction.atomic():
                return post(
                    community=original.community,
                    kind=TransactionKind.REVERSAL,
                    lines=[(p.account, -p.amount, "transaction") for p in postings],
                    by=by,
                    description=f"Reversal of #{original.pk}: {original.description}",
                    reason=reason,
                    reverses=original,
                )
        except IntegrityError:
            # Two people reversed the same thing at once: the one-to-one link let only
            # the first through.
            raise LedgerError("transaction", "This has already been reversed.") from None

    # idempotent opens the transaction (a savepoint only if the caller has one).
    return idempotent(
        by, idempotency_key, "reverse", {"transaction": original.pk, "reason": reason}, work
    )


# --- Exchanges ----------------------------------------------------------------------------


def _match_in(community, match_id: int) -> bool:
    """Whether `match_id` names a match in `community` (matching is another app: the
    exchange keeps the match's id, not a foreign key to it)."""
    from django.apps import apps

    match = apps.get_model("matching", "Match")
    return match.objects.filter(pk=match_id, community=community).exists()


def record_exchange(
    *,
    by,
    community,
    provider: Member,
    receiver: Member,
    minutes: int,
    description: str,
    occurred_on: dt.date | None = None,
    paid_by: Account | None = None,
    match_id: int | None = None,
    idempotency_key: str,
) -> Exchange:
    """Record that `provider` gave `receiver` some time. It posts once both sides have
    confirmed; the side that records it has confirmed already.

    `match_id` links the exchange to a completed match. Only the matching app passes
    it (kampung.matching.actions.record_in_timebank, which checks the match's community,
    helper and person helped first); the API and pages never take it from a request.
    """
    me = policy.membership(by, community)
    party = me is not None and me.pk in (provider.pk, receiver.pk)
    policy.require(by, "timebank.use" if party else "timebank.record_for_others", community)
    occurred_on = occurred_on or timezone.localdate()
    body = {
        "provider": provider.pk,
        "receiver": receiver.pk,
        "minutes": minutes,
        "description": description,
        "occurred_on": occurred_on.isoformat(),
        "paid_by": paid_by.pk if paid_by else None,
        "match_id": match_id,
    }

    def work():
        check_minutes(minutes)
        for who, field in ((provider, "provider"), (receiver, "receiver")):
            if who.community_id != community.pk or not who.is_active:
                raise LedgerError(field, "Exchanges are between members of this community.")
        if provider.pk == receiver.pk:
            raise LedgerError("receiver", "An exchange needs two different people.")
        if match_id is not None and not _match_in(community, match_id):
            raise LedgerError("match_id", "There is no such match in this community.")
        text = _check_text(description, "description", "what was done")
        _check_date(occurred_on)
        for who, field in ((provider, "provider"), (receiver, "receiver")):
            account = account_for_member(who)
            if not account.is_open:
                raise closed_refusal(by, account, field)
        if paid_by is not None:
            if paid_by.kind != Account.Kind.ORGANISATION or paid_by.community_id != community.pk:
                raise LedgerError("paid_by", "Choose an organisation's account in this community.")
            if not paid_by.is_open:
                raise closed_refusal(by, paid_by, "paid_by", receiving=False)
            policy.require(by, "timebank.charge_organisation", community, paid_by.organisation)
            if policy.role_in(by, community) in policy.STAFF_ROLES:
                # Staff charging an organisation for help they gave themselves.
                _not_for_self(by, "paid_by", provider)
        now = timezone.now()
        mine = me if party else None
        return Exchange.objects.create(
            community=community,
            provider=provider,
            receiver=receiver,
            paid_by=paid_by,
            minutes=minutes,
            description=text,
            occurred_on=occurred_on,
            match_id=match_id,
            recorded_by=by,
            provider_confirmed_at=now if mine == provider else None,
            provider_confirmed_by=by if mine == provider else None,
            receiver_confirmed_at=now if mine == receiver else None,
            receiver_confirmed_by=by if mine == receiver else None,
        )

    # idempotent opens the transaction (a savepoint only if the caller has one).
    return idempotent(by, idempotency_key, "record_exchange", body, work)


def _party(by, exchange: Exchange, on_behalf_of: Member | None) -> Member:
    community = exchange.community
    if on_behalf_of is None:
        me = policy.membership(by, community)
        if me is None or me.pk not in (exchange.provider_id, exchange.receiver_id):
            raise NotAllowed("exchange", "Only the two people in an exchange can confirm it.")
        policy.require(by, "timebank.use", community)
        return me
    if on_behalf_of.pk not in (exchange.provider_id, exchange.receiver_id):
        raise LedgerError("on_behalf_of", "That person is not part of this exchange.")
    policy.require(by, "timebank.confirm_on_behalf", community, on_behalf_of)
    # Never for the other side of one's own exchange.
    _not_for_self(by, "on_behalf_of", exchange.provider, exchange.receiver)
    return on_behalf_of


def confirm_exchange(
    *, by, exchange: Exchange, on_behalf_of: Member | None = None, idempotency_key: str
) -> Exchange:
    """One side confirms. A community developer may confirm for a member who has no
    login (recorded as acting on their behalf). When both have confirmed, it posts."""
    party = _party(by, exchange, on_behalf_of)
    body = {"exchange": exchange.pk, "party": party.pk}

    def work():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if locked.status != Exchange.Status.PENDING:
            raise LedgerError(
                "exchange", f"This exchange is already {locked.get_status_display().lower()}."
            )
        side = "provider" if party.pk == locked.provider_id else "receiver"
        if getattr(locked, f"{side}_confirmed_at") is not None:
            raise LedgerError("exchange", "This side has already confirmed; waiting for the other.")
        setattr(locked, f"{side}_confirmed_at", timezone.now())
        setattr(locked, f"{side}_confirmed_by", by)
        fields = [f"{side}_confirmed_at", f"{side}_confirmed_by"]
        if locked.provider_confirmed_at and locked.receiver_confirmed_at:
            payer = locked.paid_by or account_for_member(locked.receiver)
            earner = account_for_member(locked.provider)
            locked.transaction = post(
                community=locked.community,
                kind=TransactionKind.EXCHANGE,
                lines=[(payer, -locked.minutes, "minutes"), (earner, locked.minutes, "provider")],
                by=by,
                description=locked.description,
                occurred_on=locked.occurred_on,
                on_behalf_of=on_behalf_of,
            )
            locked.status = Exchange.Status.POSTED
            fields += ["transaction", "status"]
        locked.save(update_fields=fields)
        return locked

    with acting(by, on_behalf_of=on_behalf_of):
        return idempotent(by, idempotency_key, "confirm_exchange", body, work)


def decline_exchange(
    *, by, exchange: Exchange, on_behalf_of: Member | None = None, idempotency_key: str
) -> Exchange:
    """Either side (or a community developer for someone without a login) says it did
    not happen as recorded. Nothing posts."""
    party = _party(by, exchange, on_behalf_of)

    def work():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if locked.status != Exchange.Status.PENDING:
            raise LedgerError(
                "exchange", f"This exchange is already {locked.get_status_display().lower()}."
            )
        locked.status = Exchange.Status.DECLINED
        locked.save(update_fields=["status"])
        return locked

    with acting(by, on_behalf_of=on_behalf_of):
        return idempotent(
            by,
            idempotency_key,
            "decline_exchange",
            {"exchange": exchange.pk, "party": party.pk},
            work,
        )


# --- Group sessions -----------------------------------------------------------------------


def record_session(
    *,
    by,
    community,
    title: str,
    host: Member,
    attendees: list[Member],
    minutes: int,
    basis: str,
    occurred_on: dt.date | None = None,
    idempotency_key: str,
) -> GroupSession:
    """A community developer records a group session (a class, an outing). They confirm
    it for attendees without a login, whose parts post at once as one transaction; each
    attendee with a login confirms their own part (confirm_session), which posts then.
    Until everyone has answered the session is pending. A community developer cannot
    record a session they host or attend."""
    policy.require(by, "timebank.record_for_others", community)
    _not_for_self(by, "host", host)
    _not_for_self(by, "attendees", *attendees)
    occurred_on = occurred_on or timezone.localdate()
    attendee_ids = sorted({a.pk for a in attendees})
    body = {
        "title": title,
        "host": host.pk,
        "attendees": attendee_ids,
        "minutes": minutes,
        "basis": basis,
        "occurred_on": occurred_on.isoformat(),
    }

    def work():
        check_minutes(minutes)
        text = _check_text(title, "title", "what the session was")
        if basis not in GroupSession.Basis.values:
            raise LedgerError("basis", "Choose how the session's credits are counted.")
        _check_date(occurred_on)
        people = [a for a in attendees if a.pk != host.pk]
        if not people:
            raise LedgerError("attendees", "Add at least one attendee besides the host.")
        for who in [host, *people]:
            if who.community_id != community.pk:
                raise LedgerError("attendees", "Everyone in a session must be in this community.")
        people = sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk)
        if basis == GroupSession.Basis.PER_ATTENDEE:
            shares = [minutes] * len(people)
        else:
            shares = split_evenly(minutes, len(people))
        # Confirmed now: only those without a login (the community developer speaks for
        # them, as for an exchange). Everyone else confirms their own part.
        now_parts = [(p, share) for p, share in zip(people, shares, strict=True) if share]
        at_once = [(p, share) for p, share in now_parts if not p.has_device]
        tx = None
        if at_once:
            lines = [(account_for_member(p), -share, "attendees") for p, share in at_once]
            lines.append((account_for_member(host), sum(s for _, s in at_once), "host"))
            tx = post(
                community=community,
                kind=TransactionKind.SESSION,
                lines=lines,
                by=by,
                description=f"Group session: {text}",
                occurred_on=occurred_on,
            )
        else:
            account_for_member(host)  # opened now, so confirming later can post to it
        waiting = len(at_once) < len(now_parts)
        session = GroupSession.objects.create(
            community=community,
            title=text,
            host=host,
            minutes=minutes,
            basis=basis,
            occurred_on=occurred_on,
            recorded_by=by,
            transaction=tx,
            status=GroupSession.Status.PENDING if waiting else GroupSession.Status.POSTED,
        )
        session.attendees.set(people, through_defaults=links_of(session))
        now = timezone.now()
        SessionAttendance.objects.bulk_create(
            [
                SessionAttendance(
                    session=session,
                    community=community,  # bulk_create: no save() to fill it
                    member=p,
                    minutes=share,
                    status=(
                        SessionAttendance.Status.PENDING
                        if p.has_device
                        else SessionAttendance.Status.POSTED
                    ),
                    answered_at=None if p.has_device else now,
                    answered_by=None if p.has_device else by,
                    transaction=None if p.has_device else tx,
                )
                for p, share in now_parts
            ]
        )
        return session

    return idempotent(by, idempotency_key, "record_session", body, work)


def _attendee(by, session: GroupSession, on_behalf_of: Member | None) -> Member:
    """Whose part is being answered: the attendee themselves, or (a community developer
    acting for them) an attendee without a login."""
    community = session.community
    if on_behalf_of is None:
        me = policy.membership(by, community)
        policy.require(by, "timebank.use", community)
        if me is None or not session.attendance.filter(member=me).exists():
            raise NotAllowed("session", "Only the people who came can confirm their part.")
        return me
    if not session.attendance.filter(member=on_behalf_of).exists():
        raise LedgerError("on_behalf_of", "That person is not an attendee of this session.")
    policy.require(by, "timebank.confirm_on_behalf", community, on_behalf_of)
    _not_for_self(by, "on_behalf_of", session.host)
    return on_behalf_of


def _answer_session(by, session, on_behalf_of, idempotency_key, action: str, confirm: bool):
    attendee = _attendee(by, session, on_behalf_of)

    def work():
        part = SessionAttendance.objects.select_for_update().get(session=session, member=attendee)
        if part.status != SessionAttendance.Status.PENDING:
            raise LedgerError(
                "session", f"This part is already answered ({part.get_status_display().lower()})."
            )
        fields = ["status", "answered_at", "answered_by"]
        if confirm:
            part.transaction = post(
                community=session.community,
                kind=TransactionKind.SESSION,
                lines=[
                    (account_for_member(attendee), -part.minutes, "minutes"),
                    (account_for_member(session.host), part.minutes, "session"),
                ],
                by=by,
                description=f"Group session: {session.title}",
                occurred_on=session.occurred_on,
                on_behalf_of=on_behalf_of,
            )
            fields.append("transaction")
        part.status = (
            SessionAttendance.Status.POSTED if confirm else SessionAttendance.Status.DECLINED
        )
        part.answered_at, part.answered_by = timezone.now(), by
        part.save(update_fields=fields)
        if not SessionAttendance.objects.filter(
            session=session, status=SessionAttendance.Status.PENDING
        ).exists():
            GroupSession.objects.filter(pk=session.pk).update(status=GroupSession.Status.POSTED)
        return GroupSession.objects.get(pk=session.pk)

    body = {"session": session.pk, "attendee": attendee.pk}
    with acting(by, on_behalf_of=on_behalf_of):
        return idempotent(by, idempotency_key, action, body, work)


def confirm_session(
    *, by, session: GroupSession, on_behalf_of: Member | None = None, idempotency_key: str
) -> GroupSession:
    """An attendee confirms they came: their part (the minutes they give the host)
    posts. A community developer may confirm for an attendee without a login."""
    return _answer_session(by, session, on_behalf_of, idempotency_key, "confirm_session", True)


def decline_session(
    *, by, session: GroupSession, on_behalf_of: Member | None = None, idempotency_key: str
) -> GroupSession:
    """An attendee says they were not there: nothing of theirs posts."""
    return _answer_session(by, session, on_behalf_of, idempotency_key, "decline_session", False)
