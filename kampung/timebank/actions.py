"""Every write to the time bank. Views and API endpoints validate input, call one of
these, and show the result; nothing else changes time-bank records.

Each write is atomic, checks permission with kampung.policy, carries an idempotency key
(the same key and request return the original result; the same key with a different
request is refused), and raises a `LedgerError` naming the field at fault.

Concurrency: `_post` locks the rows of every account it touches with
SELECT ... FOR UPDATE, always in ascending id order, inside the caller's transaction.
We chose row locks over SERIALIZABLE isolation because transfers touch only two to four
known rows: locking them in a fixed order cannot deadlock, never needs a retry loop, and
lets transfers between unrelated accounts run in parallel, whereas SERIALIZABLE would
abort and retry whenever two transfers share an account (the busy community pool would
make that common). Holding the locks is what makes the balance we read the one we
update: without them two transfers could both read 5 h and both write back their own
result, losing one of them. On SQLite, `BEGIN IMMEDIATE` (see settings) serialises all
writers, which gives the same guarantee.
"""

from __future__ import annotations

import contextvars
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kampung import policy
from kampung.audit.context import acting
from kampung.people.models import Member
from kampung.timebank.ledger import (
    MAX_MINUTES,
    clean_account_number,
    format_minutes,
    is_whole_minutes,
    request_digest,
    split_evenly,
)
from kampung.timebank.models import (
    Account,
    Exchange,
    GroupSession,
    IdempotencyKey,
    Transaction,
    TransactionKind,
    new_account_number,
)

# New members may owe up to ten hours, so someone can ask for help before they have
# had the chance to give any. A community developer can change it per account.
MEMBER_LOWER_LIMIT = -10 * 60


class LedgerError(ValidationError):
    """A time-bank write was refused; `message_dict` names the field at fault."""

    code_name = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]})


class InsufficientCredits(LedgerError):
    code_name = "insufficient_credits"


class LimitExceeded(LedgerError):
    code_name = "limit_exceeded"


class AccountClosed(LedgerError):
    code_name = "account_closed"


class NoClearingPath(LedgerError):
    code_name = "no_clearing_path"


class IdempotencyConflict(LedgerError):
    code_name = "idempotency_conflict"


class NotAllowed(LedgerError):
    code_name = "not_allowed"


# --- Accounts -----------------------------------------------------------------------------


def account_for_member(member: Member) -> Account:
    """The member's account, opened the first time it is needed (so seeding 100,000
    members costs nothing here)."""
    account = Account.objects.filter(member=member).select_related("member").first()
    if account is not None:
        return account
    account, _ = Account.objects.get_or_create(
        member=member,
        defaults={
            "community_id": member.community_id,
            "kind": Account.Kind.MEMBER,
            "number": new_account_number(),
            "lower_limit": MEMBER_LOWER_LIMIT,
        },
    )
    return account


def pool_account(community) -> Account:
    account, _ = Account.objects.get_or_create(
        community=community,
        kind=Account.Kind.POOL,
        defaults={"number": new_account_number(), "lower_limit": 0},
    )
    return account


def organisation_account(community, organisation) -> Account:
    if not organisation.communities.filter(pk=community.pk).exists():
        raise LedgerError("organisation", "That organisation does not work in this community.")
    account, _ = Account.objects.get_or_create(
        community=community,
        organisation=organisation,
        kind=Account.Kind.ORGANISATION,
        defaults={"number": new_account_number()},
    )
    return account


def existing_organisation_account(community, organisation) -> Account | None:
    """The organisation's account here, if a community developer has opened one."""
    return Account.objects.filter(
        community=community, organisation=organisation, kind=Account.Kind.ORGANISATION
    ).first()


def clearing_account(community) -> Account | None:
    return Account.objects.filter(community=community, kind=Account.Kind.CLEARING).first()


def open_clearing_account(*, by, community) -> Account:
    """Lets credits move between this community and others that have one. Its balance
    is what the community owes (negative) or is owed (positive) by the others."""
    policy.require(by, "timebank.manage_accounts", community)
    account, _ = Account.objects.get_or_create(
        community=community,
        kind=Account.Kind.CLEARING,
        defaults={"number": new_account_number()},
    )
    return account


