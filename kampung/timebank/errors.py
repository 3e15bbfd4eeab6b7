"""The time bank's refusals. Each names the one field at fault and carries a stable code
for the API; all are `kampung.errors.Invalid`, so pages and the API show them as every
other domain error."""

from __future__ import annotations

from kampung.errors import Invalid


class LedgerError(Invalid):
    """A time-bank write was refused; `message_dict` names the field at fault."""

    code = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]}, message=message)


class InsufficientCredits(LedgerError):
    code = "insufficient_credits"


class LimitExceeded(LedgerError):
    code = "limit_exceeded"


class AccountClosed(LedgerError):
    code = "account_closed"


class AccountUnavailable(AccountClosed):
    """A closed account, told to someone who may not see that account: neither its
    owner's name nor that it is closed (kampung.timebank.posting.closed_refusal)."""

    code = "account_unavailable"


class NoClearingPath(LedgerError):
    code = "no_clearing_path"


class IdempotencyConflict(LedgerError):
    code = "idempotency_conflict"
    status = 409


class NotAllowed(LedgerError):
    code = "not_allowed"
