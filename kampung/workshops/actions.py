"""Writes for asset-mapping workshops. Each is one transaction; bad input raises
ValidationError naming the field (or the item) and nothing is half-written.

Participants are not members: holding the workshop's link is what lets them add items
while it is open. Everything else is the facilitator's (policy rule "workshop.run")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets import actions as asset_actions
from kampung.assets.models import Asset, Category
from kampung.workshops import merging, queries
from kampung.workshops.errors import MergeOutdated
from kampung.workshops.models import MAX_ITEMS, Workshop, WorkshopItem

PER_PARTICIPANT = 100
ITEM_FIELDS = {
    "name",
    "category",
    "description",
    "location_kind",
    "lat",
    "lng",
    "address",
    "offered_by",
}


@transaction.atomic
def open_workshop(*, by, community, title, held_on, venue="", prompt="") -> Workshop:
    policy.require(by, "workshop.run", community)
    import datetime as dt

    from django.utils import timezone

    if isinstance(held_on, str):
        try:
            held_on = dt.date.fromisoformat(held_on)
        except ValueError:
            held_on = None
    latest = timezone.localdate() + dt.timedelta(days=2 * 366)
    if not isinstance(held_on, dt.date) or not (dt.date(2000, 1, 1) <= held_on <= latest):
        raise ValidationError(
            {"held_on": _("Give the date of the event, at most two years from now.")}
        )
    workshop = Workshop(
        community=community,
        title=(title or "").strip(),
        held_on=held_on,
        venue=(venue or "").strip(),
        prompt=(prompt or "").strip(),
        facilitator=by,
    )
    workshop.full_clean()
    workshop.save()
    return workshop


@transaction.atomic
def set_workshop_status(*, by, workshop: Workshop, status: str) -> Workshop:
    policy.require(by, "workshop.run", workshop.community)
    if status not in Workshop.Status.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    workshop.status = status
    workshop.save(update_fields=["status"])
    return workshop


def _clean_item(item: WorkshopItem) -> None:
    errors = {}
    item.name = (item.name or "").strip()
    if not item.name:
        errors["name"] = _("Say what it is, in a few words.")
    if item.category not in Category.values:
        errors["category"] = _("Choose what kind of asset it is.")
    if item.location_kind not in Asset.LocationKind.values:
        errors["location_kind"] = _("Choose where it is: a place, online, or it comes to you.")
    if (item.lat is None) != (item.lng is None):
        errors["lat"] = _("Give both latitude and longitude, or neither.")
    if (
        item.location_kind == Asset.LocationKind.POINT
        and item.lat is None
        and not (item.address or "").strip()
    ):
        errors["address"] = _("Tap the map or type an address or landmark.")
    if errors:
        raise ValidationError(errors)
    if item.location_kind != Asset.LocationKind.POINT:
        item.lat = item.lng = None
    item.full_clean(exclude=["workshop", "merged_into", "published_asset", "added_by_user"])


@transaction.atomic
def add_item(*, workshop: Workshop, participant: str = "", user=None, added_by_name="", **fields):
    """A participant adds something they know about. Only while the workshop is open."""
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    # Lock the workshop row so the item caps hold when a whole room submits at once.
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not workshop.is_open:
        raise ValidationError({"workshop": _("This workshop has closed; thank you for coming.")})
    if workshop.items.count() >= MAX_ITEMS:
        raise ValidationError({"workshop": _("This workshop's board is full.")})
    if participant and workshop.items.filter(participant=participant).count() >= PER_PARTICIPANT:
        raise ValidationError({"workshop": _("You have added the most items one person can.")})
    item = WorkshopItem(
        workshop=workshop,
        participant=participant[:32],
        added_by_user=user if user is not None and user.is_authenticated else None,
        added_by_name=(added_by_name or "").strip()[:100],
        **fields,
    )
    _clean_item(item)
    item.save()
    return item


@transaction.atomic
def withdraw_item(*, workshop: Workshop, participant: str, item_id: int) -> str:
    """A participant takes back something they added, while the facilitator has not
    yet acted on it. Returns its name. Only the participant who added it (the key in
    their browser session) can; nobody else can even tell whether the item exists."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not workshop.is_open:
        raise ValidationError({"workshop": _("This workshop has closed; ask the facilitator.")})
    item = (
        WorkshopItem.objects.select_for_update()
        .filter(workshop=workshop, pk=item_id, participant=participant)
        .exclude(participant="")
        .first()
    )
    if item is None:
        raise ValidationError({"item": _("That is not one of the things you added.")})
    # An item others' entries were merged into carries their contributions too.
    if item.status != WorkshopItem.Status.NEW or item.merged_items.exists():
        raise ValidationError(
            {
                "item": _(
                    "The facilitator has already looked at “%(name)s”; ask them to change it."
                )
                % {"name": item.name}
            }
        )
    name = item.name
    item.delete()
    return name


def _editable(item: WorkshopItem) -> None:
    if item.status in (WorkshopItem.Status.PUBLISHED, WorkshopItem.Status.MERGED):
        raise ValidationError(
            {
                "status": _("“%(name)s” is already on the map or merged; change it there.")
                % {"name": item.name}
            }
        )


