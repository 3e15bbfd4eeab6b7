"""Writes of this app: verb-named, atomic, keyword-only (by=), each calling kampung.policy.

A fridge is an asset in the register: `add_fridge` and `change_fridge` write the asset
through kampung.assets.actions (never directly), so the register, the asset map and
its history stay in step. Reports and deposits from the fridge's public link pass
`token=` instead of a permission: the link is the credential, and nothing about the
person is stored. A warm reading, food past its date or a missed daily check becomes an
`Alert` once (its `key` is unique) and tells the fridge's rota and host."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets import actions as assets
from kampung.assets.hours import HoursError, parse_opening_hours
from kampung.assets.models import Asset, Category
from kampung.errors import Conflict, Invalid, NotFound
from kampung.fridges import queries, state
from kampung.fridges.models import (
    RULE_MAX,
    RULES_MAX,
    SUBTYPES,
    Alert,
    Condition,
    Deposit,
    Fill,
    Fridge,
    Report,
    Slot,
)
from kampung.notices import actions as notices
from kampung.people.models import Member
from kampung.timebank import actions as timebank

ALWAYS_OPEN = [{"day": d, "opens": "00:00", "closes": "23:59"} for d in range(7)]
ROTA_DAYS_AHEAD = 60
# Who counts as "the rota" for alerts: volunteers with a slot in this window around today.
ROTA_WINDOW = dt.timedelta(days=14)


# --- Fridges in the register ---------------------------------------------------------------


def _hours(always_open: bool, opening_hours: Any) -> list[dict]:
    if always_open:
        return list(ALWAYS_OPEN)
    if isinstance(opening_hours, str):
        try:
            return parse_opening_hours(opening_hours)
        except HoursError as exc:
            raise Invalid({"opening_hours": str(exc)}) from None
    return list(opening_hours or [])


def _rules(rules: Any) -> list[str]:
    if isinstance(rules, str):
        rules = rules.splitlines()
    cleaned = [" ".join(str(r).split()) for r in rules or []]
    cleaned = list(dict.fromkeys(r for r in cleaned if r))
    if len(cleaned) > RULES_MAX:
        raise Invalid({"rules": _("Keep the list to at most %(n)d lines.") % {"n": RULES_MAX}})
    if any(len(r) > RULE_MAX for r in cleaned):
        raise Invalid({"rules": _("Keep each line under %(n)d characters.") % {"n": RULE_MAX}})
    return cleaned


def _host_in(community, host) -> Member | None:
    if host is None or host == "":
        return None
    host_id = getattr(host, "pk", host)
    try:
        return Member.objects.get(pk=int(host_id), community=community, is_active=True)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Invalid({"host": _("Choose a host from this community.")}) from None


def _clean_fridge(fridge: Fridge) -> None:
    try:
        fridge.full_clean(exclude=["community", "asset", "host", "token"])
    except ValidationError as exc:
        raise Invalid(exc.message_dict) from None


@transaction.atomic
def add_fridge(
    *,
    by,
    community,
    name: str,
    lat: float | None,
    lng: float | None,
    subtype: str = SUBTYPES[0],
    description: str = "",
    host=None,
    always_open: bool = False,
    opening_hours: Any = "",
    rules: Any = None,
    prepared_food_days: int = state.PREPARED_DAYS_DEFAULT,
    credit_minutes: int = 0,
    visibility: str = Asset.Visibility.PUBLIC,
) -> Fridge:
    """A new fridge or pantry: one place asset in the register, and its fridge row."""
    from kampung.fridges.models import DEFAULT_RULES

    policy.require(by, "fridge.create", community)
    if subtype not in SUBTYPES:
        raise Invalid({"subtype": _("Choose a community fridge or a community pantry.")})
    if lat is None or lng is None:
        raise Invalid({"lat": _("Tap the map where the fridge is.")})
    host_member = _host_in(community, host)
    fridge = Fridge(
        community=community,
        host=host_member,
        always_open=bool(always_open),
        rules=_rules(DEFAULT_RULES if rules is None else rules),
        prepared_food_days=prepared_food_days,
        credit_minutes=credit_minutes,
    )
    _clean_fridge(fridge)
    fridge.asset = assets.add_asset(
        by=by,
        community=community,
        name=name,
        category=Category.PLACE,
        subtype=subtype,
        description=description,
        lat=lat,
        lng=lng,
        opening_hours=_hours(bool(always_open), opening_hours),
        visibility=visibility,
        steward_member=host_member,
    )
    fridge.save()
    queries.feed_changed(community.pk)
    return fridge


ASSET_FIELDS = {"name", "subtype", "description", "lat", "lng", "visibility", "status"}
FRIDGE_FIELDS = {"always_open", "opening_hours", "rules", "prepared_food_days", "credit_minutes"}


@transaction.atomic
def change_fridge(*, by, fridge: Fridge, **fields) -> Fridge:
    """The fridge's settings; what the register holds (name, place, hours, who may see
    it) is changed through kampung.assets.actions.change_asset."""
    policy.require(by, "fridge.edit", fridge.community, fridge)
    unknown = set(fields) - ASSET_FIELDS - FRIDGE_FIELDS - {"host"}
    if unknown:
        raise Invalid({name: _("This cannot be changed here.") for name in unknown})
    if "subtype" in fields and fields["subtype"] not in SUBTYPES:
        raise Invalid({"subtype": _("Choose a community fridge or a community pantry.")})
    asset_changes = {k: v for k, v in fields.items() if k in ASSET_FIELDS}
    if "host" in fields:
        # Who hosts the fridge decides who may change it: a community developer's call.
        if not policy.can(by, "fridge.create", fridge.community):
            raise Invalid({"host": _("Ask a community developer to change the host.")})
        fridge.host = _host_in(fridge.community, fields["host"])
        asset_changes["steward_member"] = fridge.host
    if "always_open" in fields:
        fridge.always_open = bool(fields["always_open"])
    if "always_open" in fields or "opening_hours" in fields:
        asset_changes["opening_hours"] = _hours(
            fridge.always_open, fields.get("opening_hours", fridge.asset.opening_hours)
        )
    if "rules" in fields:
        fridge.rules = _rules(fields["rules"])
    for name in ("prepared_food_days", "credit_minutes"):
        if name in fields:
            setattr(fridge, name, fields[name])
    _clean_fridge(fridge)
    if asset_changes:
        assets.change_asset(by=by, asset=fridge.asset, **asset_changes)
    fridge.save()
    queries.feed_changed(fridge.community_id)
    return fridge


# --- Reports and deposits (from the public link or a member) ----------------------------------


def _allowed(by, fridge: Fridge, token: str | None, action: str) -> Member | None:
    """The public link's token, or a member's permission; the member when logged in."""
    member = policy.membership(by, fridge.community)
    if token is not None:
        if not hmac.compare_digest(str(token), fridge.token):
            raise NotFound(_("This fridge's link is not right: scan the poster again."))
        return member
    policy.require(by, action, fridge.community, fridge)
    return member


def _temperature(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        celsius = float(value)
    except (TypeError, ValueError):
        raise Invalid({"temperature_c": _("Write the temperature as a number, like 4.")}) from None
    if celsius != celsius or not state.reading_in_range(celsius):
        raise Invalid(
            {
                "temperature_c": _(
                    "That temperature cannot be right: write one between -30 and 40 °C."
                )
            }
        )
    return round(celsius, 1)


def _fill(value) -> int:
    try:
        fill = int(value)
    except (TypeError, ValueError):
        fill = -1
    if fill not in Fill.values:
        raise Invalid({"fill": _("Choose how full it is.")})
    return fill


def _condition(value) -> str:
    if value not in Condition.values:
        raise Invalid({"condition": _("Choose how the fridge is.")})
    return value


@transaction.atomic
def report_state(
    *,
    by,
    fridge: Fridge,
    fill,
    condition,
    temperature_c=None,
    photo: bytes | None = None,
    token: str | None = None,
) -> Report:
    """What someone saw at the fridge. `photo` is already cleaned (fridges.photos)."""
    member = _allowed(by, fridge, token, "fridge.report")
    return _write_report(
        fridge=fridge,
        member=member,
        fill=_fill(fill),
        condition=_condition(condition),
        temperature_c=_temperature(temperature_c),
        photo=photo,
    )


def _write_report(*, fridge, member, fill, condition, temperature_c, photo, is_check=False):
    now = timezone.now()
    report = Report.objects.create(
        community=fridge.community,
        fridge=fridge,
        fill=fill,
        condition=condition,
        temperature_c=temperature_c,
        photo=photo,
        member=member,
        is_check=is_check,
        created_at=now,
    )
    Fridge.objects.filter(pk=fridge.pk).update(
        fill=fill, condition=condition, temperature_c=temperature_c, last_report_at=now
    )
    queries.feed_changed(fridge.community_id)
    fridge.fill, fridge.condition, fridge.temperature_c, fridge.last_report_at = (
        fill,
        condition,
        temperature_c,
        now,
    )
    if state.too_warm(temperature_c):
        # At most one warm alert per fridge an hour (the key): every reading is in the
        # log, but a passer-by's link could otherwise send the rota a message per report.
        raise_alert(
            fridge=fridge,
            kind=Alert.Kind.WARM,
            key=f"fridge-warm:{fridge.pk}:{now:%Y%m%d%H}",
            text=_("%(name)s read %(t)s °C: food must stay at 5 °C or colder. Please check it.")
            % {"name": fridge.name, "t": f"{temperature_c:g}"},
        )
    return report


def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid({field: _("Write the date like 2026-12-01.")}) from None


@transaction.atomic
def record_deposit(
    *, by, fridge: Fridge, kind, amount, use_by=None, made_on=None, token: str | None = None
) -> Deposit:
    """Food left in the fridge: what kind, roughly how much, and its use-by date (for
    prepared food, the day it was made). Food already past it is refused."""
    member = _allowed(by, fridge, token, "fridge.report")
    if kind not in Deposit.Kind.values:
        raise Invalid({"kind": _("Choose what kind of food it is.")})
    if amount not in Deposit.Amount.values:
        raise Invalid({"amount": _("Choose roughly how much.")})
    today = timezone.localdate()
    use_by_day, made = _date(use_by, "use_by"), _date(made_on, "made_on")
    if kind == Deposit.Kind.PREPARED:
        use_by_day = None
        if made is None:
            raise Invalid({"made_on": _("Say which day the food was made.")})
        if made > today:
            raise Invalid({"made_on": _("The day it was made cannot be in the future.")})
    else:
        made = None
        if use_by_day is None:
            raise Invalid({"use_by": _("Give the use-by date on the packet.")})
        if use_by_day > today + dt.timedelta(days=5 * 366):
            raise Invalid({"use_by": _("That use-by date is too far away: check the year.")})
    flag = state.flag_date(use_by=use_by_day, made_on=made, prepared_days=fridge.prepared_food_days)
    assert flag is not None
    if flag <= today:
        field = "made_on" if made is not None else "use_by"
        raise Invalid(
            {field: _("This food is past its date: please do not leave it in the fridge.")}
        )
    return Deposit.objects.create(
        community=fridge.community,
        fridge=fridge,
        kind=kind,
        amount=amount,
        use_by=use_by_day,
        made_on=made,
        flag_on=flag,
        member=member,
        created_at=timezone.now(),
    )


# --- The food-safety log -------------------------------------------------------------------


def rota_and_host(fridge: Fridge) -> list[Member]:
    """Who is told about an alert: the volunteers on the fridge's rota around today, and
    the host."""
    today = timezone.localdate()
    ids = set(
        Slot.objects.filter(
            fridge=fridge,
            volunteer__isnull=False,
            day__gte=today - ROTA_WINDOW,
            day__lte=today + ROTA_WINDOW,
        ).values_list("volunteer_id", flat=True)
    )
    if fridge.host_id:
        ids.add(fridge.host_id)
    return list(
        Member.objects.filter(pk__in=ids, is_active=True)
        .select_related("community", "user")
        .order_by("pk")
    )


def alert_recipients(fridge: Fridge) -> list[Member]:
    """Who is told about an alert: the rota and host, and the community's community
    developers (with a login), who must act if the rota does not."""
    from kampung.people.models import Role

    people = {m.pk: m for m in rota_and_host(fridge)}
    staff = (
        Member.objects.filter(
            community_id=fridge.community_id,
            role=Role.COORDINATOR,
            is_active=True,
            user__isnull=False,
        )
        .select_related("community", "user")
        .order_by("pk")
    )
    for member in staff:
        people.setdefault(member.pk, member)
    return [people[pk] for pk in sorted(people)]


def raise_alert(*, fridge: Fridge, kind: str, key: str, text: str) -> Alert | None:
    """An entry in the food-safety log and a message to the rota and host, once per
    `key` (running a job again, or the same report twice, tells nobody twice)."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                community=fridge.community,
                fridge=fridge,
                kind=kind,
                key=key[:120],
                text=text[:300],
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None
    url = reverse("fridge_detail", args=[fridge.community.slug, fridge.pk])
    for person in alert_recipients(fridge):
        notices.notify(
            person,
            text,
            url,
            kind="fridge_alert",
            subject=_("%(name)s needs someone") % {"name": fridge.name},
        )
    return alert


