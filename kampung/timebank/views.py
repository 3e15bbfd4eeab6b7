"""Time bank pages: my credits, recording and confirming exchanges, giving, statements
(with CSV), and for community developers the pool, corrections, the ledger and reports.
Each view validates, calls one action, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.audit.log import record_list_view, record_view
from kampung.communities.models import Organisation
from kampung.errors import REFUSALS
from kampung.exports import csv_stream
from kampung.pagination import CappedPaginator
from kampung.people.models import Member
from kampung.timebank import actions, queries
from kampung.timebank.errors import IdempotencyConflict
from kampung.timebank.forms import (
    AllocationForm,
    CareForm,
    ExchangeForm,
    GiftForm,
    KeyedForm,
    LimitsForm,
    ReverseForm,
    SessionForm,
)
from kampung.timebank.ledger import clean_account_number, format_minutes
from kampung.timebank.models import (
    Account,
    Exchange,
    GroupSession,
    Posting,
    SessionAttendance,
    Transaction,
)
from kampung.web import add_errors, community_for, show_error


def _me(request, community) -> Member:
    me = policy.membership(request.user, community)
    if me is None:
        raise PermissionDenied("timebank.use")
    policy.require(request.user, "timebank.use", community)
    return me


def _pending_for(me, community):
    """Exchanges waiting for `me` to confirm, and those I recorded waiting for the other."""
    pending = Exchange.objects.filter(
        community=community, status=Exchange.Status.PENDING
    ).select_related("provider", "receiver")
    mine = [
        e
        for e in pending.filter(provider=me, provider_confirmed_at__isnull=True)
        | pending.filter(receiver=me, receiver_confirmed_at__isnull=True)
    ]
    waiting = [
        e
        for e in pending.filter(provider=me, provider_confirmed_at__isnull=False)
        | pending.filter(receiver=me, receiver_confirmed_at__isnull=False)
    ]
    return mine, waiting


@login_required
def home(request, slug: str):
    community = community_for(request, slug)
    me = _me(request, community)
    account = actions.account_for_member(me)
    to_confirm, waiting = _pending_for(me, community)
    context = {
        "community": community,
        "account": account,
        "lines": queries.statement_lines(account)[:5],
        "to_confirm": to_confirm,
        "sessions_to_confirm": SessionAttendance.objects.filter(
            member=me, status=SessionAttendance.Status.PENDING, community=community
        ).select_related("session", "session__host"),
        "waiting": waiting,
        "page_title": _("Time bank"),
    }
    if policy.can(request.user, "timebank.view_ledger", community):
        context["pool"] = actions.pool_account(community)
        context["for_others"] = [
            (e, side)
            for e in Exchange.objects.filter(community=community, status=Exchange.Status.PENDING)
            # Not the other side of one's own exchange: staff never confirm for themselves.
            .exclude(provider=me)
            .exclude(receiver=me)
            .select_related("provider", "receiver")
            .order_by("created_at")[:50]
            for side, person, done in (
                ("provider", e.provider, e.provider_confirmed_at),
                ("receiver", e.receiver, e.receiver_confirmed_at),
            )
            if done is None and not person.has_device
        ]
    context["can_report"] = policy.can(request.user, "timebank.view_reports", community)
    if me.organisation_id is not None:
        org_account = actions.existing_organisation_account(community, me.organisation)
        if org_account is not None and policy.can(
            request.user, "timebank.view_statement", community, org_account
        ):
            context["org_account"] = org_account
    return render(request, "timebank/home.html", context)


@login_required
def exchange_new(request, slug: str):
    community = community_for(request, slug)
    me = _me(request, community)
    form = ExchangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            other = actions.find_account(data["other_account"], field="other_account")
            if other.kind != Account.Kind.MEMBER or other.community_id != community.pk:
                raise actions.LedgerError(
                    "other_account", _("That is not the account of a person in this community.")
                )
            provider, receiver = (
                (me, other.member) if data["direction"] == "gave" else (other.member, me)
            )
            exchange = actions.record_exchange(
                by=request.user,
                community=community,
                provider=provider,
                receiver=receiver,
                minutes=data["total_minutes"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                idempotency_key=data["idempotency_key"],
            )
        except REFUSALS as exc:
            add_errors(
                form,
                exc,
                {"provider": "other_account", "receiver": "other_account", "minutes": "hours"},
            )
        else:
            other_person = exchange.receiver if exchange.provider_id == me.pk else exchange.provider
            messages.success(
                request,
                _("Recorded. It will count once %(name)s confirms it.")
                % {"name": other_person.display_name},
            )
            return redirect("timebank_home", slug=community.slug)
    return render(
        request,
        "timebank/form.html",
        {
            "community": community,
            "form": form,
            "page_title": _("Record an exchange"),
            "lead": _(
                "When you help someone, or someone helps you, write it down here. "
                "The person who gave the time earns it; the person helped spends it. "
                "It counts once you both confirm."
            ),
            "submit": _("Record the exchange"),
        },
    )


def _already_done(exchange: Exchange, party: Member | None, decide) -> str:
    """If a refused confirm or decline asked for what has already happened (a page
    opened before the other tab or the other person acted), the friendly answer;
    otherwise ""."""
    fresh = Exchange.objects.get(pk=exchange.pk)
    if decide is actions.decline_exchange:
        if fresh.status == Exchange.Status.DECLINED:
            return _("This was already declined. Nothing was moved.")
        return ""
    if fresh.status == Exchange.Status.POSTED:
        return _("This was already confirmed, and the credits have moved.")
    if party is not None and fresh.status == Exchange.Status.PENDING:
        side = "provider" if party.pk == fresh.provider_id else "receiver"
        if getattr(fresh, f"{side}_confirmed_at") is not None:
            return _("This was already confirmed. It counts once the other person confirms.")
    return ""


def _exchange_decision(request, slug: str, exchange_id: int, decide, done_message: str):
    community = community_for(request, slug)
    exchange = get_object_or_404(Exchange, pk=exchange_id, community=community)
    form = KeyedForm(request.POST)
    on_behalf = None
    if request.POST.get("on_behalf_of"):
        on_behalf = get_object_or_404(Member, pk=request.POST["on_behalf_of"], community=community)
    if not form.is_valid():
        messages.error(request, _("Please try again."))
        return redirect("timebank_home", slug=community.slug)
    try:
        result = decide(
            by=request.user,
            exchange=exchange,
            on_behalf_of=on_behalf,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except IdempotencyConflict:
        # The same key sent with another request: a page from before each form had its
        # own key. Nothing was done; it is safe to press the button again.
        friendly = _already_done(
            exchange, on_behalf or policy.membership(request.user, community), decide
        )
        if friendly:
            messages.success(request, friendly)
        else:
            messages.error(request, _("Please try again: the page was out of date."))
    except REFUSALS as exc:
        friendly = _already_done(
            exchange, on_behalf or policy.membership(request.user, community), decide
        )
        if friendly:
            messages.success(request, friendly)
        else:
            show_error(request, exc)
    else:
        if result.status == Exchange.Status.POSTED:
            messages.success(
                request,
                _("Confirmed: %(time)s moved from %(from)s to %(to)s.")
                % {
                    "time": result.minutes_display,
                    "from": result.paid_by.label if result.paid_by else result.receiver,
                    "to": result.provider,
                },
            )
        else:
            messages.success(request, done_message)
    return redirect("timebank_home", slug=community.slug)


@login_required
@require_POST
def exchange_confirm(request, slug: str, exchange_id: int):
    return _exchange_decision(
        request,
        slug,
        exchange_id,
        actions.confirm_exchange,
        _("Confirmed. It will count once the other person confirms too."),
    )


def _session_decision(request, slug: str, session_id: int, decide, done_message: str):
    community = community_for(request, slug)
    session = get_object_or_404(GroupSession, pk=session_id, community=community)
    form = KeyedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please try again."))
        return redirect("timebank_home", slug=community.slug)
    try:
        decide(
            by=request.user,
            session=session,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except REFUSALS as exc:
        me = policy.membership(request.user, community)
        part = SessionAttendance.objects.filter(session=session, member=me).first()
        if part is not None and part.status == SessionAttendance.Status.POSTED:
            messages.success(
                request,
                _("This was already confirmed: you came to %(title)s.") % {"title": session.title},
            )
        elif part is not None and part.status == SessionAttendance.Status.DECLINED:
            messages.success(
                request,
                _("This was already noted: you were not at %(title)s.") % {"title": session.title},
            )
        else:
            show_error(request, exc)
    else:
        messages.success(request, done_message % {"title": session.title})
    return redirect("timebank_home", slug=community.slug)


@login_required
@require_POST
def session_confirm(request, slug: str, session_id: int):
    return _session_decision(
        request, slug, session_id, actions.confirm_session, _("Confirmed: you came to %(title)s.")
    )


@login_required
@require_POST
def session_decline(request, slug: str, session_id: int):
    return _session_decision(
        request,
        slug,
        session_id,
        actions.decline_session,
        _("Noted: you were not at %(title)s. Nothing was moved."),
    )


@login_required
@require_POST
def exchange_decline(request, slug: str, exchange_id: int):
    return _exchange_decision(
        request, slug, exchange_id, actions.decline_exchange, _("Declined. Nothing was moved.")
    )


def _gift_target(community, data) -> Account:
    if data["to"] == "pool":
        return actions.pool_account(community)
    return actions.find_account(data["to_account"])


def _recipient_words(community, target: Account) -> str:
    """The person about to be paid, as the giver needs them: name and community only."""
    if target.kind == Account.Kind.POOL:
        return _("the community pool")
    if target.community_id != community.pk:
        return f"{target.label} ({target.community.name})"
    return target.label


def _give_form_page(request, community, form, account):
    return render(
        request,
        "timebank/form.html",
        {
            "community": community,
            "form": form,
            "account": account,
            "form_action": reverse("timebank_give_check", args=[community.slug]),
            "page_title": _("Give credits"),
            "lead": _(
                "Give some of your time credits to someone else — a friend, or a relative "
                "in another community that uses Kampung — or to the community pool, from "
                "which community developers help people who need it."
            ),
            "submit": _("Continue"),
        },
    )


@login_required
def give(request, slug: str):
    """The give form (which posts to the check page) and the final "Send". Pressing
    "Change" on the check page comes back here with the answers filled in and the
    same idempotency key, so the gift still posts once however it is sent."""
    community = community_for(request, slug)
    me = _me(request, community)
    account = actions.account_for_member(me)
    if request.method == "POST" and request.POST.get("change"):
        kept = {f: request.POST.get(f, "") for f in GiftForm.base_fields}
        return _give_form_page(request, community, GiftForm(initial=kept), account)
    form = GiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = _gift_target(community, data)
            tx = actions.give_credits(
                by=request.user,
                community=community,
                to_account=target,
                minutes=data["total_minutes"],
                note=data["note"],
                idempotency_key=data["idempotency_key"],
            )
        except REFUSALS as exc:
            add_errors(form, exc, {"minutes": "hours"})
        else:
            messages.success(
                request,
                _("Sent. You gave %(time)s to %(name)s.")
                % {
                    "time": format_minutes(data["total_minutes"]),
                    "name": _recipient_words(community, target),
                },
            )
            return redirect("timebank_transaction", slug=community.slug, transaction_id=tx.pk)
    return _give_form_page(request, community, form, account)


@login_required
@require_POST
def give_check(request, slug: str):
    """ "Send 45 min to Wendy (Woking East)?" — the GOV.UK check-answers step before any
    credits move. Refusals it can know about already (an unknown number, a closed
    account, no clearing arrangement, not enough credits) are shown on the form."""
    community = community_for(request, slug)
    me = _me(request, community)
    account = actions.account_for_member(me)
    form = GiftForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            target = _gift_target(community, data)
            actions.check_gift(
                by=request.user,
                community=community,
                to_account=target,
                minutes=data["total_minutes"],
            )
        except REFUSALS as exc:
            add_errors(form, exc, {"minutes": "hours"})
        else:
            question = _("Send %(time)s to %(name)s?") % {
                "time": format_minutes(data["total_minutes"]),
                "name": _recipient_words(community, target),
            }
            return render(
                request,
                "timebank/give_check.html",
                {
                    "community": community,
                    "account": account,
                    "page_title": question,
                    "minutes": data["total_minutes"],
                    "recipient": _recipient_words(community, target),
                    "to_pool": target.kind == Account.Kind.POOL,
                    "note": data["note"],
                    "after": account.balance - data["total_minutes"],
                    "hidden": [
                        (name, request.POST.get(name, ""))
                        for name in (
                            "idempotency_key",
                            "to",
                            "to_account",
                            "hours",
                            "minutes",
                            "note",
                        )
                    ],
                },
            )
    return _give_form_page(request, community, form, account)


def _account_or_404(request, community, number: str) -> Account:
    account = get_object_or_404(
        Account.objects.select_related("member", "organisation"),
        number=clean_account_number(number),
        community=community,
    )
    if not policy.can(request.user, "timebank.view_statement", community, account):
        raise Http404
    return account


@login_required
def statement(request, slug: str, number: str):
    community = community_for(request, slug)
    account = _account_or_404(request, community, number)
    if account.member is not None and account.member.user_id != request.user.pk:
        # Staff reading someone's statement is a view of their personal record.
        record_view(account.member, viewer=request.user, reason="Viewed their time bank statement")
    if request.GET.get("format") == "csv":
        return _statement_csv(account)
    yours = account.member is not None and account.member.user_id == request.user.pk
    # One account's lines are counted from its index in a few milliseconds, even at
    # 5,000, so the pager can say "Page 2 of 100".
    statement = queries.statement_lines(account, you=yours)
    page = CappedPaginator(statement, 50, cap=None).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/statement.html",
        {
            "community": community,
            "account": account,
            "page": page,
            "page_title": _("Statement: %(name)s") % {"name": account.label},
            "can_manage": policy.can(request.user, "timebank.manage_accounts", community, account),
        },
    )


STATEMENT_COLUMNS = [
    "date",
    "transaction",
    "kind",
    "counterparty",
    "description",
    "reason",
    "minutes",
    "balance_minutes",
    "amount",
    "balance",
]


def _statement_csv(account: Account) -> StreamingHttpResponse:
    """Every line, oldest first, streamed: read from the database a chunk at a time as
    the file is sent (a long-standing account has thousands of lines)."""
    return csv_stream(
        f"statement-{account.number}.csv",
        STATEMENT_COLUMNS,
        (
            [
                line["date"],
                line["transaction_id"],
                line["kind"],
                line["counterparty"],
                line["description"],
                line["reason"],
                line["amount_minutes"],
                line["balance_after_minutes"],
                format_minutes(line["amount_minutes"], signed=True),
                format_minutes(line["balance_after_minutes"]),
            ]
            for line in queries.statement_lines(account, newest_first=False)
        ),
    )


@login_required
def my_statement(request, slug: str):
    community = community_for(request, slug)
    account = actions.account_for_member(_me(request, community))
    return redirect("timebank_statement", slug=community.slug, number=account.number)


@login_required
def transaction_detail(request, slug: str, transaction_id: int):
    community = community_for(request, slug)
    tx = get_object_or_404(Transaction.objects.select_related("created_by"), pk=transaction_id)
    if not queries.may_see_transaction(request.user, community, tx):
        raise Http404
    can_reverse = (
        tx.community_id == community.pk
        and policy.can(request.user, "timebank.reverse", community)
        and tx.kind != "reversal"
        and not Transaction.objects.filter(reverses=tx).exists()
    )
    form = ReverseForm(request.POST or None) if can_reverse else None
    if request.method == "POST":
        policy.require(request.user, "timebank.reverse", community)
        if form is not None and form.is_valid():
            try:
                reversal = actions.reverse_transaction(
                    by=request.user,
                    original=tx,
                    reason=form.cleaned_data["reason"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except REFUSALS as exc:
                add_errors(form, exc, {"transaction": None})
            else:
                messages.success(request, _("Reversed. The correction is linked to the original."))
                return redirect(
                    "timebank_transaction", slug=community.slug, transaction_id=reversal.pk
                )
    staff = policy.can(request.user, "timebank.view_ledger", community)
    shown = queries.postings_shown(tx, community)
    me = policy.membership(request.user, community)
    mine = Account.objects.filter(member=me, postings__transaction=tx).first() if me else None
    line = queries.line_for(mine, tx) if mine is not None else None
    if staff:
        # Staff see each member's movement on this entry: a view of their data.
        record_list_view(
            list(
                Member.objects.filter(
                    community=community, timebank_account__postings__transaction=tx
                ).distinct()
            ),
            viewer=request.user,
            reason=f"Viewed the time bank entry #{tx.pk}",
        )
    return render(
        request,
        "timebank/transaction.html",
        {
            "community": community,
            "tx": tx,
            "postings": [
                {
                    "label": p["label"],
                    "where": p["where"] if p["here"] else "",
                    "amount": format_minutes(p["amount_minutes"], signed=True),
                    "number": p["number"],
                    "linked": staff and p["here"],
                }
                for p in shown
            ],
            "reversed_by": Transaction.objects.filter(reverses=tx).first(),
            "form": form,
            "staff": staff,
            "line": line,
            # Members read what happened; entry numbers are for the staff ledger.
            "page_title": _("Entry #%(id)s") % {"id": tx.pk}
            if staff or line is None
            else line["what"],
        },
    )


@login_required
def allocate(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.allocate", community)
    pool = actions.pool_account(community)
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tx = actions.allocate_from_pool(
                by=request.user,
                community=community,
                to_account=actions.find_account(data["to_account"]),
                minutes=data["total_minutes"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
            )
        except REFUSALS as exc:
            add_errors(form, exc, {"minutes": "hours"})
        else:
            messages.success(request, _("Allocated from the pool."))
            return redirect("timebank_transaction", slug=community.slug, transaction_id=tx.pk)
    return render(
        request,
        "timebank/form.html",
        {
            "community": community,
            "form": form,
            "page_title": _("Allocate from the pool"),
            "lead": _(
                "The pool holds %(time)s given by members. "
                "Allocate some to someone who needs help, and say why."
            )
            % {"time": pool.balance_display},
            "submit": _("Allocate"),
        },
    )


@login_required
def ledger(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.view_ledger", community)
    if request.GET.get("format") == "csv":
        return _ledger_csv(request, community)
    page = CappedPaginator(queries.ledger_entries(community), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/ledger.html",
        {"community": community, "page": page, "page_title": _("Time bank ledger")},
    )


LEDGER_COLUMNS = [
    "transaction",
    "date",
    "recorded_at",
    "kind",
    "description",
    "reason",
    "reverses",
    "account_number",
    "account",
    "account_community",
    "minutes",
    "balance_after_minutes",
    "entered_by",
    "on_behalf_of",
]


def _ledger_csv(request, community) -> StreamingHttpResponse:
    """Every posting of every entry touching this community, oldest first, one row per
    posting, so an auditor can check that each entry adds up to zero and rebuild every
    balance. Accounts in other communities (the far side of a clearing transfer) are
    shown by community only. Streamed: a ledger can be long."""
    from kampung.audit import log
    from kampung.audit.models import AuditEvent

    log.record(
        AuditEvent.Action.VIEW,
        community_id=community.pk,
        summary="Downloaded the time bank ledger (CSV)",
        actor=request.user,
    )
    ids = Transaction.objects.filter(postings__community=community).values("pk").distinct()
    postings = (
        Posting.objects.filter(transaction_id__in=ids)
        .select_related(
            "transaction__created_by",
            "transaction__on_behalf_of",
            "account__member",
            "account__organisation",
            "account__community",
        )
        .order_by("transaction_id", "id")
    )

    def rows():
        for p in postings.iterator(chunk_size=2000):
            tx, account = p.transaction, p.account
            here = account.community_id == community.pk
            yield [
                tx.pk,
                tx.occurred_on,
                tx.created_at,
                tx.kind,
                tx.description,
                tx.reason,
                tx.reverses_id or "",
                account.number if here else "",
                account.label if here else _("Account in another community"),
                account.community.name,
                p.amount,
                p.balance_after if here else "",
                str(tx.created_by),
                tx.on_behalf_of.display_name if tx.on_behalf_of else "",
            ]

    return csv_stream(f"ledger-{community.slug}.csv", LEDGER_COLUMNS, rows())


def _svg_columns(months: list[dict]) -> dict:
    """Geometry for a server-rendered column chart of hours per month."""
    peak = max((m["minutes"] for m in months), default=0) or 60
    width, height, gap = 24, 120, 6
    bars = []
    for i, m in enumerate(months):
        h = round(height * m["minutes"] / peak)
        bars.append(
            {
                "x": i * (width + gap),
                "y": height - h,
                "h": h,
                "w": width,
                # "Nov" under the bar; "Nov 2026" in its title and in the table.
                "label": _month(m["month"]).strftime("%b"),
                "value": format_minutes(m["minutes"]),
                "month": _month(m["month"]).strftime("%b %Y"),
            }
        )
    return {"bars": bars, "width": len(months) * (width + gap), "height": height}


@login_required
def reports(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.view_reports", community)
    report = queries.community_report(community)
    people = [
        (_("Gave time"), report["givers"]),
        (_("Received time"), report["receivers"]),
        (_("Both gave and received"), report["reciprocal"]),
        (_("Aged 65 or over, gave time"), report["older_givers"]),
    ]
    peak = max((n for _, n in people), default=0) or 1
    return render(
        request,
        "timebank/reports.html",
        {
            "community": community,
            "report": report,
            "chart": _svg_columns(report["months"]),
            "people_rows": [
                {"label": label, "count": n, "pct": round(100 * n / peak)} for label, n in people
            ],
            "exchanged": format_minutes(report["minutes_exchanged"]),
            "older_given": format_minutes(report["minutes_given_by_older"]),
            "page_title": _("Time bank reports"),
        },
    )


# --- For community developers: sessions, care paid by organisations, accounts ------------


@login_required
def session_new(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.record_for_others", community)
    form = SessionForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = actions.record_session(
                by=request.user,
                community=community,
                title=data["title"],
                host=data["host"],
                attendees=data["attendees"],
                minutes=data["total_minutes"],
                basis=data["basis"],
                occurred_on=data["occurred_on"],
                idempotency_key=data["idempotency_key"],
            )
        except REFUSALS as exc:
            add_errors(form, exc, {"minutes": "hours"})
        else:
            waiting = session.attendance.filter(status=SessionAttendance.Status.PENDING).count()
            messages.success(
                request,
                _(
                    "Recorded: %(title)s, %(n)s people. %(waiting)s with their own login "
                    "confirm their part on their time bank page."
                )
                % {"title": session.title, "n": session.attendees.count(), "waiting": waiting}
                if waiting
                else _("Recorded: %(title)s, %(n)s people. The credits have moved.")
                % {"title": session.title, "n": session.attendees.count()},
            )
            return redirect("timebank_sessions", slug=community.slug)
    recent = (
        GroupSession.objects.filter(community=community)
        .select_related("host")
        .prefetch_related("attendees", "attendance__member")
        .order_by("-occurred_on", "-id")[:20]
    )
    return render(
        request,
        "timebank/sessions.html",
        {
            "community": community,
            "form": form,
            "recent": recent,
            "page_title": _("Group sessions"),
        },
    )


@login_required
def care_new(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.record_for_others", community)
    form = CareForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exchange = actions.record_exchange(
                by=request.user,
                community=community,
                provider=data["provider"],
                receiver=data["receiver"],
                minutes=data["total_minutes"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                paid_by=data["paid_by"],
                idempotency_key=data["idempotency_key"],
            )
        except REFUSALS as exc:
            add_errors(form, exc, {"minutes": "hours"})
        else:
            messages.success(
                request,
                _(
                    "Recorded: %(provider)s helped %(receiver)s for %(time)s. It counts once "
                    "both confirm; confirm for anyone without a login below."
                )
                % {
                    "provider": exchange.provider,
                    "receiver": exchange.receiver,
                    "time": exchange.minutes_display,
                },
            )
            return redirect("timebank_home", slug=community.slug)
    return render(
        request,
        "timebank/form.html",
        {
            "community": community,
            "form": form,
            "page_title": _("Record help for others"),
            "lead": _(
                "Write down help that two members gave each other when they cannot record "
                "it themselves, or care an organisation pays for. Both people (or you, for "
                "anyone without a login) then confirm it."
            ),
            "submit": _("Record"),
        },
    )


ACCOUNT_ORDER = {"pool": 0, "clearing": 1, "organisation": 2, "member": 3}


@login_required
def accounts(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "timebank.view_ledger", community)
    can_manage = policy.can(request.user, "timebank.manage_accounts", community)
    pool = actions.pool_account(community)
    clearing = actions.clearing_account(community)
    org_accounts = list(
        Account.objects.filter(community=community, kind=Account.Kind.ORGANISATION)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    without_account = Organisation.objects.filter(communities=community).exclude(
        pk__in=[a.organisation_id for a in org_accounts]
    )
    query = (request.GET.get("q") or "").strip()
    # A member's account is in the member's community; saying so lets the database read
    # members in name order from their index and stop at the page (no sort of them all).
    members = Account.objects.filter(
        community=community, kind=Account.Kind.MEMBER, member__community=community
    ).select_related("member")
    if query:
        members = members.filter(
            Q(member__display_name__icontains=query)
            | Q(number__icontains=clean_account_number(query))
        )
    page = CappedPaginator(members.order_by("member__display_name", "member_id"), 50).get_page(
        request.GET.get("page")
    )
    # Everyone's balances: one view event per member shown on this page.
    record_list_view(
        [a.member for a in page.object_list],
        viewer=request.user,
        reason="Viewed their balance in the accounts list",
    )
    return render(
        request,
        "timebank/accounts.html",
        {
            "community": community,
            "shared": [pool, *([clearing] if clearing else [])],
            "clearing": clearing,
            "org_accounts": org_accounts,
            "without_account": without_account.order_by("name"),
            "page": page,
            "query": query,
            "can_manage": can_manage,
            "page_title": _("Time bank accounts"),
        },
    )


@login_required
@require_POST
def clearing_open(request, slug: str):
    community = community_for(request, slug)
    actions.open_clearing_account(by=request.user, community=community)
    messages.success(
        request,
        _(
            "The clearing account is open. Members can now give credits to people in other "
            "communities that have one too."
        ),
    )
    return redirect("timebank_accounts", slug=community.slug)


@login_required
@require_POST
def organisation_account_open(request, slug: str, organisation_id: int):
    community = community_for(request, slug)
    organisation = get_object_or_404(Organisation, pk=organisation_id, communities=community)
    try:
        account = actions.open_organisation_account(
            by=request.user, community=community, organisation=organisation
        )
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s has a time bank account: %(number)s.")
            % {"name": organisation.name, "number": account.number},
        )
    return redirect("timebank_accounts", slug=community.slug)


@login_required
def account_settings(request, slug: str, number: str):
    community = community_for(request, slug)
    # Permission first: someone who may not manage accounts learns nothing, not even
    # whether the number exists.
    policy.require(request.user, "timebank.manage_accounts", community)
    account = get_object_or_404(
        Account.objects.select_related("member", "organisation"),
        number=clean_account_number(number),
        community=community,
    )
    policy.require(request.user, "timebank.manage_accounts", community, account)
    if account.member is not None and request.method == "GET":
        record_view(account.member, viewer=request.user, reason="Viewed their time bank account")
    form = LimitsForm(
        request.POST if request.POST.get("do") == "limits" else None,
        initial=LimitsForm.initial_for(account),
    )
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "limits":
                if form.is_valid():
                    actions.set_limits(
                        by=request.user,
                        account=account,
                        lower_limit=form.cleaned_data["lower_limit"],
                        upper_limit=form.cleaned_data["upper_limit"],
                    )
                    messages.success(request, _("Limits saved."))
                    return redirect("timebank_account_settings", slug=slug, number=account.number)
            elif do in ("close", "reopen"):
                change = actions.close_account if do == "close" else actions.reopen_account
                try:
                    change(by=request.user, account=account)
                except REFUSALS as exc:
                    show_error(request, exc)
                else:
                    messages.success(
                        request,
                        _("The account is closed. Its history is kept.")
                        if do == "close"
                        else _("The account is open again."),
                    )
                return redirect("timebank_account_settings", slug=slug, number=account.number)
        except REFUSALS as exc:
            add_errors(
                form, exc, {"lower_limit": "may_owe", "upper_limit": "may_hold", "account": None}
            )
    return render(
        request,
        "timebank/account_settings.html",
        {
            "community": community,
            "account": account,
            "form": form,
            "page_title": _("Account settings: %(name)s") % {"name": account.label},
        },
    )


def _month(year_month: str):
    """ "2026-11" as the first day of that month."""
    from datetime import date

    year, month = year_month.split("-")[:2]
    return date(int(year), int(month), 1)
