"""The API of community fridges, under /api/v1/communities/<slug>/fridges/: the states
of the fridges (as the map shows them), one fridge, adding and changing one, reports and
deposits (by members, or by anyone with the fridge's public token), the food-safety log
and the rota. The open feed for other apps is a page URL (`fridge_feed`,
/c/<slug>/fridges/feed.json), public and without personal data."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kampung import policy
from kampung.api_types import Id
from kampung.assets.models import Asset
from kampung.fridges import actions, queries, state
from kampung.fridges.links import limit_public_writes
from kampung.fridges.models import (
    RULES_MAX,
    SUBTYPES,
    Alert,
    Condition,
    Deposit,
    Fridge,
    Slot,
)
from kampung.web import community_for

router = Router(tags=["community fridges"])


class FridgeStateOut(Schema):
    id: int
    name: str
    kind: str
    lat: float | None
    lng: float | None
    open_24_hours: bool
    fill: int | None
    fill_words: str
    stale: bool
    condition: str | None
    condition_words: str
    temperature_c: float | None
    last_report_at: str | None
    reported: str
    alert: str | None  # "too_warm" while the latest reading is above 5 °C


class FridgeOut(FridgeStateOut):
    rules: list[str]
    prepared_food_days: int
    credit_minutes: int
    host: int | None


class FridgeIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    subtype: str = Field(SUBTYPES[0], json_schema_extra={"enum": list(SUBTYPES)})
    description: str = Field("", max_length=2000)
    lat: float = Field(..., ge=-90, le=90)
    lng: float = Field(..., ge=-180, le=180)
    host: Id | None = None
    always_open: bool = False
    opening_hours: str = Field("", max_length=500, description='e.g. "Mon-Fri 09:00-17:00"')
    rules: list[str] | None = Field(None, max_length=RULES_MAX)
    prepared_food_days: int = Field(state.PREPARED_DAYS_DEFAULT, ge=1, le=14)
    credit_minutes: int = Field(0, ge=0, le=240)
    visibility: str = Field(
        Asset.Visibility.PUBLIC,
        json_schema_extra={"enum": [Asset.Visibility.PUBLIC, Asset.Visibility.MEMBERS]},
    )


class FridgePatch(Schema):
    name: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=2000)
    host: Id | None = None
    always_open: bool = Field(None)
    opening_hours: str = Field(None, max_length=500)
    rules: list[str] = Field(None, max_length=RULES_MAX)
    prepared_food_days: int = Field(None, ge=1, le=14)
    credit_minutes: int = Field(None, ge=0, le=240)


class FridgeReportIn(Schema):
    fill: int = Field(
        ..., ge=0, le=4, description="0 empty, 1 a quarter, 2 half, 3 three quarters, 4 full"
    )
    condition: str = Field(Condition.FINE, json_schema_extra={"enum": Condition.values})
    temperature_c: float | None = Field(None, description="-30 to 40 °C")


class FridgeReportOut(Schema):
    id: int
    fill: int
    condition: str
    temperature_c: float | None
    is_check: bool
    created_at: dt.datetime


class FridgeDepositIn(Schema):
    kind: str = Field(..., json_schema_extra={"enum": Deposit.Kind.values})
    amount: str = Field(..., json_schema_extra={"enum": Deposit.Amount.values})
    use_by: dt.date | None = None
    made_on: dt.date | None = Field(None, description="Prepared food: the day it was made")


class FridgeDepositOut(Schema):
    id: int
    kind: str
    amount: str
    use_by: dt.date | None
    made_on: dt.date | None
    flag_on: dt.date
    created_at: dt.datetime


class FridgeAlertOut(Schema):
    id: int
    kind: str
    text: str
    created_at: dt.datetime
    action_taken: str
    resolved_at: dt.datetime | None


class FridgeLogOut(Schema):
    first: dt.date
    last: dt.date
    readings: list[FridgeReportOut]
    alerts: list[FridgeAlertOut]


class FridgeSlotOut(Schema):
    id: int
    day: dt.date
    volunteer: str | None
    mine: bool
    done: bool
    missed: bool
    confirmed: bool


class FridgeSlotsIn(Schema):
    first_day: dt.date
    days: int = Field(7, ge=1, le=31)


class FridgeResolveIn(Schema):
    action_taken: str = Field(..., min_length=1, max_length=300)


def _fridge(request, slug: str, fridge_id: int, action: str = "fridge.view") -> Fridge:
    community = community_for(request, slug)
    fridge = get_object_or_404(
        queries.visible_fridges(request.user, community).select_related("asset", "community"),
        pk=fridge_id,
    )
    policy.require(request.user, action, community, fridge)
    return fridge


def _fridge_out(fridge: Fridge) -> dict:
    row = queries.states(Fridge.objects.filter(pk=fridge.pk))[0]
    return {
        **row,
        "rules": fridge.rules,
        "prepared_food_days": fridge.prepared_food_days,
        "credit_minutes": fridge.credit_minutes,
        "host": fridge.host_id,
    }


def _slot_out(slot: Slot, me) -> dict:
    return {
        "id": slot.pk,
        "day": slot.day,
        "volunteer": slot.volunteer.display_name if slot.volunteer else None,
        "mine": me is not None and slot.volunteer_id == me.pk,
        "done": slot.done_at is not None,
        "missed": slot.missed,
        "confirmed": slot.confirmed_at is not None,
    }


@router.get("/communities/{slug}/fridges", response=list[FridgeStateOut])
@paginate
def list_fridges(request, slug: str):
    """Every fridge's state as the map shows it (grey, `stale`, after 24 hours)."""
    community = community_for(request, slug)
    policy.require(request.user, "fridge.view", community)
    return queries.states(queries.visible_fridges(request.user, community))