def find_account(number: str, *, field: str = "to_account") -> Account:
    cleaned = clean_account_number(number)
    account = (
        Account.objects.select_related("member", "organisation", "community")
        .filter(number=cleaned)
        .first()
    )
    if account is None:
        raise LedgerError(field, "There is no time bank account with that number.")
    return account


@transaction.atomic
def set_limits(*, by, account: Account, lower_limit: int | None, upper_limit: int | None):
    policy.require(by, "timebank.manage_accounts", account.community, account)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if lower_limit is not None and locked.balance < lower_limit:
        raise LedgerError(
            "lower_limit",
            f"The balance is {format_minutes(locked.balance)}; the lowest balance allowed "
            "cannot be above it.",
        )
    if upper_limit is not None and locked.balance > upper_limit:
        raise LedgerError(
            "upper_limit",
            f"The balance is {format_minutes(locked.balance)}; the highest balance allowed "
            "cannot be below it.",
        )
    locked.lower_limit, locked.upper_limit = lower_limit, upper_limit
    locked.save(update_fields=["lower_limit", "upper_limit"])
    return locked


@transaction.atomic
def close_account(*, by, account: Account) -> Account:
    """A closed account keeps its history but can no longer send or receive credits."""
    policy.require(by, "timebank.manage_accounts", account.community, account)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.kind == Account.Kind.POOL:
        raise LedgerError("account", "The community pool cannot be closed.")
    locked.is_open = False
    locked.save(update_fields=["is_open"])
    return locked


@transaction.atomic
def reopen_account(*, by, account: Account) -> Account:
    """Undo a closing: the account can send and receive credits again."""
    policy.require(by, "timebank.manage_accounts", account.community, account)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    locked.is_open = True
    locked.save(update_fields=["is_open"])
    return locked


def open_organisation_account(*, by, community, organisation) -> Account:
    """An account for an organisation working in this community, from which it can pay
    for care given to people who cannot give time back. No lower limit until a
    community developer sets one: the organisation underwrites what it pays."""
    policy.require(by, "timebank.manage_accounts", community)
    with transaction.atomic():
        return organisation_account(community, organisation)


# --- The ledger core ----------------------------------------------------------------------


def _check_minutes(minutes, field: str = "minutes") -> int:
    if not is_whole_minutes(minutes):
        raise LedgerError(field, "Give the time as a whole number of minutes.")
    if minutes <= 0:
        raise LedgerError(field, "Give a time of at least one minute.")
    if minutes > MAX_MINUTES:
        raise LedgerError(field, f"One entry can be at most {format_minutes(MAX_MINUTES)}.")
    return minutes


