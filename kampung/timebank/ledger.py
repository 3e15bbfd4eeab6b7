"""The time bank's arithmetic, in plain Python (no Django imports).

Minutes are whole numbers. This module formats them, splits them fairly, fingerprints
a request body for idempotency, and holds `Ledger`, a tiny in-memory reference model of
the rules the database ledger must follow. The property-based test drives the real
ledger and this model with the same steps and compares them; keep the two in step.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

MAX_MINUTES = 100 * 60  # one transfer may move at most 100 hours


def format_minutes(minutes: int, *, signed: bool = False) -> str:
    """120 -> "2 h", 95 -> "1 h 35 min", 45 -> "45 min", -30 -> "−30 min"."""
    sign = "−" if minutes < 0 else ("+" if signed and minutes > 0 else "")
    hours, mins = divmod(abs(int(minutes)), 60)
    if hours and mins:
        body = f"{hours} h {mins} min"
    elif hours:
        body = f"{hours} h"
    else:
        body = f"{mins} min"
    return sign + body


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` minutes in `parts` whole-minute shares that differ by at most one minute;
    the first shares take the remainder, so the shares always add up to `total`."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def request_digest(action: str, body: dict) -> str:
    """A stable fingerprint of what a write asked for (key order does not matter)."""
    canonical = json.dumps({"action": action, **body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_whole_minutes(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class ModelError(Exception):
    """The reference model refused a step; `field` names what was wrong."""

    def __init__(self, field: str, message: str = ""):
        super().__init__(message or field)
        self.field = field


@dataclass
class ModelAccount:
    balance: int = 0
    lower: int | None = None
    upper: int | None = None
    is_open: bool = True


@dataclass
class Ledger:
    """The reference model: accounts, transfers, reversals and idempotency keys."""

    accounts: dict[str, ModelAccount] = field(default_factory=dict)
    transactions: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    reversed: set[int] = field(default_factory=set)
    reversal_of: dict[int, int] = field(default_factory=dict)
    keys: dict[str, tuple[str, int]] = field(default_factory=dict)
    _next: int = 1

    def open(self, name: str, *, lower: int | None = None, upper: int | None = None) -> None:
        self.accounts[name] = ModelAccount(0, lower, upper)

    def _post(self, postings: list[tuple[str, int]], fields: tuple[str, str]) -> int:
        """`fields`: what to blame when an account would go below / above its limit."""
        assert sum(amount for _, amount in postings) == 0
        after = {}
        for name, amount in postings:
            account = self.accounts[name]
            new = after.get(name, account.balance) + amount
            if account.lower is not None and new < account.lower:
                raise ModelError(fields[0], f"{name} would go below its limit")
            if account.upper is not None and new > account.upper:
                raise ModelError(fields[1], f"{name} would go above its limit")
            after[name] = new
        for name, new in after.items():
            self.accounts[name].balance = new
        tx = self._next
        self._next += 1
        self.transactions[tx] = postings
        return tx

    def _once(self, key: str, digest: str, work) -> int:
        """The first answer to a key is kept, a refusal included: the same key and
        request replay it, a different request with the key is refused."""
        if key in self.keys:
            seen, outcome = self.keys[key]
            if seen != digest:
                raise ModelError("idempotency_key", "key reused with a different request")
            if isinstance(outcome, ModelError):
                raise outcome
            return outcome
        try:
            outcome = work()
        except ModelError as refusal:
            self.keys[key] = (digest, refusal)
            raise
        self.keys[key] = (digest, outcome)
        return outcome

    def transfer(self, key: str, source: str, target: str, minutes) -> int:
        digest = request_digest("transfer", {"from": source, "to": target, "minutes": minutes})

        def work() -> int:
            if not is_whole_minutes(minutes) or minutes <= 0 or minutes > MAX_MINUTES:
                raise ModelError("minutes")
            if source == target:
                raise ModelError("to_account")
            for name, fld in ((source, "from_account"), (target, "to_account")):
                if name not in self.accounts or not self.accounts[name].is_open:
                    raise ModelError(fld)
            return self._post([(source, -minutes), (target, minutes)], ("minutes", "to_account"))

        return self._once(key, digest, work)

    def reverse(self, key: str, tx: int) -> int:
        digest = request_digest("reverse", {"transaction": tx})

        def work() -> int:
            # Unknown, already reversed, or itself a reversal: refused.
            if tx not in self.transactions or tx in self.reversed or tx in self.reversal_of:
                raise ModelError("transaction")
            new = self._post(
                [(name, -amount) for name, amount in self.transactions[tx]],
                ("transaction", "transaction"),
            )
            self.reversed.add(tx)
            self.reversal_of[new] = tx
            return new

        return self._once(key, digest, work)

    def total(self) -> int:
        return sum(a.balance for a in self.accounts.values())


def clean_account_number(number: str) -> str:
    """An account number however it was typed (lower case, spaces, no dash) in the
    ABCD-EFGH form it is stored in."""
    cleaned = (number or "").strip().upper().replace(" ", "")
    if len(cleaned) == 8 and "-" not in cleaned:
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    return cleaned
