"""Reading the time bank: statements, who may see what, and the community report.
Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone

from kampung import policy
from kampung.people.models import Consent, ConsentPurpose
from kampung.timebank.models import Account, Exchange, Posting, Transaction, TransactionKind

EXCHANGE_KINDS = (TransactionKind.EXCHANGE, TransactionKind.SESSION)


def _counterparty(own: Account, others: list[Posting]) -> str:
    people = [p.account for p in others if p.account.kind != Account.Kind.CLEARING]
    if not people:
        return ""
    if len(people) == 1:
        account = people[0]
        if account.kind == Account.Kind.MEMBER and account.community_id != own.community_id:
            return f"{account.label}, {account.community.name}"
        return account.label
    return f"{len(people)} people"


def statement_lines(account: Account, *, newest_first: bool = True) -> list[dict]:
    """One line per posting: date, counterparty, description, amount, running balance."""
    postings = list(
        Posting.objects.filter(account=account)
        .select_related("transaction")
        .order_by("-id" if newest_first else "id")
    )
    tx_ids = [p.transaction_id for p in postings]
    others: dict[int, list[Posting]] = defaultdict(list)
    for p in (
        Posting.objects.filter(transaction_id__in=tx_ids)
        .exclude(account=account)
        .select_related("account__member", "account__organisation", "account__community")
    ):
        others[p.transaction_id].append(p)
    return [
        {
            "transaction_id": p.transaction_id,
            "date": p.transaction.occurred_on,
            "kind": p.transaction.kind,
            "kind_label": p.transaction.get_kind_display(),
            "counterparty": _counterparty(account, others[p.transaction_id]),
            "description": p.transaction.description,
            "reason": p.transaction.reason,
            "amount_minutes": p.amount,
            "balance_after_minutes": p.balance_after,
        }
        for p in postings
    ]


def exchanges_for(user, community):
    qs = Exchange.objects.filter(community=community).select_related("provider", "receiver")
    if policy.can(user, "timebank.view_ledger", community):
        return qs
    me = policy.membership(user, community)
    if me is None:
        return qs.none()
    return qs.filter(Q(provider=me) | Q(receiver=me))


def postings_shown(tx: Transaction, here) -> list[dict]:
    """A transaction's postings as someone in community `here` (a Community or its slug)
    may see them: accounts in another community only as "An account in <community>",
    with no name or number (as the ledger CSV shows them)."""
    here_slug = getattr(here, "slug", here)
    shown = []
    for p in tx.postings.select_related(
        "account__member", "account__organisation", "account__community"
    ):
        account = p.account
        own = account.community.slug == here_slug
        shown.append(
            {
                "number": account.number if own else "",
                "label": account.label if own else f"An account in {account.community.name}",
                "where": account.community.name,
                "here": own,
                "amount_minutes": p.amount,
            }
        )
    return shown


def may_see_transaction(user, community, tx: Transaction) -> bool:
    touches = Posting.objects.filter(transaction=tx, account__community=community)
    if policy.can(user, "timebank.view_ledger", community) and touches.exists():
        return True
    me = policy.membership(user, community)
    return me is not None and touches.filter(account__member=me).exists()


def _month_starts(today: date, count: int = 12) -> list[date]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def community_report(community, today: date | None = None) -> dict:
    """The last twelve months of exchanges and group sessions (not gifts), leaving out
    anything corrected by a reversal. Counts of people include only members who agreed
    to be counted in anonymous statistics; hour totals are ledger facts and include all."""
    today = today or timezone.localdate()
    months = _month_starts(today)
    rows = Posting.objects.filter(
        account__community=community,
        account__kind=Account.Kind.MEMBER,
        transaction__kind__in=EXCHANGE_KINDS,
        transaction__occurred_on__gte=months[0],
        transaction__reversed_by__isnull=True,
    ).values_list(
        "account__member_id", "account__member__birth_year", "amount", "transaction__occurred_on"
    )
    counted = set(
        Consent.objects.active()
        .filter(purpose=ConsentPurpose.AGGREGATE_RESEARCH, member__community=community)
        .values_list("member_id", flat=True)
    )
    per_month = dict.fromkeys(months, 0)
    givers, receivers, older = set(), set(), set()
    older_minutes = 0
    older_than = today.year - 65
    for member_id, birth_year, amount, occurred_on in rows.iterator(chunk_size=5000):
        if amount > 0:
            per_month[date(occurred_on.year, occurred_on.month, 1)] += amount
            if birth_year is not None and birth_year <= older_than:
                older_minutes += amount
                if member_id in counted:
                    older.add(member_id)
            if member_id in counted:
                givers.add(member_id)
        elif member_id in counted:
            receivers.add(member_id)
    # Care organisations paid for (their accounts are the payers of exchanges).
    paid = (
        Posting.objects.filter(
            account__community=community,
            account__kind=Account.Kind.ORGANISATION,
            transaction__kind__in=EXCHANGE_KINDS,
            transaction__occurred_on__gte=months[0],
            transaction__reversed_by__isnull=True,
            amount__lt=0,
        )
        .values("account__organisation__name")
        .annotate(minutes=Sum("amount"))
        .order_by("minutes", "account__organisation__name")
    )
    return {
        "paid_by_organisations": [
            {"organisation": r["account__organisation__name"], "minutes": -r["minutes"]}
            for r in paid
        ],
        "months": [{"month": m.strftime("%Y-%m"), "minutes": n} for m, n in per_month.items()],
        "givers": len(givers),
        "receivers": len(receivers),
        "reciprocal": len(givers & receivers),
        "older_givers": len(older),
        "minutes_given_by_older": older_minutes,
        "minutes_exchanged": sum(per_month.values()),
        "counted_members_only": True,
    }


def exchanges_for_members_without_a_device(community, me):
    """Pending exchanges where a side without a login has not confirmed (not the
    staff member's own: they never confirm for the other side of their own)."""
    qs = Exchange.objects.filter(community=community, status=Exchange.Status.PENDING).filter(
        Q(provider__user__isnull=True, provider_confirmed_at__isnull=True)
        | Q(receiver__user__isnull=True, receiver_confirmed_at__isnull=True)
    )
    if me is not None:
        qs = qs.exclude(provider=me).exclude(receiver=me)
    return qs