@router.post("/communities/{slug}/fridges", response={201: FridgeOut})
def add_fridge(request, slug: str, payload: FridgeIn):
    community = community_for(request, slug)
    fridge = actions.add_fridge(by=request.user, community=community, **payload.dict())
    return Status(201, _fridge_out(fridge))


@router.get("/communities/{slug}/fridges/{fridge_id}", response=FridgeOut)
def get_fridge(request, slug: str, fridge_id: int):
    return _fridge_out(_fridge(request, slug, fridge_id))


@router.patch("/communities/{slug}/fridges/{fridge_id}", response=FridgeOut)
def change_fridge(request, slug: str, fridge_id: int, payload: FridgePatch):
    fridge = _fridge(request, slug, fridge_id)
    fridge = actions.change_fridge(
        by=request.user, fridge=fridge, **payload.dict(exclude_unset=True)
    )
    return _fridge_out(fridge)


@router.post("/communities/{slug}/fridges/{fridge_id}/reports", response={201: FridgeReportOut})
def report(request, slug: str, fridge_id: int, payload: FridgeReportIn):
    """A member's report (photos: on the fridge's page, through its public link)."""
    fridge = _fridge(request, slug, fridge_id)
    return Status(201, actions.report_state(by=request.user, fridge=fridge, **payload.dict()))


@router.post("/communities/{slug}/fridges/{fridge_id}/deposits", response={201: FridgeDepositOut})
def deposit(request, slug: str, fridge_id: int, payload: FridgeDepositIn):
    fridge = _fridge(request, slug, fridge_id)
    return Status(201, actions.record_deposit(by=request.user, fridge=fridge, **payload.dict()))


@router.post(
    "/communities/{slug}/fridges/public/{token}/reports",
    response={201: FridgeReportOut, 429: dict},
    auth=None,
)
def public_report(request, slug: str, token: str, payload: FridgeReportIn):
    """For anyone holding the fridge's link (its QR poster), no login: the token is the
    only credential. Rate limited per address and per fridge (429 with Retry-After)."""
    fridge = get_object_or_404(
        Fridge.objects.select_related("community", "asset"), token=token, community__slug=slug
    )
    fridge.community.use_local_time()
    limit_public_writes(request, fridge)
    return Status(
        201, actions.report_state(by=request.user, fridge=fridge, token=token, **payload.dict())
    )


