"""Writes to the asset register: add, change and check (verify) an asset. Each is one
transaction; bad input raises ValidationError naming the field; nothing is half-written.
Every change is kept as history by the audit log (kampung.audit.signals)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets import importing
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


def _validate(asset: Asset) -> None:
    errors = asset_problems(asset)
    if errors:
        raise ValidationError(errors)


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


class ImportRefused(Exception):
    """The whole file was asked for and some rows have problems: nothing was written."""

    def __init__(self, plan: importing.Plan):
        super().__init__(
            _("%(n)s rows have problems, so nothing was imported.") % {"n": plan.with_problems}
        )
        self.plan = plan


IMPORT_MODES = ("all", "valid_only")


def import_assets(
    *, by, community, rows: importing.Parsed, mode: str = "all", dry_run: bool = False
) -> importing.Plan:
    """Import a spreadsheet read by importing.read. mode "all" writes every row or, if any
    row has a problem, nothing (ImportRefused); "valid_only" writes the rows without
    problems and skips the others. Rows are matched to assets by id, external id or
    name-kind-place, so importing the same file again adds nothing. With dry_run, only
    says what would happen. One transaction; each asset created or changed is in the
    audit log, and the import itself is one more entry."""
    policy.require(by, "asset.import", community)
    if mode not in IMPORT_MODES:
        raise ValidationError({"mode": _("Choose “all” or “valid_only”.")})
    try:
        with transaction.atomic():
            # Planned again here, not taken from the preview: the register may have
            # changed since.
            plan = importing.plan(community, rows)
            plan.mode, plan.dry_run = mode, dry_run
            if mode == "all" and plan.with_problems:
                raise ImportRefused(plan)
            if not dry_run:
                _write_import(by, community, plan)
    except IntegrityError:
        # Someone imported the same new rows at the same moment; the database kept theirs.
        raise ValidationError(
            {"file": _("Someone else was importing at the same moment. Check the file again.")}
        ) from None
    return plan


def _write_import(by, community, plan: importing.Plan) -> None:
    from kampung.audit import log
    from kampung.audit.context import acting
    from kampung.audit.models import AuditEvent

    codes = {code for row in plan.rows for code in (row.tags or ())}
    tags: dict[str, list[Tag]] = {}
    for tag in Tag.objects.filter(code__in=codes):
        tags.setdefault(tag.code, []).append(tag)
    now, due = timezone.now(), timezone.localdate() + REVIEW_EVERY
    new = [row for row in plan.rows if row.outcome == importing.CREATE]
    with acting(by) as who:
        # New assets go in a few hundred per INSERT (20,000 rows one by one, each with its
        # signals, took minutes). Bulk inserts skip signals, so the audit rows and the map
        # cache bump that signals would write are written here, in the same shape.
        for row in new:
            row.asset.last_verified_at, row.asset.last_verified_by = now, by
            row.asset.review_due = due
        Asset.objects.bulk_create([row.asset for row in new], batch_size=500)
        Asset.tags.through.objects.bulk_create(
            [
                Asset.tags.through(asset_id=row.asset.pk, tag_id=tag.pk)
                for row in new
                for code in row.tags or ()
                for tag in tags.get(code, ())
            ],
            batch_size=1000,
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=who.user,
                    on_behalf_of=who.on_behalf_of,
                    community_id=community.pk,
                    action=AuditEvent.Action.CREATE,
                    object_type=Asset._meta.label,
                    object_id=str(row.asset.pk),
                    summary=str(row.asset)[:300],
                    changes={**log.diff(row.asset, None), "tags": row.tags or []},
                    via=who.via,
                )
                for row in new
            ],
            batch_size=500,
        )
        for row in plan.rows:
            if row.outcome != importing.UPDATE:
                continue
            if row.changed != ["tags"]:
                row.asset.save()  # signals record the change
            if "tags" in row.changed:
                row.asset.tags.set([t for code in row.tags for t in tags.get(code, ())])
        if new:
            from kampung.assets.signals import bump

            bump(community.pk)
        log.record(
            AuditEvent.Action.CREATE,
            community,
            summary=_(
                "Imported assets from %(file)s: %(created)s added, %(updated)s changed, "
                "%(unchanged)s already up to date, %(skipped)s skipped"
            )
            % {
                "file": plan.filename,
                "created": plan.created,
                "updated": plan.updated,
                "unchanged": plan.unchanged,
                "skipped": plan.with_problems,
            },
        )
