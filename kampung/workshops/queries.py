"""Reading workshop items for the pages and the API (no writes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from kampung.workshops import merging
from kampung.workshops.models import Workshop, WorkshopItem


def item_values(item: WorkshopItem) -> merging.ItemValues:
    return merging.ItemValues(
        name=item.name,
        category=item.category,
        location_kind=item.location_kind,
        lat=item.lat,
        lng=item.lng,
        address=item.address,
        offered_by=item.offered_by,
        description=item.description,
    )


@dataclass
class MergePlan:
    """The items to merge (the one kept first), what merging them suggests, and the
    fields where they differ."""

    items: list[WorkshopItem]
    suggested: merging.ItemValues
    choices: list[merging.Choice]
    fingerprint: str

    @property
    def keep(self) -> WorkshopItem:
        return self.items[0]


def merge_plan(items_by_id: dict[int, WorkshopItem], keep_id: int, other_ids) -> MergePlan:
    """The plan for merging `other_ids` into `keep_id`, from items already read (and
    locked, when a merge follows). Refuses fewer than two items or one not given."""
    others = list(dict.fromkeys(int(i) for i in other_ids if int(i) != int(keep_id)))
    if not others:
        raise ValidationError({"items": _("Choose at least two items to merge.")})
    ids = [int(keep_id), *others]
    if any(i not in items_by_id for i in ids):
        raise ValidationError({"items": _("Some of those items are not on this board.")})
    items = [items_by_id[i] for i in ids]
    values = [item_values(i) for i in items]
    return MergePlan(
        items=items,
        suggested=merging.merge(values),
        choices=merging.choices(values),
        fingerprint=merging.fingerprint(ids, values),
    )


def plan_for(workshop: Workshop, ids) -> MergePlan:
    """The review page's plan: the first item added is kept, the others join it."""
    ids = sorted({int(i) for i in ids})
    if len(ids) < 2:
        raise ValidationError({"items": _("Tick at least two items to merge.")})
    found = {i.pk: i for i in workshop.items.filter(pk__in=ids)}
    return merge_plan(found, ids[0], ids[1:])


def added_by(workshop: Workshop) -> dict[int, str]:
    """Who added each item, in words, counting the items merged into it (and into
    those): {item id: "Siti and Raj"}. Items nobody named are left out."""
    rows = list(
        workshop.items.order_by("created_at", "id").values_list(
            "pk", "merged_into_id", "added_by_name"
        )
    )
    into = {pk: parent for pk, parent, _name in rows}

    def root(pk: int) -> int:
        seen = {pk}
        while into.get(pk) is not None and into[pk] not in seen:
            pk = into[pk]
            seen.add(pk)
        return pk

    names: dict[int, list[str]] = {}
    for pk, _parent, name in rows:
        name = name.strip()
        for target in {pk, root(pk)}:
            found = names.setdefault(target, [])
            if name and name.casefold() not in {n.casefold() for n in found}:
                found.append(name)
    # An item's own name first, then the others in the order they were added.
    own = {pk: name.strip() for pk, _parent, name in rows}
    out = {}
    for pk, found in names.items():
        if own[pk] in found:
            found = [own[pk], *(n for n in found if n != own[pk])]
        if found:
            out[pk] = get_text_list(found, _("and"))
    return out
