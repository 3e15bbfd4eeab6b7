"""Fridge pages: the map and table of every fridge's state, a fridge's page (state,
house rules, recent reports, rota), the report and deposit forms behind the fridge's
public link (no login), the printable food-safety log, the rota, and the settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampung import exports, policy
from kampung.communities.models import Community
from kampung.errors import REFUSALS
from kampung.fridges import actions, queries, state
from kampung.fridges.forms import (
    DepositForm,
    FridgeForm,
    LogPeriodForm,
    PublicReportForm,
    ReportForm,
    ResolveForm,
    SlotsForm,
)
from kampung.fridges.links import limit_public_writes
from kampung.fridges.models import Alert, Fridge, Slot
from kampung.fridges.photos import clean_photo
from kampung.web import (
    add_errors,
    community_for,
    pick_map_context,
    public_url,
    show_error,
    tile_context,
)
from kampung.workshops.qr import qr_svg


def _fridge(request, slug: str, fridge_id: int, action: str = "fridge.view") -> Fridge:
    community = community_for(request, slug)
    fridge = get_object_or_404(
        queries.visible_fridges(request.user, community).select_related("asset", "host"),
        pk=fridge_id,
    )
    policy.require(request.user, action, community, fridge)
    return fridge


def report_link(request, fridge: Fridge) -> str:
    return public_url(request, reverse("fridge_public", args=[fridge.community.slug, fridge.token]))


@login_required
def fridge_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "fridge.view", community)
    rows = queries.states(queries.visible_fridges(request.user, community))
    return render(
        request,
        "fridges/list.html",
        {
            "community": community,
            "rows": rows,
            "map_rows": [r for r in rows if r["lat"] is not None][:2000],
            "may_add": policy.can(request.user, "fridge.create", community),
            "levels": [state.look(f, timezone.now(), timezone.now()) for f in state.FILL_LEVELS],
            **tile_context(),
            "page_title": _("Community fridges"),
        },
    )


@login_required
def fridge_detail(request, slug: str, fridge_id: int):
    fridge = _fridge(request, slug, fridge_id)
    community = fridge.community
    today = timezone.localdate()
    now = timezone.now()
    user = request.user
    me = policy.membership(user, community)
    rota = queries.rota(fridge, today)
    return render(
        request,
        "fridges/detail.html",
        {
            "community": community,
            "fridge": fridge,
            "look": state.look(fridge.fill, fridge.last_report_at, now),
            "ago": state.ago_words(fridge.last_report_at, now),
            "reports": fridge.reports.defer("photo").order_by("-created_at")[:10],
            "photo_ids": set(
                fridge.reports.filter(photo__isnull=False).values_list("pk", flat=True)[:10]
            ),
            "open_alerts": fridge.alerts.filter(resolved_at=None)[:10],
            "rota": rota,
            "today": today,
            "me": me,
            "may_edit": policy.can(user, "fridge.edit", community, fridge),
            "may_log": policy.can(user, "fridge.view_log", community, fridge),
            "may_resolve": policy.can(user, "fridge.resolve_alert", community, fridge),
            "may_sign_up": policy.can(user, "fridge.sign_up", community),
            "may_confirm": policy.can(user, "fridge.confirm_check", community),
            "report_url": reverse("fridge_public", args=[community.slug, fridge.token]),
            "check_form": ReportForm(auto_id="check_%s"),
            "resolve_form": ResolveForm(),
            "slots_form": SlotsForm(initial={"first_day": today, "days": 7}),
            "page_title": fridge.name,
        },
    )


@login_required
def fridge_photo(request, slug: str, fridge_id: int, report_id: int):
    fridge = _fridge(request, slug, fridge_id)
    report = get_object_or_404(fridge.reports.filter(photo__isnull=False), pk=report_id)
    response = HttpResponse(bytes(report.photo), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _fridge_form_initial(fridge: Fridge) -> dict:
    from kampung.assets.hours import format_opening_hours

    asset = fridge.asset
    return {
        "name": asset.name,
        "subtype": asset.subtype,
        "description": asset.description,
        "lat": asset.lat,
        "lng": asset.lng,
        "always_open": fridge.always_open,
        "opening_hours": "" if fridge.always_open else format_opening_hours(asset.opening_hours),
        "rules": "\n".join(fridge.rules),
        "prepared_food_days": fridge.prepared_food_days,
        "credit_minutes": fridge.credit_minutes,
        "visibility": asset.visibility,
        "host": fridge.host_id,
    }


@login_required
def fridge_create(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "fridge.create", community)
    from kampung.fridges.models import DEFAULT_RULES

    form = FridgeForm(
        request.POST or None,
        community=community,
        initial={"rules": "\n".join(DEFAULT_RULES), "subtype": "Community fridge"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            fridge = actions.add_fridge(by=request.user, community=community, **data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” is on the map.") % {"name": fridge.name})
            return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)
    return render(
        request,
        "fridges/form.html",
        {
            "community": community,
            "form": form,
            **pick_map_context(None, None, fallback=community),
            "page_title": _("Add a community fridge or pantry"),
        },
    )


@login_required
def fridge_settings(request, slug: str, fridge_id: int):
    fridge = _fridge(request, slug, fridge_id, "fridge.edit")
    community = fridge.community
    may_change_host = policy.can(request.user, "fridge.create", community)
    form = FridgeForm(
        request.POST or None,
        community=community,
        may_change_host=may_change_host,
        initial=_fridge_form_initial(fridge),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_fridge(by=request.user, fridge=fridge, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)
    return render(
        request,
        "fridges/form.html",
        {
            "community": community,
            "fridge": fridge,
            "form": form,
            **pick_map_context(fridge.asset.lat, fridge.asset.lng, fallback=community),
            "page_title": _("Settings of %(name)s") % {"name": fridge.name},
        },
    )


@login_required
def fridge_poster(request, slug: str, fridge_id: int):
    """A page to print and stick on the fridge: its QR code, link and house rules."""
    fridge = _fridge(request, slug, fridge_id, "fridge.edit")
    link = report_link(request, fridge)
    return render(
        request,
        "fridges/poster.html",
        {
            "community": fridge.community,
            "fridge": fridge,
            "link": link,
            "qr": qr_svg(link),
            "page_title": fridge.name,
        },
    )


# --- The public link (no login) ---------------------------------------------------------------


def _public_fridge(slug: str, token: str) -> Fridge:
    fridge = (
        Fridge.objects.select_related("asset", "community")
        .filter(token=token, community__slug=slug)
        .first()
    )
    if fridge is None:
        raise Http404
    fridge.community.use_local_time()
    return fridge


def fridge_public(request, slug: str, token: str):
    """The fridge's QR link: report its state in a few taps, with or without an account."""
    fridge = _public_fridge(slug, token)
    form = PublicReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        limit_public_writes(request, fridge)
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("photo", None)
            try:
                photo = clean_photo(upload) if upload else None
                actions.report_state(
                    by=request.user, fridge=fridge, token=token, photo=photo, **data
                )
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                if state.too_warm(fridge.temperature_c):
                    messages.warning(
                        request,
                        _(
                            "%(t)s °C is too warm: food in it may not be safe. "
                            "The fridge's volunteers have been told."
                        )
                        % {"t": f"{fridge.temperature_c:g}"},
                    )
                messages.success(request, _("Thank you! The map now shows what you saw."))
                return redirect("fridge_public", slug=slug, token=token)
    return render(
        request,
        "fridges/public.html",
        {
            "fridge": fridge,
            "form": form,
            "look": state.look(fridge.fill, fridge.last_report_at, timezone.now()),
            "ago": state.ago_words(fridge.last_report_at, timezone.now()),
            "page_title": fridge.name,
        },
    )


