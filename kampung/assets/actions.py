"""Writes to the asset register: add, change and check (verify) an asset. Each is one
transaction; bad input raises ValidationError naming the field; nothing is half-written.
Every change is kept as history by the audit log (kampung.audit.signals)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets.models import REVIEW_EVERY, Asset, Tag
from kampung.people.skills import LANGUAGE_NAMES

ACCESSIBILITY = {
    "step_free": "Step-free access",
    "wheelchair": "Wheelchair accessible",
    "accessible_toilet": "Accessible toilet",
    "hearing_loop": "Hearing loop",
    "quiet_space": "Quiet space",
    "large_print": "Large print or easy read",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EDITABLE = {
    "name",
    "category",
    "subtype",
    "description",
    "location_kind",
    "lat",
    "lng",
    "opening_hours",
    "capacity",
    "accessibility",
    "languages",
    "cost",
    "contact",
    "visibility",
    "status",
    "steward_member",
    "steward_organisation",
}


def validate_opening_hours(value) -> None:
    if not isinstance(value, list):
        raise ValidationError({"opening_hours": _("Opening times must be a list.")})
    for i, slot in enumerate(value, start=1):
        ok = (
            isinstance(slot, dict)
            and slot.get("day") in range(7)
            and _TIME.match(str(slot.get("opens", "")))
            and _TIME.match(str(slot.get("closes", "")))
            and slot["opens"] < slot["closes"]
        )
        if not ok:
            raise ValidationError(
                {
                    "opening_hours": _(
                        "Opening time %(n)s needs a day (0 = Monday … 6 = Sunday) and opens/closes "
                        "as HH:MM, opening before closing."
                    )
                    % {"n": i}
                }
            )


def _validate(asset: Asset) -> None:
    errors = {}
    if asset.location_kind == Asset.LocationKind.POINT and (asset.lat is None or asset.lng is None):
        errors["lat"] = _("Give the place on the map (latitude and longitude).")
    unknown = [a for a in asset.accessibility if a not in ACCESSIBILITY]
    if unknown:
        errors["accessibility"] = _("Unknown accessibility feature: %(v)s.") % {
            "v": ", ".join(map(str, unknown))
        }
    unknown = [code for code in asset.languages if code not in LANGUAGE_NAMES]
    if unknown:
        errors["languages"] = _("Unknown language: %(v)s.") % {"v": ", ".join(map(str, unknown))}
    for field in ("steward_member", "steward_organisation"):
        steward = getattr(asset, field)
        if steward is None:
            continue
        same = (
            steward.community_id == asset.community_id
            if field == "steward_member"
            else steward.communities.filter(pk=asset.community_id).exists()
        )
        if not same:
            errors[field] = _("The steward must belong to this community.")
    if errors:
        raise ValidationError(errors)
    validate_opening_hours(asset.opening_hours)
    asset.full_clean(exclude=["tags"])


def _set_tags(asset: Asset, tag_codes) -> None:
    if tag_codes is None:
        return
    codes = list(dict.fromkeys(tag_codes))
    tags = list(Tag.objects.filter(code__in=codes))
    missing = set(codes) - {t.code for t in tags}
    if missing:
        raise ValidationError(
            {"tags": _("Unknown tag: %(v)s.") % {"v": ", ".join(sorted(missing))}}
        )
    asset.tags.set(tags)


@transaction.atomic
def add_asset(*, by, community, tags=None, source=Asset.Source.MANUAL, **fields) -> Asset:
    policy.require(by, "asset.create", community)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if fields.get("category") == "personal":
        # Someone's skills are theirs: private until they choose to share them.
        fields.setdefault("visibility", Asset.Visibility.PRIVATE)
        fields.setdefault("steward_member", policy.membership(by, community))
    asset = Asset(community=community, source=source, **fields)
    asset.last_verified_at = timezone.now()
    asset.last_verified_by = by
    asset.review_due = timezone.localdate() + REVIEW_EVERY
    _validate(asset)
    asset.save()
    _set_tags(asset, tags)
    return asset


@transaction.atomic
def change_asset(*, by, asset: Asset, tags=None, **fields) -> Asset:
    policy.require(by, "asset.edit", asset.community, asset)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        setattr(asset, name, value)
    _validate(asset)
    asset.save()
    _set_tags(asset, tags)
    return asset


@transaction.atomic
def verify_asset(*, by, asset: Asset) -> Asset:
    """Someone checked the asset is still there and right: it is fresh again."""
    policy.require(by, "asset.verify", asset.community, asset)
    asset.last_verified_at = timezone.now()
    asset.last_verified_by = by
    asset.review_due = timezone.localdate() + REVIEW_EVERY
    asset.save(update_fields=["last_verified_at", "last_verified_by", "review_due", "updated_at"])
    return asset
