"""Time bank pages: my credits, recording and confirming exchanges, giving, statements
(with CSV), and for community developers the pool, corrections, the ledger and reports.
Each view validates, calls one action, and renders."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.people.models import Member
from kampung.timebank import actions, queries
from kampung.timebank.forms import AllocationForm, ExchangeForm, GiftForm, KeyedForm, ReverseForm
from kampung.timebank.ledger import format_minutes
from kampung.timebank.models import Account, Exchange, Transaction
from kampung.views import community_for


def _me(request, community) -> Member:
    me = policy.membership(request.user, community)
    if me is None:
        raise PermissionDenied("timebank.use")
    policy.require(request.user, "timebank.use", community)
    return me


def _errors_to_form(form, exc: ValidationError, aliases: dict | None = None) -> None:
    aliases = aliases or {}
    for field, errors in exc.message_dict.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


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
        "waiting": waiting,
        "page_title": _("Time bank"),
        "key_form": KeyedForm(),
    }
    if policy.can(request.user, "timebank.view_ledger", community):
        context["pool"] = actions.pool_account(community)
        context["for_others"] = [
            (e, side)
            for e in Exchange.objects.filter(community=community, status=Exchange.Status.PENDING)
            .select_related("provider", "receiver")
            .order_by("created_at")[:50]
            for side, person, done in (
                ("provider", e.provider, e.provider_confirmed_at),
                ("receiver", e.receiver, e.receiver_confirmed_at),
            )
            if done is None and not person.has_device
        ]
    context["can_report"] = policy.can(request.user, "timebank.view_reports", community)
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
        except ValidationError as exc:
            _errors_to_form(
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
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
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


@login_required
@require_POST
def exchange_decline(request, slug: str, exchange_id: int):
    return _exchange_decision(
        request, slug, exchange_id, actions.decline_exchange, _("Declined. Nothing was moved.")
    )


@login_required
def give(request, slug: str):
    community = community_for(request, slug)
    me = _me(request, community)
    account = actions.account_for_member(me)
    form = GiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["to"] == "pool":
                target = actions.pool_account(community)
            else:
                target = actions.find_account(data["to_account"])
            tx = actions.give_credits(
                by=request.user,
                community=community,
                to_account=target,
                minutes=data["total_minutes"],
                note=data["note"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, {"minutes": "hours"})
        else:
            messages.success(
                request,
                _("You gave %(time)s to %(name)s.")
                % {"time": format_minutes(data["total_minutes"]), "name": target.label},
            )
            return redirect("timebank_transaction", slug=community.slug, transaction_id=tx.pk)
    return render(
        request,
        "timebank/form.html",
        {
            "community": community,
            "form": form,
            "account": account,
            "page_title": _("Give credits"),
            "lead": _(
                "Give some of your time credits to someone else — a friend, or a relative "
                "in another community that uses Kampung — or to the community pool, from "
                "which community developers help people who need it."
            ),
            "submit": _("Give credits"),
        },
    )


def _account_or_404(request, community, number: str) -> Account:
    account = get_object_or_404(
        Account.objects.select_related("member", "organisation"),
        number=number.upper(),
        community=community,
    )
    if not policy.can(request.user, "timebank.view_statement", community, account):
        raise Http404
    return account


@login_required
def statement(request, slug: str, number: str):
    community = community_for(request, slug)
    account = _account_or_404(request, community, number)
    if request.GET.get("format") == "csv":
        return _statement_csv(account)
    page = Paginator(queries.statement_lines(account), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/statement.html",
        {
            "community": community,
            "account": account,
            "page": page,
            "page_title": _("Statement: %(name)s") % {"name": account.label},
        },
    )


def _statement_csv(account: Account) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-{account.number}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    for line in queries.statement_lines(account, newest_first=False):
        writer.writerow(
            [
                line["date"].isoformat(),
                line["transaction_id"],
                line["kind"],
                _csv_safe(line["counterparty"]),
                _csv_safe(line["description"]),
                _csv_safe(line["reason"]),
                line["amount_minutes"],
                line["balance_after_minutes"],
                format_minutes(line["amount_minutes"], signed=True),
                format_minutes(line["balance_after_minutes"]),
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


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
            except ValidationError as exc:
                _errors_to_form(form, exc, {"transaction": None})
            else:
                messages.success(request, _("Reversed. The correction is linked to the original."))
                return redirect(
                    "timebank_transaction", slug=community.slug, transaction_id=reversal.pk
                )
    postings = tx.postings.select_related(
        "account__member", "account__organisation", "account__community"
    )
    staff = policy.can(request.user, "timebank.view_ledger", community)
    return render(
        request,
        "timebank/transaction.html",
        {
            "community": community,
            "tx": tx,
            "postings": [
                {
                    "label": p.account.label,
                    "where": p.account.community.name,
                    "amount": format_minutes(p.amount, signed=True),
                    "number": p.account.number,
                    "linked": staff and p.account.community_id == community.pk,
                }
                for p in postings
            ],
            "reversed_by": Transaction.objects.filter(reverses=tx).first(),
            "form": form,
            "page_title": _("Entry #%(id)s") % {"id": tx.pk},
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
        except ValidationError as exc:
            _errors_to_form(form, exc, {"minutes": "hours"})
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
    transactions = Transaction.objects.filter(postings__account__community=community).distinct()
    page = Paginator(transactions.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timebank/ledger.html",
        {"community": community, "page": page, "page_title": _("Time bank ledger")},
    )


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
                "label": m["month"][5:],
                "value": format_minutes(m["minutes"]),
                "month": m["month"],
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