@transaction.atomic
def resolve_alert(*, by, alert: Alert, action_taken: str) -> Alert:
    """What was done about an alert (food thrown away, fridge turned down), for the log."""
    policy.require(by, "fridge.resolve_alert", alert.community, alert)
    action_taken = " ".join((action_taken or "").split())
    if not action_taken:
        raise Invalid({"action_taken": _("Say what was done, for example “Threw the rice away”.")})
    if len(action_taken) > 300:
        raise Invalid({"action_taken": _("Keep it under 300 characters.")})
    if alert.resolved_at is not None:
        raise Conflict(_("Someone has already written what was done."), fields={"action_taken": []})
    alert.action_taken = action_taken
    alert.resolved_at = timezone.now()
    alert.resolved_by = by
    alert.save(update_fields=["action_taken", "resolved_at", "resolved_by"])
    return alert


# --- The check-and-clean rota ----------------------------------------------------------------


@transaction.atomic
def open_slots(*, by, fridge: Fridge, first_day: dt.date, days: int = 7) -> list[Slot]:
    """A check-and-clean slot on each of `days` days from `first_day` (those already
    there are kept as they are)."""
    policy.require(by, "fridge.edit", fridge.community, fridge)
    today = timezone.localdate()
    if first_day < today or first_day > today + dt.timedelta(days=ROTA_DAYS_AHEAD):
        raise Invalid({"first_day": _("Start today or within the next two months.")})
    if not 1 <= days <= 31:
        raise Invalid({"days": _("Add between 1 and 31 days at a time.")})
    out = []
    for i in range(days):
        slot, _created = Slot.objects.get_or_create(
            fridge=fridge,
            day=first_day + dt.timedelta(days=i),
            defaults={"community": fridge.community},
        )
        out.append(slot)
    return out


