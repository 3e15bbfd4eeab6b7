"""What makes an asset valid: the rules adding one by hand, changing one, and each row of
a spreadsheet import are all checked against (kampung.assets.actions and
kampung.assets.importing both use them; this module imports neither)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kampung.assets.models import Asset
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


def asset_problems(asset: Asset) -> dict[str, list[str]]:
    """Everything wrong with `asset` as it stands (unsaved or changed), by field, without
    saving. The spreadsheet import reports these per row; _validate raises them."""
    errors: dict[str, list[str]] = {}
    if asset.location_kind == Asset.LocationKind.POINT and (asset.lat is None or asset.lng is None):
        errors["lat"] = [_("Give the place on the map (latitude and longitude).")]
    unknown = [a for a in asset.accessibility if a not in ACCESSIBILITY]
    if unknown:
        errors["accessibility"] = [
            _("Unknown accessibility feature: %(v)s.") % {"v": ", ".join(map(str, unknown))}
        ]
    unknown = [code for code in asset.languages if code not in LANGUAGE_NAMES]
    if unknown:
        errors["languages"] = [_("Unknown language: %(v)s.") % {"v": ", ".join(map(str, unknown))}]
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
            errors[field] = [_("The steward must belong to this community.")]
    if errors:
        return errors
    try:
        validate_opening_hours(asset.opening_hours)
        # import_key uniqueness is the importer's to keep (it looks keys up first); checking
        # the constraint here would cost a query per spreadsheet row.
        # The community comes from the URL and last_verified_by from the action, both
        # already looked up; checking again that they exist costs a query per import row.
        asset.full_clean(exclude=["tags", "import_key", "community", "last_verified_by"])
    except ValidationError as exc:
        return exc.message_dict
    return {}
