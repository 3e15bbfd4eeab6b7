"""The real ledger and a plain in-memory model (kampung.timebank.ledger.Ledger) are
driven through the same random steps — transfers, reversals, replayed idempotency keys
(same and different request), over-limit attempts and bad amounts — and must agree on
every outcome and every balance."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from kampung.communities.models import Community
from kampung.people.models import Member, Role, User
from kampung.timebank import actions
from kampung.timebank.ledger import Ledger, ModelError
from kampung.timebank.models import Account, Transaction

NAMES = ["ana", "ben", "cai"]
LIMITS = {"ana": (-120, None), "ben": (-60, 300), "cai": (0, 200)}
_counter = itertools.count()

amounts = st.one_of(st.integers(min_value=-5, max_value=200), st.sampled_from([0, 1.5, 6001]))


def _outcome(call):
    """("ok", value) or ("error", field)."""
    try:
        return ("ok", call())
    except ModelError as exc:
        return ("error", exc.field)
    except actions.LedgerError as exc:
        return ("error", next(iter(exc.message_dict)))


class LedgerMachine(RuleBasedStateMachine):
    used = Bundle("used")  # (key, source, target, minutes, "ok" or "error") of transfers
    posted = Bundle("posted")  # (model tx, real tx id)

    def __init__(self):
        super().__init__()
        n = next(_counter)
        community = Community.objects.create(
            slug=f"sm-{n}", name=f"SM {n}", centre_lat=0, centre_lng=0, timezone="UTC"
        )
        self.user = User.objects.create_user(f"sm{n}@example.test", "x" * 12)
        Member.objects.create(
            community=community, user=self.user, display_name="Coordinator", role=Role.COORDINATOR
        )
        self.model = Ledger()
        self.accounts = {}
        for name in NAMES:
            member = Member.objects.create(community=community, display_name=name)
            account = actions.account_for_member(member)
            lower, upper = LIMITS[name]
            Account.objects.filter(pk=account.pk).update(lower_limit=lower, upper_limit=upper)
            self.accounts[name] = Account.objects.get(pk=account.pk)
            self.model.open(name, lower=lower, upper=upper)
        self.real_of = {}
        self.keys = itertools.count()

    def _transfer(self, key, source, target, minutes):
        model = _outcome(lambda: self.model.transfer(key, source, target, minutes))
        real = _outcome(
            lambda: (
                actions.transfer_credits(
                    by=self.user,
                    source=self.accounts[source],
                    target=self.accounts[target],
                    minutes=minutes,
                    idempotency_key=key,
                ).pk
            )
        )
        assert model[0] == real[0], (model, real)
        if model[0] == "error":
            assert model[1] == real[1], (model, real)
        else:
            self.real_of.setdefault(model[1], real[1])
            assert self.real_of[model[1]] == real[1]
        return model, real

    @rule(
        target=used,
        source=st.sampled_from(NAMES),
        to=st.sampled_from(NAMES),
        minutes=amounts,
    )
    def transfer(self, source, to, minutes):
        key = f"k{next(self.keys)}"
        model, _ = self._transfer(key, source, to, minutes)
        return (key, source, to, minutes, model[0])

    @rule(attempt=used)
    def replay_same_request(self, attempt):
        # The first answer is kept, a refusal included (issue 12, finding 16).
        key, source, to, minutes, first = attempt
        model, real = self._transfer(key, source, to, minutes)
        assert model[0] == first

    @rule(attempt=used, extra=st.integers(min_value=1, max_value=5))
    def replay_with_a_different_body(self, attempt, extra):
        key, source, to, minutes, _first = attempt
        if isinstance(minutes, int) and not isinstance(minutes, bool):
            model, _ = self._transfer(key, source, to, minutes + extra)
            assert model == ("error", "idempotency_key")

    @rule(source=st.sampled_from(NAMES), to=st.sampled_from(NAMES))
    def over_the_limit(self, source, to):
        if source == to:
            return
        available = self.model.accounts[source].balance - self.model.accounts[source].lower
        model, _ = self._transfer(f"k{next(self.keys)}", source, to, available + 1)
        assert model[0] == "error"

    @rule(data=st.data())
    def reverse(self, data):
        if not self.model.transactions:
            return
        tx = data.draw(st.sampled_from(sorted(self.model.transactions)))
        key = f"r{next(self.keys)}"
        model = _outcome(lambda: self.model.reverse(key, tx))
        real = _outcome(
            lambda: (
                actions.reverse_transaction(
                    by=self.user,
                    original=Transaction.objects.get(pk=self.real_of[tx]),
                    reason="test",
                    idempotency_key=key,
                ).pk
            )
        )
        assert model[0] == real[0], (model, real)
        if model[0] == "ok":
            self.real_of[model[1]] = real[1]
        else:
            assert model[1] == real[1]

    @invariant()
    def balances_agree(self):
        stored = dict(
            Account.objects.filter(pk__in=[a.pk for a in self.accounts.values()]).values_list(
                "pk", "balance"
            )
        )
        for name, account in self.accounts.items():
            assert stored[account.pk] == self.model.accounts[name].balance, name
        assert self.model.total() == 0


@pytest.mark.django_db
def test_the_ledger_agrees_with_the_model():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