def _check_text(value: str, field: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LedgerError(field, f"Say {what}.")
    if len(value) > 300:
        raise LedgerError(field, "Keep it under 300 characters.")
    return value


def _post(
    *,
    community,
    kind: str,
    lines: list[tuple[Account, int, str]],
    by,
    description: str = "",
    reason: str = "",
    occurred_on: dt.date | None = None,
    on_behalf_of: Member | None = None,
    reverses: Transaction | None = None,
) -> Transaction:
    """Post one balanced transaction. `lines` are (account, minutes, field): positive
    minutes go into the account. `field` names the input to blame if that account
    refuses (closed, or beyond a limit). Must run inside transaction.atomic."""
    merged: dict[int, int] = {}
    fields: dict[int, str] = {}
    for account, amount, field in lines:
        merged[account.pk] = merged.get(account.pk, 0) + amount
        fields.setdefault(account.pk, field)
    if sum(merged.values()) != 0:
        raise AssertionError("postings must add up to zero")
    merged = {pk: amount for pk, amount in merged.items() if amount != 0}
    if not merged:
        raise LedgerError("minutes", "Nothing to move.")
    ids = sorted(merged)
    marks = ", ".join(["%s"] * len(ids))
    # The hot path is plain SQL: it runs for every transfer, and building these few
    # statements through the ORM cost several times more CPU than running them. (`db`
    # is `connection` looked up once: each attribute of that proxy costs a lookup.)
    db = transaction.get_connection()
    postgres = db.vendor == "postgresql"
    serving = _serving.get()
    with _BoundCursor(db) if postgres else db.cursor() as cursor:
        # Lock every account touched, in ascending id order: two transfers in opposite
        # directions between the same accounts then queue instead of deadlocking.
        select = (
            "SELECT id, balance, lower_limit, upper_limit, is_open FROM timebank_account "  # noqa: S608 (placeholders only)
            f"WHERE id IN ({marks})"
        )
        if postgres and serving is not None and serving.params is not None:
            # PostgreSQL, for an action whose key _idempotent left to us (see
            # _CLAIMED_BY_POST): claim the key in the statement that locks the accounts,
            # one round trip fewer. The uncorrelated EXISTS is a one-time filter that
            # PostgreSQL evaluates before it scans (and locks) any account, so the key's
            # INSERT runs first: a retry that waits on the unique index for its original
            # to commit holds no account lock meanwhile (no deadlock), and finding the
            # key taken locks nothing. The LEFT JOIN returns the key's id (NULL if taken)
            # even when no account matched.
            cursor.execute(
                f"WITH k AS ({_CLAIM_KEY}) SELECT (SELECT id FROM k), a.* "  # noqa: S608 (placeholders only)
                f"FROM (SELECT) AS one LEFT JOIN ({select} AND EXISTS (SELECT FROM k) "
                "ORDER BY id FOR UPDATE) AS a ON true",
                [*serving.params, *ids],
            )
            rows = cursor.fetchall()
            serving.claimed(rows[0][0])
            if serving.taken:
                raise _KeyTaken
            locked = {row[1]: row[1:] for row in rows if row[1] is not None}
        else:
            lock = " FOR UPDATE" if db.features.has_select_for_update else ""
            cursor.execute(f"{select} ORDER BY id{lock}", ids)
            locked = {row[0]: row for row in cursor.fetchall()}
        after: dict[int, int] = {}
        # Check in the order the lines were given (the source first), so that when
        # both sides would break a limit the error names the same side every time.
        for pk in (pk for pk in merged if pk in locked):
            _pk, balance, lower, upper, is_open = locked[pk]
            amount, field = merged[pk], fields[pk]
            new = balance + amount
            if not is_open:
                raise AccountClosed(field, f"The account of {_label(pk)} is closed.")
            if lower is not None and new < lower:
                raise InsufficientCredits(
                    field,
                    f"{_label(pk)} has {format_minutes(max(balance - lower, 0))} available; "
                    f"this needs {format_minutes(-amount)}.",
                )
            if upper is not None and new > upper:
                raise LimitExceeded(
                    field,
                    f"{_label(pk)} can take at most {format_minutes(max(upper - balance, 0))} "
                    "more before reaching its limit.",
                )
            after[pk] = new
        if len(after) != len(ids):
            raise LedgerError(fields[ids[0]], "There is no time bank account with that number.")
        row = {
            "community_id": getattr(community, "pk", community),
            "kind": kind,
            "description": description[:300],
            "reason": reason[:300],
            "occurred_on": occurred_on or timezone.localdate(),
            "created_at": timezone.now(),
            "created_by_id": by.pk,
            "on_behalf_of_id": getattr(on_behalf_of, "pk", None),
            "reverses_id": getattr(reverses, "pk", None),
        }
        if postgres:
            row["id"] = _write_in_one_statement(cursor, row, ids, merged, after, serving)
            # Built from the row as if loaded (no save, no ORM query): cheaper than
            # Transaction(**row), and what callers get is the same saved instance.
            meta_fields = Transaction._meta.concrete_fields
            tx = Transaction.from_db(db.alias, None, [row[f.attname] for f in meta_fields])
            if on_behalf_of is not None:
                tx.on_behalf_of = on_behalf_of
            if reverses is not None:
                tx.reverses = reverses
            return tx
        tx = Transaction(
            **{k: v for k, v in row.items() if k not in ("on_behalf_of_id", "reverses_id")},
            on_behalf_of=on_behalf_of,
            reverses=reverses,
        )
        tx.save(force_insert=True)
        cursor.execute(
            "INSERT INTO timebank_posting (transaction_id, account_id, amount, balance_after) "
            "VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(ids)),
            [v for pk in ids for v in (tx.pk, pk, merged[pk], after[pk])],
        )
        # One UPDATE for all balances; the values were computed under the row locks.
        cursor.execute(
            "UPDATE timebank_account SET balance = CASE id "  # noqa: S608 (placeholders only)
            + " ".join(["WHEN %s THEN %s"] * len(ids))
            + f" END WHERE id IN ({marks})",
            [v for pk in ids for v in (pk, after[pk])] + ids,
        )
    return tx


# The idempotency key being served: _idempotent sets it around `work()`. `params` is the
# key's row while nobody has claimed it yet (inserted it, or found it taken); `key_id`
# is the row's id once claimed; `linked` the transaction that the posting statement
# already linked it to (one round trip fewer per transfer).
class _Serving:
    __slots__ = ("params", "key_id", "taken", "linked")

    def __init__(self, params: list):
        self.params: list | None = params
        self.key_id: int | None = None
        self.taken = False
        self.linked: int | None = None

    def claimed(self, key_id: int | None) -> None:
        self.params, self.key_id, self.taken = None, key_id, key_id is None

    def claim(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_KEY, self.params)
            row = cursor.fetchone()
        self.claimed(row[0] if row else None)


_serving: contextvars.ContextVar[_Serving | None] = contextvars.ContextVar("key", default=None)

# Claims an idempotency key: its id, or no row if the key is taken. ON CONFLICT waits on
# the unique index while another transaction holding the key is still running.
_CLAIM_KEY = (
    "INSERT INTO timebank_idempotencykey (user_id, key, action, digest, created_at) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id"
)

# Actions whose work() goes straight to _post, doing nothing before it but checks of its
# input and reads: on PostgreSQL _post claims their key in its lock statement. Actions
# that lock or write before posting (exchanges, sessions, reversals) claim it first.
_CLAIMED_BY_POST = frozenset({"transfer"})


class _KeyTaken(Exception):
    """_post found the key it was to claim already used: _idempotent replays it."""


class _BoundCursor:
    """PostgreSQL: a cursor for _post's statements that sends parameters apart from the
    SQL (extended query protocol) rather than quoting them into it as Django's cursors
    do, so that once a connection has run one of them a few times (_PREPARE_AFTER)
    psycopg prepares it: PostgreSQL then no longer parses and plans it on every
    transfer, which was about a third of the server's CPU per transfer. Django turns
    psycopg's preparing off for the whole connection (for connection poolers); this
    turns it on only while _post runs, and not at all when the database settings say a
    transaction-pooling pooler is in front (DISABLE_SERVER_SIDE_CURSORS). Wrapped like
    connection.cursor(), so error translation, execute_wrappers and query logging
    still apply."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        from psycopg import Cursor
        from psycopg.types.numeric import Int8BinaryDumper

        db = self.db
        db.ensure_connection()
        db.validate_thread_sharing()
        self.pg = db.connection
        self.threshold = self.pg.prepare_threshold
        if self.threshold is None and not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            self.pg.prepare_threshold = _PREPARE_AFTER
        raw = Cursor(self.pg)
        # Every integer as bigint: psycopg would otherwise type each by its size
        # (smallint, integer...), and prepare one statement per combination it meets.
        raw.adapters.register_dumper(int, Int8BinaryDumper)
        self.cursor = db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
        return self.cursor

    def __exit__(self, *exc_info):
        self.pg.prepare_threshold = self.threshold
        self.cursor.close()


# psycopg's own default: a connection used for one request never pays for preparing.
_PREPARE_AFTER = 5


def _write_in_one_statement(cursor, row: dict, ids, merged, after, serving) -> int:
    """PostgreSQL: the transaction, its postings, the new balances and the link from the
    idempotency key in one round trip (data-modifying CTEs), which is most of what a
    transfer costs. Returns the new transaction's id."""
    key_id = serving.key_id if serving is not None else None
    rows = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * len(ids))
    cursor.execute(
        f"""WITH tx AS (
              INSERT INTO timebank_transaction (community_id, kind, description, reason,
                  occurred_on, created_at, created_by_id, on_behalf_of_id, reverses_id)
              VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id),
            lines (account_id, amount, balance_after) AS (VALUES {rows}),
            postings AS (
              INSERT INTO timebank_posting (transaction_id, account_id, amount, balance_after)
              SELECT tx.id, account_id, amount, balance_after FROM tx, lines ORDER BY account_id),
            balances AS (
              UPDATE timebank_account a SET balance = lines.balance_after
                FROM lines WHERE a.id = lines.account_id),
            keyed AS (
              UPDATE timebank_idempotencykey SET transaction_id = (SELECT id FROM tx)
                WHERE id = %s)
            SELECT id FROM tx""",  # noqa: S608 (placeholders only)
        [
            row["community_id"],
            row["kind"],
            row["description"],
            row["reason"],
            row["occurred_on"],
            row["created_at"],
            row["created_by_id"],
            row["on_behalf_of_id"],
            row["reverses_id"],
            *[v for pk in ids for v in (pk, merged[pk], after[pk])],
            key_id,
        ],
    )
    tx_id = cursor.fetchone()[0]
    if key_id is not None:
        serving.linked = tx_id
    return tx_id