def fridge_deposit(request, slug: str, token: str):
    """Leaving food: what kind, how much, its use-by date. No login needed."""
    fridge = _public_fridge(slug, token)
    form = DepositForm(request.POST or None)
    if request.method == "POST":
        limit_public_writes(request, fridge)
        if form.is_valid():
            try:
                actions.record_deposit(
                    by=request.user, fridge=fridge, token=token, **form.cleaned_data
                )
            except REFUSALS as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Thank you for sharing food!"))
                return redirect("fridge_public", slug=slug, token=token)
    return render(
        request,
        "fridges/deposit.html",
        {
            "fridge": fridge,
            "form": form,
            "page_title": _("Leave food at %(name)s") % {"name": fridge.name},
        },
    )


def fridge_feed(request, slug: str):
    """The open feed: every public fridge's state as JSON, for other apps. No login, no
    personal data."""
    community = get_object_or_404(Community, slug=slug)
    response = HttpResponse(queries.feed_json(community), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response


# --- The food-safety log --------------------------------------------------------------------


def _period(request) -> tuple[LogPeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    default_first = today - dt.timedelta(days=27)
    form = LogPeriodForm(request.GET or None, initial={"first": default_first, "last": today})
    first, last = default_first, today
    if request.GET and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        if first > last:
            form.add_error("first", _("The first day must be before the last."))
            first, last = default_first, today
        elif (last - first).days > 366:
            form.add_error("first", _("Choose at most a year."))
            first, last = default_first, today
    return form, first, last


def _log_details(row: dict) -> str:
    parts = [row["condition"]] if row["condition"] else []
    if row["by"]:
        parts.append(_("done by %(name)s") % {"name": row["by"]})
    if row["is_check"] and row["day"]:
        parts.append(
            _("confirmed by %(name)s") % {"name": row["confirmed_by"]}
            if row["confirmed_by"]
            else _("not confirmed yet")
        )
    return "; ".join(parts)


@login_required
def fridge_log(request, slug: str, fridge_id: int):
    fridge = _fridge(request, slug, fridge_id, "fridge.view_log")
    form, first, last = _period(request)
    readings, alerts = queries.log_table(fridge, first, last)
    if request.GET.get("format") == "csv":
        rows = [
            (
                timezone.localtime(r["when"]).strftime("%Y-%m-%d %H:%M"),
                _("Check and clean") if r["is_check"] else _("Report"),
                "" if r["temperature_c"] is None else r["temperature_c"],
                _log_details(r),
                "",
            )
            for r in readings
        ] + [
            (
                timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
                a.get_kind_display(),
                "",
                a.text,
                a.action_taken,
            )
            for a in alerts
        ]
        rows.sort(key=lambda row: row[0])
        return exports.csv_response(
            f"food-safety-log-{fridge.pk}-{first}-{last}.csv",
            [_("When"), _("What"), _("Temperature °C"), _("Details"), _("What was done")],
            rows,
        )
    return render(
        request,
        "fridges/log.html",
        {
            "community": fridge.community,
            "fridge": fridge,
            "form": form,
            "first": first,
            "last": last,
            "readings": readings,
            "alerts": alerts,
            "safe_max": state.SAFE_MAX_C,
            "page_title": _("Food-safety log of %(name)s") % {"name": fridge.name},
        },
    )


@login_required
@require_POST
def fridge_alert_resolve(request, slug: str, fridge_id: int, alert_id: int):
    fridge = _fridge(request, slug, fridge_id)
    alert = get_object_or_404(Alert, pk=alert_id, fridge=fridge)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was done, for example “Threw the rice away”."))
    else:
        try:
            actions.resolve_alert(by=request.user, alert=alert, **form.cleaned_data)
        except REFUSALS as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Noted in the food-safety log. Thank you."))
    return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)


# --- The rota ------------------------------------------------------------------------------


def _slot(request, slug, fridge_id, slot_id) -> tuple[Fridge, Slot]:
    fridge = _fridge(request, slug, fridge_id)
    return fridge, get_object_or_404(
        Slot.objects.select_related("fridge", "community"), pk=slot_id, fridge=fridge
    )


@login_required
@require_POST
def fridge_slots_add(request, slug: str, fridge_id: int):
    fridge = _fridge(request, slug, fridge_id)
    form = SlotsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the first day and how many days."))
    else:
        try:
            actions.open_slots(by=request.user, fridge=fridge, **form.cleaned_data)
        except REFUSALS as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("The rota has new days for volunteers to take."))
    return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)


