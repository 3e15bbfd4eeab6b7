"""Writes to the asset register: add, change and check (verify) an asset. Each is one
transaction; bad input raises ValidationError naming the field; nothing is half-written.
Every change is kept as history by the audit log (kampung.audit.signals)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets import importing
from kampung.assets.models import REVIEW_EVERY, Asset, AssetTag, Tag
from kampung.assets.rules import (  # noqa: F401 (callers validate through actions)
    ACCESSIBILITY,
    asset_problems,
    validate_opening_hours,
)
from kampung.communities.models import links_of
from kampung.db import BULK_ROWS, analyze
from kampung.errors import DomainError

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
    asset.tags.set(tags, through_defaults=links_of(asset))


def _strip_text(fields: dict) -> dict:
    """Names and short texts as people mean them: no leading or trailing blanks (a tab
    or newline typed or pasted in front of a name)."""
    for name in ("name", "subtype", "contact"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return fields


@transaction.atomic
def add_asset(*, by, community, tags=None, source=Asset.Source.MANUAL, **fields) -> Asset:
    policy.require(by, "asset.create", community)
    _strip_text(fields)
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
    _strip_text(fields)
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


class ImportRefused(DomainError):
    """The whole file was asked for and some rows have problems: nothing was written.
    The API's error body carries every problem by row and column, and the report."""

    code = "import_has_problems"
    status = 422

    def __init__(self, plan: importing.Plan):
        problems = plan.problems
        fields: dict[str, list[str]] = {}
        for p in problems:
            fields.setdefault(f"rows.{p.row}.{p.column}", []).append(p.message)
        super().__init__(
            _("%(n)s rows have problems, so nothing was imported.") % {"n": plan.with_problems},
            fields=fields,
            extra={"problems": [p.as_dict() for p in problems], "report": plan.report()},
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


def _asset_of(row: importing.RowPlan) -> Asset:
    """The asset of a row to create or update (the plan always gives those one)."""
    assert row.asset is not None
    return row.asset


def _write_import(by, community, plan: importing.Plan) -> None:
    from kampung.audit import log
    from kampung.audit.context import acting
    from kampung.audit.models import AuditEvent

    codes = {code for row in plan.rows for code in (row.tags or ())}
    tags: dict[str, list[Tag]] = {}
    for tag in Tag.objects.filter(code__in=codes):
        tags.setdefault(tag.code, []).append(tag)
    now, due = timezone.now(), timezone.localdate() + REVIEW_EVERY
    new = [(row, _asset_of(row)) for row in plan.rows if row.outcome == importing.CREATE]
    with acting(by) as who:
        # New assets go in a few hundred per INSERT (20,000 rows one by one, each with its
        # signals, took minutes). Bulk inserts skip signals, so the audit rows and the map
        # cache bump that signals would write are written here, in the same shape.
        for _row, asset in new:
            asset.last_verified_at, asset.last_verified_by = now, by
            asset.review_due = due
        Asset.objects.bulk_create([asset for _row, asset in new], batch_size=500)
        AssetTag.objects.bulk_create(
            [
                AssetTag(asset_id=asset.pk, tag_id=tag.pk, community_id=community.pk)
                for row, asset in new
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
                    object_id=str(asset.pk),
                    summary=str(asset)[:300],
                    changes={**log.diff(asset, None), "tags": row.tags or []},
                    via=who.via,
                )
                for row, asset in new
            ],
            batch_size=500,
        )
        for row in plan.rows:
            if row.outcome != importing.UPDATE:
                continue
            asset = _asset_of(row)
            if row.changed != ["tags"]:
                asset.save()  # signals record the change
            if "tags" in row.changed:
                assert row.tags is not None  # "tags" only changes when the row gives them
                asset.tags.set(
                    [t for code in row.tags for t in tags.get(code, ())],
                    through_defaults=links_of(asset),
                )
        if new:
            from kampung.assets.signals import bump

            bump(community.pk)
        if len(new) >= BULK_ROWS:
            # Thousands of new rows: let the planner know once they are committed.
            transaction.on_commit(lambda: analyze(Asset, Asset.tags.through, AuditEvent))
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
