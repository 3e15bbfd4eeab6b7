"""The posting engine: the only code that writes ledger rows and changes balances.

`post()` writes one balanced transaction; `idempotent()` runs a write once per
(user, key) and replays the first answer for a repeated key: the original result, or
the original refusal (kept with the key although the refused work rolled back).
Permission checks and the business rules are the callers' (kampung.timebank.actions);
this module knows accounts, postings and keys only (and, on the error path, asks
kampung.policy whether a refusal may name the account).

Concurrency: `post` locks the rows of every account it touches with
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

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kampung.errors import DomainError
from kampung.people.models import Member
from kampung.timebank.errors import (
    AccountClosed,
    AccountUnavailable,
    IdempotencyConflict,
    InsufficientCredits,
    LedgerError,
    LimitExceeded,
)
from kampung.timebank.ledger import MAX_MINUTES, format_minutes, is_whole_minutes, request_digest
from kampung.timebank.models import Account, Exchange, GroupSession, IdempotencyKey, Transaction


def check_minutes(minutes, field: str = "minutes") -> int:
    if not is_whole_minutes(minutes):
        raise LedgerError(field, "Give the time as a whole number of minutes.")
    if minutes <= 0:
        raise LedgerError(field, "Give a time of at least one minute.")
    if minutes > MAX_MINUTES:
        raise LedgerError(field, f"One entry can be at most {format_minutes(MAX_MINUTES)}.")
    return minutes


def post(
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
            "SELECT id, balance, lower_limit, upper_limit, is_open, community_id "  # noqa: S608 (placeholders only)
            "FROM timebank_account "
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
            _pk, balance, lower, upper, is_open, _community = locked[pk]
            amount, field = merged[pk], fields[pk]
            new = balance + amount
            if not is_open:
                raise closed_refusal(by, pk, field, receiving=amount > 0)
            if lower is not None and new < lower:
                if not _may_see(by, pk):
                    raise InsufficientCredits(field, "That account cannot send this much.")
                raise InsufficientCredits(
                    field,
                    f"{_label(pk)} has {format_minutes(max(balance - lower, 0))} available; "
                    f"this needs {format_minutes(-amount)}.",
                )
            if upper is not None and new > upper:
                if not _may_see(by, pk):
                    raise LimitExceeded(field, "That account cannot receive this much.")
                raise LimitExceeded(
                    field,
                    f"{_label(pk)} can take at most {format_minutes(max(upper - balance, 0))} "
                    "more before reaching its limit.",
                )
            after[pk] = new
        if len(after) != len(ids):
            raise LedgerError(fields[ids[0]], "There is no time bank account with that number.")
        # Each posting is keyed by its own account's community (a gift to another
        # community posts in both), read from the locked rows.
        keyed = {pk: locked[pk][5] for pk in ids}
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
            row["id"] = _write_in_one_statement(cursor, row, ids, merged, after, keyed, serving)
            # Built from the row as if loaded (no save, no ORM query): cheaper than
            # Transaction(**row), and what callers get is the same saved instance.
            names = [f.attname for f in Transaction._meta.concrete_fields]
            tx = Transaction.from_db(db.alias, names, [row[name] for name in names])
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
            "INSERT INTO timebank_posting "
            "(transaction_id, account_id, amount, balance_after, community_id) "
            "VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(ids)),
            [v for pk in ids for v in (tx.pk, pk, merged[pk], after[pk], keyed[pk])],
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

# Actions whose work() goes straight to post, doing nothing before it but checks of its
# input and reads: on PostgreSQL post claims their key in its lock statement. Actions
# that lock or write before posting (exchanges, sessions, reversals) claim it first.
_CLAIMED_BY_POST = frozenset({"transfer"})


class _KeyTaken(Exception):
    """post found the key it was to claim already used: idempotent() replays it."""


class _BoundCursor:
    """PostgreSQL: a cursor for post's statements that sends parameters apart from the
    SQL (extended query protocol) rather than quoting them into it as Django's cursors
    do, so that once a connection has run one of them a few times (_PREPARE_AFTER)
    psycopg prepares it: PostgreSQL then no longer parses and plans it on every
    transfer, which was about a third of the server's CPU per transfer. Django turns
    psycopg's preparing off for the whole connection (for connection poolers); this
    turns it on only while post runs, and not at all when the database settings say a
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