def _locked_slot(slot: Slot) -> Slot:
    return Slot.objects.select_for_update().select_related("fridge", "community").get(pk=slot.pk)


@transaction.atomic
def sign_up(*, by, slot: Slot) -> Slot:
    policy.require(by, "fridge.sign_up", slot.community, slot)
    slot = _locked_slot(slot)
    if slot.day < timezone.localdate():
        raise Invalid({"slot": _("That day has passed: choose another.")})
    me = policy.membership(by, slot.community)
    if slot.volunteer_id is not None:
        if me is not None and slot.volunteer_id == me.pk:
            return slot
        raise Conflict(
            _("Someone has already taken that day: choose another."), fields={"slot": []}
        )
    slot.volunteer = me
    slot.save(update_fields=["volunteer"])
    return slot


@transaction.atomic
def leave_slot(*, by, slot: Slot) -> Slot:
    policy.require(by, "fridge.record_check", slot.community, slot)
    slot = _locked_slot(slot)
    if slot.done_at is not None:
        raise Invalid({"slot": _("This check is already done.")})
    slot.volunteer = None
    slot.save(update_fields=["volunteer"])
    return slot


@transaction.atomic
def record_check(*, by, slot: Slot, fill, condition, temperature_c=None) -> Slot:
    """ "I did the check": the volunteer whose slot it is, on the day or the day after.
    The check is also a report of the fridge's state."""
    policy.require(by, "fridge.record_check", slot.community, slot)
    slot = _locked_slot(slot)
    today = timezone.localdate()
    if slot.day > today:
        raise Invalid({"slot": _("This check is on a later day: do it on the day.")})
    if slot.day < today - dt.timedelta(days=1):
        raise Invalid({"slot": _("This check was more than a day ago: ask the host to note it.")})
    if slot.done_at is not None:
        raise Conflict(_("This check is already done. Thank you!"), fields={"slot": []})
    _write_report(
        fridge=slot.fridge,
        member=policy.membership(by, slot.community),
        fill=_fill(fill),
        condition=_condition(condition),
        temperature_c=_temperature(temperature_c),
        photo=None,
        is_check=True,
    )
    slot.done_at = timezone.now()
    slot.save(update_fields=["done_at"])
    return slot


