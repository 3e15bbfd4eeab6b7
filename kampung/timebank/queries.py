"""Reading the time bank: statements, who may see what, and the community report.
Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Exists, F, OuterRef, Q, Sum
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
        # Only what naming the other side needs (a member's row is wide: lists in JSON).
        .only(
            "transaction_id",
            "account__kind",
            "account__community__name",
            "account__member__display_name",
            "account__organisation__name",
        )
    ):
        others[p.transaction_id].append(p)
    s, o = _subject(account, you)
    # get_kind_display() rebuilds its choices for every call: look the labels up once.
    kind_labels = {kind: str(label) for kind, label in TransactionKind.choices}
    lines = []
    for p in postings:
        other, other_kind = _counterparty(account, others[p.transaction_id])
        lines.append(
            {
                "transaction_id": p.transaction_id,
                "date": p.transaction.occurred_on,
                "kind": p.transaction.kind,
                "kind_label": kind_labels.get(p.transaction.kind, p.transaction.kind),
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


STATEMENT_CHUNK = 1000  # postings per query when a whole statement is read (the CSV)


class Statement:
    """An account's statement, one line per posting: date, what happened in words,
    amount, running balance. A lazy sequence, like a queryset: `statement[100:150]`
    reads those 50 postings (and their transactions' other sides) plus one sum, and
    nothing else; `len()` counts the account's postings; iterating reads every line in
    chunks.

    In order of the day the help happened (then the order it was entered), newest
    first unless asked otherwise. Exchanges are often confirmed, and so posted, days
    after the help, so the ledger's own order (and its balance after each posting) is
    not the order people expect. The balance column is the running balance in that
    order: each line's balance is the one before it in date order plus its amount, and
    the newest line's is the account's balance. A page asks the database for the sum
    of the account's postings up to its oldest line and adds up the rest itself (a
    window function over the whole history measured twice as slow at 5,000 postings).
    `you` says whether the reader is the account's holder ("You gave …") or someone
    else ("Rosnah gave …")."""

    def __init__(self, account: Account, *, newest_first: bool = True, you: bool = True):
        self.account, self.newest_first, self.you = account, newest_first, you

    def _postings(self, newest_first: bool):
        # (date, transaction, posting) is unique: the order, and so each line's running
        # balance, is the same whichever page is read.
        order = [F("transaction__occurred_on"), F("transaction_id"), F("id")]
        return (
            Posting.objects.filter(account=self.account)
            .select_related("transaction")
            .order_by(*(o.desc() if newest_first else o.asc() for o in order))
        )

    def _sum_up_to(self, p: Posting | None = None) -> int:
        """The account's postings added up in date order, up to and including `p` (all
        of them without `p`)."""
        rows = Posting.objects.filter(account=self.account)
        if p is not None:
            day, tx = p.transaction.occurred_on, p.transaction_id
            rows = rows.filter(
                Q(transaction__occurred_on__lt=day)
                | Q(transaction__occurred_on=day, transaction_id__lt=tx)
                | Q(transaction__occurred_on=day, transaction_id=tx, id__lte=p.pk)
            )
        return rows.aggregate(total=Sum("amount"))["total"] or 0

    def _lines(self, postings: list[Posting], balance: int, newest_first: bool) -> list[dict]:
        """Lines for `postings` (in the order asked for). `balance` is the running
        balance just before the first of them in date order."""
        lines = _lines(self.account, postings, self.you)
        for line in reversed(lines) if newest_first else lines:
            balance += line["amount_minutes"]
            line["balance_after_minutes"] = balance
        return lines

    def _page(self, start: int, stop: int | None) -> list[dict]:
        postings = list(self._postings(self.newest_first)[start:stop])
        if not postings:
            return []
        oldest = postings[-1] if self.newest_first else postings[0]
        before = self._sum_up_to(oldest) - oldest.amount
        return self._lines(postings, before, self.newest_first)

    def all(self) -> Statement:
        """django-ninja's @paginate counts with `.all().count()`."""
        return self

    def count(self) -> int:
        return Posting.objects.filter(account=self.account).count()

    def __len__(self) -> int:
        return self.count()

    def __bool__(self) -> bool:
        return Posting.objects.filter(account=self.account).exists()

    def __getitem__(self, index):
        """A slice reads those lines (three queries); an integer, a slice of one."""
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("a statement is read in steps of one line")
            start, stop = index.start, index.stop
            if (start is not None and start < 0) or (stop is not None and stop < 0):
                start, stop, _step = index.indices(len(self))  # from the end: count once
            start = start or 0
            if stop is not None and stop <= start:
                return []
            return self._page(start, stop)
        if not isinstance(index, int):
            raise TypeError("statement indices must be integers or slices")
        if index < 0:
            index += len(self)
        lines = self[index : index + 1] if index >= 0 else []
        if not lines:
            raise IndexError("statement index out of range")
        return lines[0]

    def _iterate(self, newest_first: bool):
        """Every line, STATEMENT_CHUNK postings per query. Oldest first the balance
        starts at 0; newest first, at the sum of every posting, going down."""
        balance = self._sum_up_to() if newest_first else 0
        chunk: list[Posting] = []
        for posting in self._postings(newest_first).iterator(chunk_size=STATEMENT_CHUNK):
            chunk.append(posting)
            if len(chunk) == STATEMENT_CHUNK:
                yield from self._chunk(chunk, balance, newest_first)
                balance += sum(p.amount for p in chunk) * (-1 if newest_first else 1)
                chunk = []
        if chunk:
            yield from self._chunk(chunk, balance, newest_first)

    def _chunk(self, chunk: list[Posting], balance: int, newest_first: bool) -> list[dict]:
        """Lines for one chunk; `balance` is the running balance before the chunk in
        reading order (newest first: the balance after its first line)."""
        if newest_first:
            balance -= sum(p.amount for p in chunk)
        return self._lines(chunk, balance, newest_first)

    def __iter__(self):
        return self._iterate(self.newest_first)

    def __reversed__(self):
        return self._iterate(not self.newest_first)


def statement_lines(account: Account, *, newest_first: bool = True, you: bool = True) -> Statement:
    """The account's statement (see `Statement`): slice it for a page."""
    return Statement(account, newest_first=newest_first, you=you)


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


def ledger_entries(community):
    """Every transaction touching the community, newest first: those it posted and
    those that reached one of its accounts from elsewhere (a gift through the clearing
    accounts). A semi-join per transaction, not a DISTINCT over every posting, so the
    database walks the newest ids and stops once a page is full."""
    here = Posting.objects.filter(transaction=OuterRef("pk"), community=community)
    return Transaction.objects.filter(Exists(here)).order_by("-id")


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