@router.get("/communities/{slug}/fridges/{fridge_id}/log", response=FridgeLogOut)
def food_safety_log(
    request, slug: str, fridge_id: int, first: dt.date | None = None, last: dt.date | None = None
):
    """Readings, checks and alerts between two days (at most a year; default 4 weeks)."""
    fridge = _fridge(request, slug, fridge_id, "fridge.view_log")
    last = last or timezone.localdate()
    first = first or last - dt.timedelta(days=27)
    if first > last or (last - first).days > 366:
        from kampung.errors import Invalid

        raise Invalid({"first": "Choose a first day before the last, at most a year apart."})
    readings, alerts = queries.log_entries(fridge, first, last)
    return {"first": first, "last": last, "readings": readings, "alerts": alerts}


@router.post(
    "/communities/{slug}/fridges/{fridge_id}/alerts/{alert_id}/resolve", response=FridgeAlertOut
)
def resolve_alert(request, slug: str, fridge_id: int, alert_id: int, payload: FridgeResolveIn):
    fridge = _fridge(request, slug, fridge_id)
    alert = get_object_or_404(Alert, pk=alert_id, fridge=fridge)
    return actions.resolve_alert(by=request.user, alert=alert, action_taken=payload.action_taken)


@router.get("/communities/{slug}/fridges/{fridge_id}/rota", response=list[FridgeSlotOut])
def rota(request, slug: str, fridge_id: int):
    fridge = _fridge(request, slug, fridge_id)
    me = policy.membership(request.user, fridge.community)
    return [_slot_out(s, me) for s in queries.rota(fridge, timezone.localdate())]


@router.post("/communities/{slug}/fridges/{fridge_id}/rota", response={201: list[FridgeSlotOut]})
def add_rota_days(request, slug: str, fridge_id: int, payload: FridgeSlotsIn):
    fridge = _fridge(request, slug, fridge_id)
    me = policy.membership(request.user, fridge.community)
    slots = actions.open_slots(by=request.user, fridge=fridge, **payload.dict())
    return Status(201, [_slot_out(s, me) for s in slots])


def _slot(request, slug: str, fridge_id: int, slot_id: int) -> Slot:
    fridge = _fridge(request, slug, fridge_id)
    return get_object_or_404(
        Slot.objects.select_related("fridge__asset", "community", "volunteer"),
        pk=slot_id,
        fridge=fridge,
    )


@router.post(
    "/communities/{slug}/fridges/{fridge_id}/rota/{slot_id}/sign-up", response=FridgeSlotOut
)
def sign_up(request, slug: str, fridge_id: int, slot_id: int):
    slot = actions.sign_up(by=request.user, slot=_slot(request, slug, fridge_id, slot_id))
    return _slot_out(slot, policy.membership(request.user, slot.community))


@router.post("/communities/{slug}/fridges/{fridge_id}/rota/{slot_id}/done", response=FridgeSlotOut)
def check_done(request, slug: str, fridge_id: int, slot_id: int, payload: FridgeReportIn):
    slot = actions.record_check(
        by=request.user, slot=_slot(request, slug, fridge_id, slot_id), **payload.dict()
    )
    return _slot_out(slot, policy.membership(request.user, slot.community))


@router.post(
    "/communities/{slug}/fridges/{fridge_id}/rota/{slot_id}/confirm", response=FridgeSlotOut
)
def confirm(request, slug: str, fridge_id: int, slot_id: int):
    slot = actions.confirm_check(by=request.user, slot=_slot(request, slug, fridge_id, slot_id))
    return _slot_out(slot, policy.membership(request.user, slot.community))
