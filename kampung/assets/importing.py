"""Reading a spreadsheet of assets (CSV or XLSX) and working out what importing it would
do, without writing anything: which rows add an asset, which change one, which are
already up to date, and every problem by row and column as the person sees them in
their spreadsheet (the header is row 1, the first asset row 2).

This module turns cells into values and says what it could not understand. Whether an
asset is valid is decided by kampung.assets.rules.asset_problems, the same check adding
an asset by hand uses. Writing is kampung.assets.actions.import_assets, which plans again
inside its transaction (the register may have changed since the preview)."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from kampung.assets import hours
from kampung.assets.models import Asset, Category, Tag
from kampung.exports import csv_text
from kampung.people.skills import LANGUAGE_NAMES

MAX_BYTES = 5 * 1024 * 1024  # settings.KAMPUNG_MAX_UPLOAD_BYTES stops larger uploads early
MAX_ROWS = 20_000
EXTENSIONS = (".csv", ".xlsx")
CREATE, UPDATE, UNCHANGED, PROBLEM = "create", "update", "unchanged", "problem"


class ImportFileError(Exception):
    """The file as a whole cannot be used (wrong type, too big, no name column, …)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


# --- Columns --------------------------------------------------------------------------

# Canonical column -> the header names people use for it (compared case-insensitively,
# with spaces, hyphens and underscores treated alike). "id" is Kampung's own asset id,
# as in the CSV export, so an exported, edited file updates the assets it came from;
# "external_id" is the spreadsheet's own reference for the row.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "asset id", "kampung id"),
    "external_id": ("external id", "ref", "reference", "your id", "import id"),
    "name": ("name", "asset name", "asset", "title"),
    "category": ("category", "kind"),
    "subtype": ("subtype", "sub type", "more precisely"),
    "description": ("description", "details"),
    "location_kind": ("location kind", "where", "location"),
    "lat": ("lat", "latitude"),
    "lng": ("lng", "lon", "long", "longitude"),
    "tags": ("tags", "tag", "service types"),
    "opening_hours": ("opening hours", "opening times", "hours"),
    "languages": ("languages", "language"),
    "accessibility": ("accessibility",),
    "cost": ("cost",),
    "capacity": ("capacity",),
    "contact": ("contact", "how to get in touch"),
    "visibility": ("visibility", "who can see it"),
    "status": ("status",),
}
REQUIRED = ("name", "category")
# The header the downloadable template uses for each column, and what problems are
# reported under when the file has no such column.
TEMPLATE_HEADERS = {
    "external_id": "external_id",
    "name": "name",
    "category": "category",
    "subtype": "subtype",
    "description": "description",
    "location_kind": "location_kind",
    "lat": "latitude",
    "lng": "longitude",
    "tags": "tags",
    "opening_hours": "opening_hours",
    "languages": "languages",
    "accessibility": "accessibility",
    "cost": "cost",
    "capacity": "capacity",
    "contact": "contact",
    "visibility": "visibility",
    "status": "status",
}
TEMPLATE_EXAMPLE = {
    "external_id": "MAWAR-001",
    "name": "Block 123 community fridge",
    "category": "place",
    "subtype": "community fridge",
    "description": "Free food: take what you need, leave what you can.",
    "location_kind": "point",
    "lat": "1.3531",
    "lng": "103.9442",
    "tags": "102-04",
    "opening_hours": "Mon-Fri 09:00-17:00; Sat 10:00-12:00",
    "languages": "en; ms",
    "accessibility": "step_free",
    "cost": "free",
    "capacity": "",
    "contact": "Ask at the residents' corner",
    "visibility": "members",
    "status": "active",
}