@transaction.atomic
def confirm_check(*, by, slot: Slot) -> Slot:
    """A community developer confirms a done check; if the fridge gives time credits for
    a check, they are posted now.

    Why this is legitimate: credits are never created, they move from the community's
    pool (timebank.allocate_from_pool, the existing verb for "the community thanks
    someone"), and that verb is a staff power that refuses the staff member's own
    account. So the volunteer never credits themselves: their "I did the check" is the
    evidence, a second person (a community developer, never the volunteer, never for
    their own check — "fridge.confirm_check" and allocate_from_pool both refuse it)
    confirms it, and the posting says which fridge and which day. The idempotency key
    is the slot, so confirming twice (a double tap, a retry) pays once."""
    policy.require(by, "fridge.confirm_check", slot.community, slot)
    slot = _locked_slot(slot)
    if slot.done_at is None:
        raise Invalid({"slot": _("The check has not been done yet.")})
    if slot.confirmed_at is not None:
        raise Conflict(_("This check is already confirmed."), fields={"slot": []})
    fridge = slot.fridge
    if fridge.credit_minutes and slot.volunteer is not None:
        slot.credit_transaction = timebank.allocate_from_pool(
            by=by,
            community=slot.community,
            to_account=timebank.account_for_member(slot.volunteer),
            minutes=fridge.credit_minutes,
            reason=_("Checked and cleaned %(name)s on %(day)s")
            % {"name": fridge.name, "day": slot.day.isoformat()},
            idempotency_key=f"fridge-check-{slot.pk}",
        )
    slot.confirmed_at = timezone.now()
    slot.confirmed_by = by
    slot.save(update_fields=["confirmed_at", "confirmed_by", "credit_transaction"])
    return slot
