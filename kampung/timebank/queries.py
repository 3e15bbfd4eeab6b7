"""Reading the time bank: statements, who may see what, and the community report.
Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import dbrouter, policy
from kampung.people.models import Consent, ConsentPurpose
from kampung.timebank.ledger import format_minutes
from kampung.timebank.models import Account, Exchange, Posting, Transaction, TransactionKind

EXCHANGE_KINDS = (TransactionKind.EXCHANGE, TransactionKind.SESSION)
# What give_credits writes when the giver leaves no note.
DEFAULT_DESCRIPTIONS = {"Gift to the community pool", "Gift of time credits"}


def _counterparty(own: Account, others: list[Posting]) -> tuple[str, str]:
    """Who was on the other side, in words, and what kind of account that is. Clearing
    accounts are the plumbing between communities and never named; a person in another
    community is named with their community ("Wendy (Woking East)")."""
    people = [p.account for p in others if p.account.kind != Account.Kind.CLEARING]
    if not people:
        return "", ""
    if len(people) == 1:
        account = people[0]
        if account.kind == Account.Kind.POOL:
            return str(_("the community pool")), "pool"
        if account.community_id != own.community_id:
            return f"{account.label} ({account.community.name})", account.kind
        return account.label, account.kind
    return str(_("%(n)s people") % {"n": len(people)}), "people"


def _subject(account: Account, you: bool) -> tuple[str, str]:
    """How a line names the statement's own account: "You"/"you" to its holder,
    otherwise by name (the pool as "The community pool"/"the community pool")."""
    if you:
        return str(_("You")), str(_("you"))
    if account.kind == Account.Kind.POOL:
        return str(_("The community pool")), str(_("the community pool"))
    return account.label, account.label


def sentence(kind: str, amount: int, other: str, other_kind: str, s: str, o: str) -> str:
    """One movement in people's words: "You gave 45 min to Wendy (Woking East)",
    "Wendy gave you 1 h", "You received 2 h from the community pool"."""
    words = {"s": s, "o": o, "x": other, "t": format_minutes(abs(amount))}
    if kind == TransactionKind.REVERSAL:
        if amount > 0:
            return _("Correction: %(t)s given back to %(o)s") % words
        return _("Correction: %(t)s taken back from %(o)s") % words
    if not other:
        return (_("%(s)s received %(t)s") if amount > 0 else _("%(s)s gave %(t)s")) % words
    if kind == TransactionKind.EXCHANGE:
        if amount > 0:
            return _("%(s)s helped %(x)s for %(t)s") % words
        if other_kind == Account.Kind.ORGANISATION:
            return _("%(s)s paid %(x)s %(t)s") % words
        return _("%(x)s helped %(o)s for %(t)s") % words
    if kind == TransactionKind.SESSION:
        if amount > 0:
            return _("%(s)s earned %(t)s from %(x)s at a group session") % words
        return _("%(s)s gave %(t)s to %(x)s for a group session") % words
    if amount > 0:
        if other_kind == "pool":
            return _("%(s)s received %(t)s from %(x)s") % words
        return _("%(x)s gave %(o)s %(t)s") % words
    return _("%(s)s gave %(t)s to %(x)s") % words


def _lines(account: Account, postings: list[Posting], you: bool) -> list[dict]:
    tx_ids = [p.transaction_id for p in postings]
    others: dict[int, list[Posting]] = defaultdict(list)
    for p in (
        Posting.objects.filter(transaction_id__in=tx_ids)
        .exclude(account=account)
        .select_related("account__member", "account__organisation", "account__community")
    ):
        others[p.transaction_id].append(p)
    s, o = _subject(account, you)
    lines = []
    for p in postings:
        other, other_kind = _counterparty(account, others[p.transaction_id])
        lines.append(
            {
                "transaction_id": p.transaction_id,
                "date": p.transaction.occurred_on,
                "kind": p.transaction.kind,
                "kind_label": p.transaction.get_kind_display(),
                "counterparty": other,
                "what": sentence(p.transaction.kind, p.amount, other, other_kind, s, o),
                "description": p.transaction.description,
                # The description, unless it only repeats what the sentence says.
                "note": ""
                if p.transaction.description in DEFAULT_DESCRIPTIONS
                else p.transaction.description,
                "reason": p.transaction.reason,
                "amount_minutes": p.amount,
                "balance_after_minutes": p.balance_after,
            }
        )
    return lines


def statement_lines(account: Account, *, newest_first: bool = True, you: bool = True) -> list[dict]:
    """One line per posting: date, what happened in words, amount, running balance.

    In order of the day the help happened (then the order it was entered), newest
    first unless asked otherwise. Exchanges are often confirmed, and so posted, days
    after the help, so the ledger's own order (and its balance after each posting) is
    not the order people expect. The balance column here is the running balance in
    the order shown: each line's balance is the one below it plus its amount, and the
    newest line's is the account's balance. `you` says whether the reader is the
    account's holder ("You gave …") or someone else ("Rosnah gave …")."""
    postings = sorted(
        Posting.objects.filter(account=account).select_related("transaction"),
        key=lambda p: (p.transaction.occurred_on, p.transaction_id, p.pk),
    )
    lines = _lines(account, postings, you)
    running = 0
    for line in lines:
        running += line["amount_minutes"]
        line["balance_after_minutes"] = running
    return lines[::-1] if newest_first else lines


def line_for(account: Account, tx: Transaction, *, you: bool = True) -> dict | None:
    """The movement `tx` made on `account`, in words (a member's receipt)."""
    postings = list(
        Posting.objects.filter(account=account, transaction=tx).select_related("transaction")
    )
    return _lines(account, postings, you)[0] if postings else None


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
    touches = Posting.objects.filter(transaction=tx, community=community)
    if policy.can(user, "timebank.view_ledger", community) and touches.exists():
        return True
    me = policy.membership(user, community)
    return me is not None and touches.filter(account__member=me).exists()


def _month_starts(today: date, count: int = 12) -> list[date]:
    year, month = today.year, today.month
    months = []
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


@dbrouter.reports()
def community_report(community, today: date | None = None) -> dict:
    """The last twelve months of exchanges and group sessions (not gifts), leaving out
    anything corrected by a reversal. Counts of people include only members who agreed
    to be counted in anonymous statistics; hour totals are ledger facts and include all.
    Read from the replica when there is one."""
    today = today or timezone.localdate()
    months = _month_starts(today)
    rows = Posting.objects.filter(
        community=community,
        account__kind=Account.Kind.MEMBER,
        transaction__kind__in=EXCHANGE_KINDS,
        transaction__occurred_on__gte=months[0],
        transaction__reversed_by__isnull=True,
    ).values_list(
        "account__member_id", "account__member__birth_year", "amount", "transaction__occurred_on"
    )
    counted = set(
        Consent.objects.active()
        .filter(purpose=ConsentPurpose.AGGREGATE_RESEARCH, community=community)
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
            community=community,
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