def _simplify(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", str(text)).casefold().split())


_HEADER_TO_COLUMN = {
    _simplify(alias): name for name, aliases in COLUMNS.items() for alias in aliases
}


@dataclass
class Sheet:
    """A file's cells as text: the header row and the rows under it (with the row number
    the person sees in their spreadsheet). Empty rows are left out."""

    filename: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)  # Asset field -> value, for columns given
    tags: list[str] | None = None  # tag codes, None when the file has no tags column
    asset_id: int | None = None
    external_id: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class Parsed:
    filename: str
    columns: dict[str, str]  # canonical column -> header as written in the file
    rows: list[ParsedRow]
    warnings: list[str]
    digest: str = ""

    def header(self, column: str) -> str:
        return self.columns.get(column) or TEMPLATE_HEADERS.get(column, column)


# --- Reading files --------------------------------------------------------------------


def read(data: bytes, filename: str) -> Parsed:
    """Read and understand a CSV or XLSX file. Raises ImportFileError for problems with
    the file as a whole; problems with single cells are kept on each row."""
    return parse(read_sheet(data, filename))


def too_large_message() -> str:
    return _(
        "The file is over %(max)s MB, the most Kampung can take: split it into smaller files."
    ) % {"max": MAX_BYTES // 1024 // 1024}


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportFileError(
            _(
                "The file is %(size)s MB. The most Kampung can take is %(max)s MB: "
                "split it into smaller files."
            )
            % {"size": f"{size / 1024 / 1024:.1f}", "max": MAX_BYTES // 1024 // 1024}
        )


def read_sheet(data: bytes, filename: str) -> Sheet:
    name = os.path.basename((filename or "").strip())[-120:] or "upload"
    check_size(len(data))
    lower = name.casefold()
    if lower.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(
            _(
                "Kampung can read CSV (.csv) and Excel (.xlsx) files. Save your spreadsheet "
                "as one of those and try again."
            )
        )
    header_number, headers = None, []
    body: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if header_number is None:
            header_number, headers = number, [c.strip() for c in cells]
            continue
        if len(body) >= MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(max)s rows. Split it into smaller files and "
                    "import each one."
                )
                % {"max": f"{MAX_ROWS:,}"}
            )
        body.append((number, cells))
    if header_number is None:
        raise ImportFileError(_("The file is empty."))
    if not body:
        raise ImportFileError(
            _("The file has a header row but no assets under it. Put one asset on each row.")
        )
    return Sheet(name, headers, body)


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "The file is not saved as UTF-8 text. In Excel, choose “CSV UTF-8” when "
                "saving, or upload the .xlsx file instead."
            )
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("This does not look like a CSV file."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many countries save CSV with semicolons (the comma is their decimal
    # mark); the header row says which one this file uses.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file could not be read: %(e)s") % {"e": exc}) from None


def _xlsx_rows(data: bytes):
    from zipfile import BadZipFile

    import openpyxl

    unreadable = ImportFileError(_("This file could not be opened as an Excel workbook (.xlsx)."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # defusedxml (which openpyxl uses when installed) refuses entity declarations with a
    # ValueError; expat's own amplification limit raises ParseError (a SyntaxError).
    except (BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise unreadable from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:  # a damaged sheet fails in many ways inside openpyxl
                raise unreadable from None
            number += 1
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --- Understanding cells --------------------------------------------------------------


class CellError(Exception):
    pass


def _choices(choices, extra: dict | None = None) -> dict[str, str]:
    """Accept a choice's code or its label, and for labels like "Institution (agency…)"
    the part before the bracket."""
    known = {}
    for value, label in choices:
        label = str(label)
        for text in (value, label, label.split(" (")[0]):
            known[_simplify(text)] = value
    for text, value in (extra or {}).items():
        known[_simplify(text)] = value
    return known


def _choice(known: dict[str, str], what: str):
    def parse(text: str):
        value = known.get(_simplify(text))
        if value is None:
            codes = ", ".join(dict.fromkeys(known.values()))
            raise CellError(
                _("“%(v)s” is not a %(what)s Kampung knows. Use one of: %(codes)s.")
                % {"v": text, "what": what, "codes": codes}
            )
        return value

    return parse


def _text(max_length: int, required: str = ""):
    def parse(text: str):
        text = text.strip()
        if required and not text:
            raise CellError(required)
        if len(text) > max_length:
            raise CellError(
                _("This is %(n)s characters long; the most is %(max)s.")
                % {"n": len(text), "max": max_length}
            )
        return text

    return parse


def _number(low: float, high: float):
    def parse(text: str):
        text = text.strip()
        if not text:
            return None
        candidate = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
        try:
            value = float(candidate)
        except ValueError:
            raise CellError(_("“%(v)s” is not a number.") % {"v": text}) from None
        if not math.isfinite(value) or not low <= value <= high:
            raise CellError(
                _("%(v)s is out of range (must be between %(low)s and %(high)s).")
                % {"v": text, "low": low, "high": high}
            )
        return value

    return parse


def _whole_number(text: str):
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not value.is_integer():
        raise CellError(_("“%(v)s” is not a whole number.") % {"v": text})
    if value < 0:
        raise CellError(_("%(v)s is less than 0.") % {"v": text})
    return int(value)


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,|\n]", text) if p.strip()]


def _codes(known: dict[str, str]):
    """A list of codes or names. Ones not recognised pass through unchanged, so the
    asset's own validation (rules.asset_problems) names them."""

    def parse(text: str):
        return list(dict.fromkeys(known.get(_simplify(p), p) for p in _split(text)))

    return parse


HOURS_EXAMPLE = hours.HOURS_EXAMPLE


def _opening_hours_cell(text: str) -> list[dict]:
    try:
        return hours.parse_opening_hours(text)
    except hours.HoursError as exc:
        raise CellError(str(exc)) from None


def _parsers() -> dict:
    from kampung.assets.rules import ACCESSIBILITY

    def field(name):
        return Asset._meta.get_field(name)

    return {
        "name": _text(field("name").max_length, required=_("Every asset needs a name.")),
        "category": _choice(_choices(Category.choices), _("kind of asset")),
        "subtype": _text(field("subtype").max_length),
        "description": _text(10_000),
        "location_kind": _choice(
            _choices(
                Asset.LocationKind.choices,
                {"place": "point", "map": "point", "comes to you": "comes_to_you"},
            ),
            _("kind of place"),
        ),
        "lat": _number(-90, 90),
        "lng": _number(-180, 180),
        "opening_hours": _opening_hours_cell,
        "languages": _codes(
            {_simplify(str(label)): code for code, label in LANGUAGE_NAMES.items()}
            | {_simplify(code): code for code in LANGUAGE_NAMES}
        ),
        "accessibility": _codes(
            {_simplify(label): code for code, label in ACCESSIBILITY.items()}
            | {_simplify(code): code for code in ACCESSIBILITY}
        ),
        "cost": _choice(_choices(Asset.Cost.choices), _("cost")),
        "capacity": _whole_number,
        "contact": _text(field("contact").max_length),
        "visibility": _choice(
            _choices(Asset.Visibility.choices, {"community developers": "coordinators"}),
            _("choice of who can see it"),
        ),
        "status": _choice(_choices(Asset.Status.choices), _("status")),
    }


# Choice columns left empty keep what the asset has (or the usual default for a new one)
# rather than being an error; other empty cells mean "nothing" and clear the value.
KEEP_WHEN_EMPTY = {"category", "location_kind", "cost", "visibility", "status"}


def parse(sheet: Sheet) -> Parsed:
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    warnings = []
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        column = _HEADER_TO_COLUMN.get(_simplify(header))
        if column is None:
            warnings.append(
                _("The column “%(h)s” is not one Kampung knows, so it was left out.")
                % {"h": header}
            )
            continue
        if column in columns:
            raise ImportFileError(
                _("The columns “%(a)s” and “%(b)s” both hold the %(what)s. Keep only one.")
                % {"a": columns[column], "b": header, "what": TEMPLATE_HEADERS.get(column, column)}
            )
        columns[column], positions[column] = header, index
    missing = [TEMPLATE_HEADERS[c] for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            _("The file needs a column called %(names)s in its first row.")
            % {"names": _(" and ").join(f"“{m}”" for m in missing)}
        )
    parsers = _parsers()
    tag_codes = _tag_lookup() if "tags" in columns else {}
    rows = []
    for number, cells in sheet.rows:
        row = ParsedRow(number)
        for column, index in positions.items():
            text = cells[index].strip() if index < len(cells) else ""
            try:
                if column == "id":
                    row.asset_id = _asset_id(text)
                elif column == "external_id":
                    row.external_id = _text(150)(text)
                elif column == "tags":
                    row.tags = _tags(text, tag_codes)
                elif column in KEEP_WHEN_EMPTY and not text:
                    continue
                else:
                    row.values[column] = parsers[column](text)
            except CellError as exc:
                row.problems.append(Problem(number, columns[column], str(exc)))
        rows.append(row)
    return Parsed(sheet.filename, columns, rows, warnings)


def _asset_id(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise CellError(
            _(
                "“%(v)s” is not a Kampung asset number. Leave it empty for new assets, or "
                "use external_id for your own references."
            )
            % {"v": text}
        )
    return int(text)


def _tag_lookup() -> dict[str, str]:
    known = {}
    for code, title in Tag.objects.values_list("code", "title"):
        known.setdefault(_simplify(title), code)
    for code in Tag.objects.values_list("code", flat=True):
        known[_simplify(code)] = code
    return known


def _tags(text: str, known: dict[str, str]) -> list[str]:
    codes, unknown = [], []
    for part in _split(text):
        code = known.get(_simplify(part))
        (codes if code else unknown).append(code or part)
    if unknown:
        raise CellError(_("Unknown tag: %(v)s.") % {"v": ", ".join(unknown)})
    return list(dict.fromkeys(codes))


# --- Planning -------------------------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    name: str
    outcome: str  # CREATE, UPDATE, UNCHANGED or PROBLEM
    asset: Asset | None = None  # unsaved or changed in memory; saved only by the action
    tags: list[str] | None = None
    changed: list[str] = field(default_factory=list)  # Asset fields (and "tags")
    changed_columns: list[str] = field(default_factory=list)  # the same, as headers
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Plan:
    filename: str
    rows: list[RowPlan]
    warnings: list[str]
    mode: str = ""
    dry_run: bool = True

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def with_problems(self) -> int:
        return self.count(PROBLEM)

    @property
    def valid(self) -> int:
        return len(self.rows) - self.with_problems

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    def report(self) -> dict:
        """What the API answers (and the counts the pages show)."""
        return {
            "dry_run": self.dry_run,
            "mode": self.mode,
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.with_problems if self.mode == "valid_only" else 0,
            "problems": [p.as_dict() for p in self.problems],
            "warnings": self.warnings,
        }


def derived_key(values: dict) -> str:
    """A fingerprint of name, kind and place for rows without an id of their own."""

    def place(v):
        return "" if v is None else f"{v:.5f}"  # about a metre

    text = "|".join(
        [
            _simplify(values.get("name", "")),
            values.get("category", ""),
            place(values.get("lat")),
            place(values.get("lng")),
        ]
    )
    return "row:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan(community, parsed: Parsed) -> Plan:
    """What importing `parsed` into `community` would do. Reads, never writes."""
    from kampung.assets.rules import asset_problems

    keys: dict[int, tuple[str, str]] = {}  # row number -> (key, column to blame)
    for row in parsed.rows:
        if row.asset_id is not None:
            keys[row.number] = (f"id:{row.asset_id}", "id")
        elif row.external_id:
            keys[row.number] = ("ext:" + row.external_id, "external_id")
        elif "name" in row.values and "category" in row.values:
            keys[row.number] = (derived_key(row.values), "name")
    by_id, by_key = _existing(community, parsed, keys)

    seen: dict[str, int] = {}
    plans = []
    for row in parsed.rows:
        problems = list(row.problems)
        key, key_column = keys.get(row.number, ("", ""))
        existing = None
        if key:
            if key in seen:
                problems.append(
                    Problem(
                        row.number,
                        parsed.header(key_column),
                        _(
                            "Row %(other)s is the same asset (same %(what)s). "
                            "Each asset needs one row."
                        )
                        % {
                            "other": seen[key],
                            "what": _("name, kind and place")
                            if key_column == "name"
                            else parsed.header(key_column),
                        },
                    )
                )
            else:
                seen[key] = row.number
            if key_column == "id":
                existing = by_id.get(row.asset_id)
                if existing is None:
                    problems.append(
                        Problem(
                            row.number,
                            parsed.header("id"),
                            _("There is no asset number %(v)s in %(community)s.")
                            % {"v": row.asset_id, "community": community.name},
                        )
                    )
            else:
                existing = by_key.get(key)
        plans.append(_plan_row(community, parsed, row, key, existing, problems, asset_problems))
    return Plan(parsed.filename, plans, parsed.warnings)


def _existing(community, parsed: Parsed, keys: dict[int, tuple[str, str]]):
    ids = sorted({r.asset_id for r in parsed.rows if r.asset_id is not None})
    wanted = sorted({k for k, column in keys.values() if column != "id"})
    base = (
        Asset.objects.filter(community=community)
        .select_related("steward_member", "steward_organisation")
        .prefetch_related("tags")
    )
    by_id = {a.pk: a for chunk in _chunks(ids) for a in base.filter(pk__in=chunk)}
    by_key = {
        a.import_key: a for chunk in _chunks(wanted) for a in base.filter(import_key__in=chunk)
    }
    return by_id, by_key


def _plan_row(community, parsed, row, key, existing, problems, asset_problems) -> RowPlan:
    values = dict(row.values)
    if row.asset_id is not None and existing is None:
        # Not one of this community's assets: checking it as a new one would only confuse.
        return RowPlan(row.number, values.get("name", ""), PROBLEM, problems=problems)
    if existing is None:
        asset = Asset(community=community, source=Asset.Source.IMPORT, import_key=key or None)
        if values.get("category") == Category.PERSONAL:
            # Someone's skills are theirs: private until they choose to share them.
            values.setdefault("visibility", Asset.Visibility.PRIVATE)
        changed = sorted(values)
    else:
        asset = existing
        changed = [name for name, value in values.items() if getattr(asset, name) != value]
    current_tags = sorted(t.code for t in asset.tags.all()) if existing is not None else []
    if row.tags is not None and sorted(row.tags) != current_tags:
        changed.append("tags")
    for name, value in values.items():
        setattr(asset, name, value)
    # A cell that could not be read leaves its field as it was; what the asset's own
    # validation says about that field would only repeat the problem already reported.
    unreadable = {p.column for p in problems}
    if {parsed.header("lat"), parsed.header("lng")} & unreadable:
        unreadable |= {parsed.header("lat"), parsed.header("lng")}
    # An asset the row leaves as it is needs no checking (and 20,000 of them take time).
    checks = asset_problems(asset) if existing is None or changed else {}
    for name, messages in checks.items():
        column = parsed.header(name) if name != "__all__" else ""
        if column not in unreadable:
            problems.extend(Problem(row.number, column, m) for m in messages)
    order = {header: i for i, header in enumerate(parsed.columns.values())}
    problems.sort(key=lambda p: order.get(p.column, len(order)))
    if problems:
        outcome = PROBLEM
    elif existing is None:
        outcome = CREATE
    else:
        outcome = UPDATE if changed else UNCHANGED
    return RowPlan(
        number=row.number,
        name=values.get("name") or (existing.name if existing else ""),
        outcome=outcome,
        asset=asset,
        tags=row.tags,
        changed=changed,
        changed_columns=[parsed.header(name) for name in changed],
        problems=problems,
    )


def template_csv() -> str:
    return csv_text(TEMPLATE_HEADERS.values(), [[TEMPLATE_EXAMPLE[c] for c in TEMPLATE_HEADERS]])