def _write_in_one_statement(cursor, row: dict, ids, merged, after, keyed, serving) -> int:
    """PostgreSQL: the transaction, its postings, the new balances and the link from the
    idempotency key in one round trip (data-modifying CTEs), which is most of what a
    transfer costs. Returns the new transaction's id."""
    key_id = serving.key_id if serving is not None else None
    rows = ", ".join(["(%s::bigint, %s::bigint, %s::bigint, %s::bigint)"] * len(ids))
    cursor.execute(
        f"""WITH tx AS (
              INSERT INTO timebank_transaction (community_id, kind, description, reason,
                  occurred_on, created_at, created_by_id, on_behalf_of_id, reverses_id)
              VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id),
            lines (account_id, amount, balance_after, community_id) AS (VALUES {rows}),
            postings AS (
              INSERT INTO timebank_posting
                  (transaction_id, account_id, amount, balance_after, community_id)
              SELECT tx.id, account_id, amount, balance_after, community_id
                FROM tx, lines ORDER BY account_id),
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
            *[v for pk in ids for v in (pk, merged[pk], after[pk], keyed[pk])],
            key_id,
        ],
    )
    tx_id = cursor.fetchone()[0]
    if key_id is not None:
        serving.linked = tx_id
    return tx_id


def _label(account_id: int) -> str:
    return Account.objects.select_related("member", "organisation").get(pk=account_id).label


def _may_see(by, account) -> bool:
    """Whether a refusal may name `account` (an Account or its id) and show its numbers
    to `by`: only someone who may open its statement (its owner, or staff of its
    community). Everyone else learns only that the account refused. Error path only."""
    from kampung import policy

    if not isinstance(account, Account):
        account = Account.objects.select_related("community").get(pk=account)
    return policy.can(by, "timebank.view_statement", account.community, account)


def closed_refusal(by, account, field: str, *, receiving: bool = True) -> AccountClosed:
    """The refusal for a closed account: its owner's name and its state only to someone
    who may see that account; anyone else learns only that it cannot take credits."""
    if _may_see(by, account):
        pk = account.pk if isinstance(account, Account) else account
        return AccountClosed(field, f"The account of {_label(pk)} is closed.")
    if receiving:
        return AccountUnavailable(field, "That account cannot receive credits.")
    return AccountUnavailable(field, "That account cannot send credits.")


def idempotent(by, key, action: str, body: dict, work):
    """Run `work()` once per (user, key); the first answer is kept, a refusal included.

    The key row is inserted first: a retry that arrives while the original is still
    running waits on the unique index, finds the key taken (ON CONFLICT DO NOTHING) and
    returns the original result. On PostgreSQL a transfer's key is inserted by post's
    first statement instead (_CLAIMED_BY_POST), which is still before anything is
    locked or written. If work() refuses (a DomainError), its transaction rolls back,
    key and all; the key is then written again with the refusal (_keep_refusal), so a
    retry with the same key and body gets the same refusal and a different body 409.
    Successful writes pay nothing for this."""
    if not isinstance(key, str) or not key.strip() or len(key) > 100:
        raise LedgerError(
            "idempotency_key",
            "Send an idempotency key (any text up to 100 characters, new for each request).",
        )
    digest = request_digest(action, body)
    serving = _Serving([by.pk, key, action, digest, timezone.now()])
    try:
        with transaction.atomic():
            if action not in _CLAIMED_BY_POST or connection.vendor != "postgresql":
                serving.claim()
            if not serving.taken:
                token = _serving.set(serving)
                try:
                    result = work()
                except _KeyTaken:
                    pass
                finally:
                    _serving.reset(token)
            if not serving.taken and not (
                isinstance(result, Transaction) and serving.linked == result.pk
            ):
                # Set every column: a posting made on the way may have linked the key
                # to its transaction already.
                linked = {Exchange: None, GroupSession: None, Transaction: None}
                linked[type(result)] = result.pk
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE timebank_idempotencykey SET transaction_id = %s, "
                        "exchange_id = %s, session_id = %s WHERE id = %s",
                        [
                            linked[Transaction],
                            linked[Exchange],
                            linked[GroupSession],
                            serving.key_id,
                        ],
                    )
    except DomainError as refusal:
        if not _keep_refusal(by, key, action, digest, refusal):
            # Someone else's request with this key got in first: theirs is the answer.
            return _replay(IdempotencyKey.objects.get(user=by, key=key), action, digest)
        raise
    if serving.taken:
        return _replay(IdempotencyKey.objects.get(user=by, key=key), action, digest)
    return result


def _keep_refusal(by, key, action: str, digest: str, refusal: DomainError) -> bool:
    """Write the key with its refusal, after the refused work rolled back. False if the
    key is taken (a retry ran meanwhile, or the refusal was a replay of a kept one)."""
    if isinstance(refusal, IdempotencyConflict) or getattr(refusal, "replayed", False):
        return True
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user=by,
                key=key,
                action=action,
                digest=digest,
                error_code=refusal.code[:40],
                error_status=refusal.status,
                error_message=refusal.message[:1000],
                error_fields=refusal.fields,
            )
    except IntegrityError:
        return False
    return True


def _refusal_classes() -> dict[str, type]:
    found: dict[str, type] = {}
    todo: list[type[LedgerError]] = [LedgerError]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.code, cls)
        todo += cls.__subclasses__()
    return found


def _replayed_refusal(seen: IdempotencyKey) -> DomainError:
    """The kept refusal, as the same kind of error with the same words."""
    cls = _refusal_classes().get(seen.error_code)
    fields = seen.error_fields or {}
    if cls is not None and len(fields) == 1:
        field, messages = next(iter(fields.items()))
        error = cls(field, messages[0] if messages else seen.error_message)
        error.message = seen.error_message or error.message
    else:
        error = DomainError(
            seen.error_message, fields=fields, code=seen.error_code, status=seen.error_status
        )
    error.replayed = True
    return error


def _replay(seen: IdempotencyKey, action: str, digest: str):
    if seen.action != action or seen.digest != digest:
        raise IdempotencyConflict(
            "idempotency_key",
            "This idempotency key was already used for a different request. "
            "Use a new key for a new request.",
        )
    if seen.error_code:
        raise _replayed_refusal(seen)
    if seen.exchange_id:
        return Exchange.objects.get(pk=seen.exchange_id)
    if seen.session_id:
        return GroupSession.objects.get(pk=seen.session_id)
    if seen.transaction_id:
        return Transaction.objects.get(pk=seen.transaction_id)
    raise LedgerError("idempotency_key", "The original request is still being processed.")