def _label(account_id: int) -> str:
    return Account.objects.select_related("member", "organisation").get(pk=account_id).label


def _idempotent(by, key, action: str, body: dict, work):
    """Run `work()` once per (user, key). The key row is inserted first: a retry that
    arrives while the original is still running waits on the unique index, finds the
    key taken (ON CONFLICT DO NOTHING) and returns the original result. On PostgreSQL a
    transfer's key is inserted by _post's first statement instead (_CLAIMED_BY_POST),
    which is still before anything is locked or written."""
    if not isinstance(key, str) or not key.strip() or len(key) > 100:
        raise LedgerError(
            "idempotency_key",
            "Send an idempotency key (any text up to 100 characters, new for each request).",
        )
    digest = request_digest(action, body)
    serving = _Serving([by.pk, key, action, digest, timezone.now()])
    with transaction.atomic():
        if action not in _CLAIMED_BY_POST or connection.vendor != "postgresql":
            serving.claim()
        if not serving.taken:
            token = _serving.set(serving)
            try:
                result = work()
            except _KeyTaken:
                pass
            except Exception:
                # work() refused before _post claimed the key (bad input, say). Claim it
                # now, so that a reused key gets the answer it would have got had the key
                # been claimed first: the original's result, or IdempotencyConflict.
                # Not after a database error: the transaction can run nothing more.
                if serving.params is None:
                    raise
                from psycopg.pq import TransactionStatus

                status = connection.connection.info.transaction_status
                if status not in (TransactionStatus.IDLE, TransactionStatus.INTRANS):
                    raise
                serving.claim()
                if not serving.taken:
                    raise
            finally:
                _serving.reset(token)
        if not serving.taken and not (
            isinstance(result, Transaction) and serving.linked == result.pk
        ):
            # Set both columns: a posting made on the way may have linked the key
            # to its transaction already.
            is_exchange = isinstance(result, Exchange)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE timebank_idempotencykey SET transaction_id = %s, "
                    "exchange_id = %s WHERE id = %s",
                    [
                        None if is_exchange else result.pk,
                        result.pk if is_exchange else None,
                        serving.key_id,
                    ],
                )
    if serving.taken:
        return _replay(IdempotencyKey.objects.get(user=by, key=key), action, digest)
    return result