@login_required
@require_POST
def fridge_slot_sign_up(request, slug: str, fridge_id: int, slot_id: int):
    fridge, slot = _slot(request, slug, fridge_id, slot_id)
    try:
        actions.sign_up(by=request.user, slot=slot)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _(
                "Thank you! You check and clean %(name)s on %(day)s. "
                "We remind you the evening before."
            )
            % {"name": fridge.name, "day": date_format(slot.day, "l j F")},
        )
    return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)


@login_required
@require_POST
def fridge_slot_leave(request, slug: str, fridge_id: int, slot_id: int):
    fridge, slot = _slot(request, slug, fridge_id, slot_id)
    try:
        actions.leave_slot(by=request.user, slot=slot)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("You are no longer down for that day."))
    return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)


@login_required
def fridge_slot_done(request, slug: str, fridge_id: int, slot_id: int):
    """ "I did the check": how full, how it is, the temperature."""
    fridge, slot = _slot(request, slug, fridge_id, slot_id)
    policy.require(request.user, "fridge.record_check", fridge.community, slot)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_check(by=request.user, slot=slot, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc, {"slot": None})
        else:
            messages.success(request, _("Thank you for checking %(name)s!") % {"name": fridge.name})
            return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)
    return render(
        request,
        "fridges/check.html",
        {
            "community": fridge.community,
            "fridge": fridge,
            "slot": slot,
            "form": form,
            "page_title": _("I did the check"),
        },
    )


@login_required
@require_POST
def fridge_slot_confirm(request, slug: str, fridge_id: int, slot_id: int):
    fridge, slot = _slot(request, slug, fridge_id, slot_id)
    try:
        slot = actions.confirm_check(by=request.user, slot=slot)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        if slot.credit_transaction_id:
            messages.success(
                request,
                _("Confirmed: %(minutes)d minutes of time credit sent from the community pool.")
                % {"minutes": fridge.credit_minutes},
            )
        else:
            messages.success(request, _("Confirmed."))
    return redirect("fridge_detail", slug=slug, fridge_id=fridge.pk)