@transaction.atomic
def change_item(*, by, item: WorkshopItem, **fields) -> WorkshopItem:
    policy.require(by, "workshop.run", item.workshop.community, item.workshop)
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    item = WorkshopItem.objects.select_for_update().select_related("workshop").get(pk=item.pk)
    _editable(item)
    for name, value in fields.items():
        setattr(item, name, value)
    _clean_item(item)
    item.save()
    return item


MARKABLE = {
    WorkshopItem.Status.NEW,
    WorkshopItem.Status.ACCEPTED,
    WorkshopItem.Status.REJECTED,
}


@transaction.atomic
def mark_items(*, by, workshop: Workshop, item_ids, status: str) -> int:
    """Accept, set aside or move back to new the given items (not published or merged)."""
    policy.require(by, "workshop.run", workshop.community, workshop)
    if status not in MARKABLE:
        raise ValidationError({"status": _("Choose new, accepted or set aside.")})
    items = list(workshop.items.select_for_update().filter(pk__in=list(item_ids)))
    if len(items) != len(set(item_ids)):
        raise ValidationError({"items": _("Some of those items are not on this board.")})
    for item in items:
        _editable(item)
        if item.status != status:
            item.status = status
            item.save(update_fields=["status", "updated_at"])
    return len(items)


@transaction.atomic
def merge_items(
    *, by, workshop: Workshop, keep_id: int, other_ids, picks=None, expected: str = ""
) -> WorkshopItem:
    """Duplicates become one item: the item kept takes the most complete value of each
    field from all of them (kampung.workshops.merging), or the value the facilitator
    picked on the review page (`picks`: field -> option index there). The others are
    marked merged (not deleted), so who added what stays on record. `expected` is the
    review page's fingerprint: if the items changed since, nothing is merged."""
    policy.require(by, "workshop.run", workshop.community, workshop)
    ids = [int(keep_id), *(int(i) for i in other_ids)]
    locked = {i.pk: i for i in workshop.items.select_for_update().filter(pk__in=ids)}
    plan = queries.merge_plan(locked, keep_id, other_ids)
    for item in plan.items:
        _editable(item)
    if expected and expected != plan.fingerprint:
        raise MergeOutdated()
    values = [queries.item_values(i) for i in plan.items]
    try:
        chosen = merging.apply(values, {k: int(v) for k, v in (picks or {}).items()})
    except (KeyError, IndexError, ValueError, TypeError):
        raise ValidationError(
            {"picks": _("Choose one of the values shown for each field.")}
        ) from None
    keep, others = plan.keep, plan.items[1:]
    for name in ("name", "category", "location_kind", "lat", "lng", "address"):
        setattr(keep, name, getattr(chosen, name))
    keep.offered_by = chosen.offered_by[:200]
    keep.description = chosen.description
    _clean_item(keep)
    keep.save()
    for other in others:
        other.status = WorkshopItem.Status.MERGED
        other.merged_into = keep
        other.save(update_fields=["status", "merged_into", "updated_at"])
    return keep


def _asset_description(item: WorkshopItem) -> str:
    parts = [item.description.strip()]
    if item.offered_by:
        parts.append(_("Who offers it: %(who)s") % {"who": item.offered_by})
    if item.address:
        parts.append(_("Address or landmark: %(where)s") % {"where": item.address})
    return "\n\n".join(p for p in parts if p)


@transaction.atomic
def publish_items(*, by, workshop: Workshop) -> list[Asset]:
    """Every accepted item goes into the asset register, with the workshop as its
    source, or none does: an item that still needs a place on the map is named."""
    policy.require(by, "workshop.run", workshop.community, workshop)
    policy.require(by, "asset.create", workshop.community)
    items = list(
        workshop.items.select_for_update()
        .filter(status=WorkshopItem.Status.ACCEPTED)
        .order_by("created_at", "id")
    )
    if not items:
        raise ValidationError({"items": _("Accept some items first; there is nothing to publish.")})
    unplaced = [
        i.name for i in items if i.location_kind == Asset.LocationKind.POINT and i.lat is None
    ]
    if unplaced:
        raise ValidationError(
            {
                "items": _(
                    "Put these on the map first (edit them and tap the map), or mark them "
                    "online or “comes to you”: %(names)s."
                )
                % {"names": ", ".join(f"“{n}”" for n in unplaced)}
            }
        )
    published = []
    for item in items:
        fields = {
            "name": item.name,
            "category": item.category,
            "description": _asset_description(item),
            "location_kind": item.location_kind,
            "lat": item.lat,
            "lng": item.lng,
        }
        if item.category == Category.PERSONAL:
            # Someone named at a workshop has not agreed to anything yet: the asset is
            # private, with no steward, until they claim and share it.
            fields.update(steward_member=None, visibility=Asset.Visibility.PRIVATE)
        asset = asset_actions.add_asset(
            by=by, community=workshop.community, source=Asset.Source.WORKSHOP, **fields
        )
        item.published_asset = asset
        item.status = WorkshopItem.Status.PUBLISHED
        item.save(update_fields=["published_asset", "status", "updated_at"])
        published.append(asset)
    return published