def _replay(seen: IdempotencyKey, action: str, digest: str):
    if seen.action != action or seen.digest != digest:
        raise IdempotencyConflict(
            "idempotency_key",
            "This idempotency key was already used for a different request. "
            "Use a new key for a new request.",
        )
    if seen.transaction_id:
        return Transaction.objects.get(pk=seen.transaction_id)
    if seen.exchange_id:
        return Exchange.objects.get(pk=seen.exchange_id)
    raise LedgerError("idempotency_key", "The original request is still being processed.")


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
        _check_minutes(minutes)
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
        return _post(
            community=source.community,
            kind=kind,
            lines=lines,
            by=by,
            description=description,
            reason=reason,
            on_behalf_of=on_behalf_of,
        )

    # _idempotent opens the transaction (a savepoint only if the caller has one).
    return _idempotent(by, idempotency_key, "transfer", body, work)


def _acting_member(by, community, giver: Member | None) -> tuple[Member, Member | None]:
    """Who is giving, and (if a community developer acts for them) on whose behalf."""
    me = policy.membership(by, community)
    if giver is None or (me is not None and giver.pk == me.pk):
        policy.require(by, "timebank.use", community)
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


def allocate_from_pool(
    *, by, community, to_account: Account, minutes: int, reason: str, idempotency_key: str
) -> Transaction:
    """A community developer gives credits from the pool to someone who needs them."""
    policy.require(by, "timebank.allocate", community)
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
                return _post(
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

    # _idempotent opens the transaction (a savepoint only if the caller has one).
    return _idempotent(
        by, idempotency_key, "reverse", {"transaction": original.pk, "reason": reason}, work
    )


# --- Exchanges ----------------------------------------------------------------------------


def _match_in(community, match_id: int) -> bool:
    """Whether `match_id` names a match in `community` (matching is another app: the
    exchange keeps the match's id, not a foreign key to it)."""
    from django.apps import apps

    match = apps.get_model("matching", "Match")
    return match.objects.filter(pk=match_id, need__community=community).exists()


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

    This is also the hook for the matching app: a completed match becomes an exchange
    with `record_exchange(by=..., community=..., provider=..., receiver=...,
    minutes=..., description=..., match_id=match.pk, idempotency_key=f"match-{match.pk}")`.
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
        _check_minutes(minutes)
        for who, field in ((provider, "provider"), (receiver, "receiver")):
            if who.community_id != community.pk or not who.is_active:
                raise LedgerError(field, "Exchanges are between members of this community.")
        if provider.pk == receiver.pk:
            raise LedgerError("receiver", "An exchange needs two different people.")
        if match_id is not None and not _match_in(community, match_id):
            raise LedgerError("match_id", "There is no such match in this community.")
        text = _check_text(description, "description", "what was done")
        if occurred_on > timezone.localdate():
            raise LedgerError("occurred_on", "The date cannot be in the future.")
        for who, field in ((provider, "provider"), (receiver, "receiver")):
            if not account_for_member(who).is_open:
                raise AccountClosed(field, f"The account of {who.display_name} is closed.")
        if paid_by is not None:
            if paid_by.kind != Account.Kind.ORGANISATION or paid_by.community_id != community.pk:
                raise LedgerError("paid_by", "Choose an organisation's account in this community.")
            if not paid_by.is_open:
                raise AccountClosed("paid_by", f"The account of {paid_by.label} is closed.")
            policy.require(by, "timebank.charge_organisation", community, paid_by.organisation)
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

    # _idempotent opens the transaction (a savepoint only if the caller has one).
    return _idempotent(by, idempotency_key, "record_exchange", body, work)


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
            locked.transaction = _post(
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
        return _idempotent(by, idempotency_key, "confirm_exchange", body, work)


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
        return _idempotent(
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
    """A community developer records a group session (a class, an outing) and confirms
    it for everyone: it posts at once, as one transaction."""
    policy.require(by, "timebank.record_for_others", community)
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
        _check_minutes(minutes)
        text = _check_text(title, "title", "what the session was")
        if basis not in GroupSession.Basis.values:
            raise LedgerError("basis", "Choose how the session's credits are counted.")
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
        lines = [
            (account_for_member(p), -share, "attendees")
            for p, share in zip(people, shares, strict=True)
        ]
        lines.append((account_for_member(host), sum(shares), "host"))
        tx = _post(
            community=community,
            kind=TransactionKind.SESSION,
            lines=lines,
            by=by,
            description=f"Group session: {text}",
            occurred_on=occurred_on,
        )
        session = GroupSession.objects.create(
            community=community,
            title=text,
            host=host,
            minutes=minutes,
            basis=basis,
            occurred_on=occurred_on,
            recorded_by=by,
            transaction=tx,
        )
        session.attendees.set(people)
        return tx

    tx = _idempotent(by, idempotency_key, "record_session", body, work)
    return GroupSession.objects.get(transaction=tx)
