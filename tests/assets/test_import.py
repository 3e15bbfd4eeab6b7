"""Importing assets from a spreadsheet: CSV and XLSX, a report of every problem by row and
column, all-or-nothing or only the valid rows, no duplicates on a second import, the same
permissions on the pages and the API, and an audit trail."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kampung import policy
from kampung.assets import actions, hours, importing
from kampung.assets.models import Asset
from kampung.audit.models import AuditEvent

HEADER = [
    "external_id",
    "Name",
    "Category",
    "Latitude",
    "Longitude",
    "tags",
    "opening_hours",
    "languages",
    "accessibility",
    "cost",
    "capacity",
]
GOOD = [
    ["MAWAR-001", "Block 123 fridge", "place", "1.3531", "103.9442", "102-04",
     "Mon-Fri 09:00-17:00; Sat 10:00-12:00", "en; ms", "step_free", "free", ""],
    ["MAWAR-002", "Repair café", "Association", "1.3540", "103.9450", "",
     "", "Malay", "Wheelchair accessible", "donation", "20"],
    ["", "Homework club", "association", "1.3550", "103.9460", "", "Tue 15:00-17:00", "", "",
     "", ""],
]  # fmt: skip
BAD = [
    ["B-1", "Fridge", "place", "100", "103.9", "", "", "", "", "", ""],
    ["B-2", "Castle", "castle", "1.35", "103.9", "", "", "", "", "", ""],
    ["B-3", "Pantry", "place", "1.35", "103.9", "no-such-tag", "", "", "", "", ""],
    ["B-4", "Hall", "place", "1.35", "103.9", "", "Mon 18:00-09:00", "", "", "", ""],
    ["B-5", "", "place", "1.35", "103.9", "", "", "", "", "", ""],
    ["B-6", "Good row", "place", "1.36", "103.91", "", "", "", "", "", ""],
]  # fmt: skip


def _csv(rows, header=HEADER, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _xlsx(rows, header=HEADER) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        # Spreadsheets hold numbers as numbers: latitude, longitude and capacity.
        sheet.append(
            [
                float(v) if i in (3, 4) and v else int(v) if i == 10 and v else v
                for i, v in enumerate(row)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(cast, data, name="assets.csv", mode="all", dry_run=False, role="coordinator"):
    return actions.import_assets(
        by=cast.user(role),
        community=cast.community,
        rows=importing.read(data, name),
        mode=mode,
        dry_run=dry_run,
    )


def _messages(plan):
    return [str(p) for p in plan.problems]


def test_a_good_csv_imports_every_row(cast):
    before = Asset.objects.count()
    plan = _import(cast, _csv(GOOD))
    assert (plan.created, plan.updated, plan.unchanged, plan.problems) == (3, 0, 0, [])
    assert Asset.objects.count() == before + 3
    fridge = Asset.objects.get(community=cast.community, name="Block 123 fridge")
    assert fridge.source == Asset.Source.IMPORT and fridge.import_key == "ext:MAWAR-001"
    assert (fridge.category, fridge.lat, fridge.lng) == ("place", 1.3531, 103.9442)
    assert [t.code for t in fridge.tags.all()] == ["102-04"]
    assert fridge.opening_hours == [
        {"day": d, "opens": "09:00", "closes": "17:00"} for d in range(5)
    ] + [{"day": 5, "opens": "10:00", "closes": "12:00"}]
    assert (fridge.languages, fridge.accessibility) == (["en", "ms"], ["step_free"])
    assert not fridge.is_stale and fridge.last_verified_by == cast.user("coordinator")
    cafe = Asset.objects.get(community=cast.community, name="Repair café")
    # Names of choices, languages and features work as well as their codes.
    assert (cafe.category, cafe.languages, cafe.accessibility) == (
        "association",
        ["ms"],
        ["wheelchair"],
    )
    assert (cafe.cost, cafe.capacity) == ("donation", 20)
    club = Asset.objects.get(community=cast.community, name="Homework club")
    assert club.import_key.startswith("row:") and club.cost == "free"


def test_an_xlsx_file_imports_the_same_way(cast):
    plan = _import(cast, _xlsx(GOOD), name="Assets.XLSX")
    assert (plan.created, plan.problems) == (3, [])
    cafe = Asset.objects.get(community=cast.community, name="Repair café")
    assert (cafe.lat, cafe.capacity) == (1.354, 20)
    # The same sheet as CSV is the same assets: nothing new.
    again = _import(cast, _csv(GOOD))
    assert (again.created, again.unchanged) == (0, 3)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(cast):
    before = Asset.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(actions.ImportRefused) as refused:
        _import(cast, _csv(BAD))
    assert Asset.objects.count() == before
    assert AuditEvent.objects.count() == events
    messages = _messages(refused.value.plan)
    assert messages[0] == "Row 2, Latitude: 100 is out of range (must be between -90 and 90)."
    assert messages[1].startswith("Row 3, Category: “castle” is not a kind of asset")
    assert "Row 4, tags: Unknown tag: no-such-tag." in messages
    assert (
        "Row 5, opening_hours: In “Mon 18:00-09:00” the opening time must be before the "
        "closing time." in messages
    )
    assert "Row 6, Name: Every asset needs a name." in messages
    assert len(messages) == 5  # row 7 is fine
    plan = refused.value.plan
    assert (plan.with_problems, plan.valid) == (5, 1)


def test_only_the_valid_rows_can_be_imported(cast):
    before = Asset.objects.count()
    plan = _import(cast, _csv(BAD), mode="valid_only")
    assert (plan.created, plan.with_problems) == (1, 5)
    assert plan.report()["skipped"] == 5
    assert Asset.objects.count() == before + 1
    assert Asset.objects.filter(community=cast.community, name="Good row").exists()


def test_importing_the_same_file_again_adds_nothing(cast):
    _import(cast, _csv(GOOD))
    before = Asset.objects.count()
    events = AuditEvent.objects.exclude(object_type="communities.Community").count()
    plan = _import(cast, _csv(GOOD))
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 3)
    assert Asset.objects.count() == before
    # Unchanged rows are not saved, so the assets' history does not fill with noise.
    assert AuditEvent.objects.exclude(object_type="communities.Community").count() == events


def test_a_changed_row_updates_its_asset(cast):
    _import(cast, _csv(GOOD))
    changed = [list(r) for r in GOOD]
    changed[0][1] = "Block 123 community fridge"  # renamed: matched by its external_id
    changed[0][5] = "102-04; it-help"
    changed[2][6] = "Tue 15:00-18:00"  # no id: matched by name, kind and place
    preview = _import(cast, _csv(changed), dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (0, 2, 1)
    assert preview.rows[0].changed_columns == ["Name", "tags"]
    assert Asset.objects.filter(name="Block 123 fridge").exists()  # a dry run writes nothing
    _import(cast, _csv(changed))
    fridge = Asset.objects.get(community=cast.community, import_key="ext:MAWAR-001")
    assert fridge.name == "Block 123 community fridge"
    assert sorted(t.code for t in fridge.tags.all()) == ["102-04", "it-help"]
    club = Asset.objects.get(community=cast.community, name="Homework club")
    assert club.opening_hours == [{"day": 1, "opens": "15:00", "closes": "18:00"}]
    history = AuditEvent.objects.filter(object_type="assets.Asset", object_id=str(fridge.pk))
    assert history.filter(action="update", changes__has_key="name").exists()


def test_an_exported_csv_imports_back_without_changing_anything(cast, client):
    client.force_login(cast.user("coordinator"))
    exported = client.get(f"/api/v1/communities/{cast.community.slug}/assets.csv").content
    before = Asset.objects.count()
    plan = _import(cast, exported, name="export.csv")
    assert plan.problems == []
    assert plan.unchanged == len(plan.rows) > 0 and plan.created == 0
    assert Asset.objects.count() == before
    assert plan.warnings == [
        "The column “review_due” is not one Kampung knows, so it was left out."
    ]


def test_an_id_from_another_community_is_refused(cast):
    elsewhere = Asset.objects.filter(community=cast.other).first()
    data = _csv([[str(elsewhere.pk), "Taken over", "place"]], header=["id", "name", "category"])
    plan = _import(cast, data, mode="valid_only", dry_run=True)
    assert _messages(plan) == [
        f"Row 2, id: There is no asset number {elsewhere.pk} in {cast.community.name}."
    ]


def test_the_same_asset_twice_in_one_file_is_a_problem(cast):
    rows = [GOOD[2], GOOD[0], GOOD[2]]
    plan = _import(cast, _csv(rows), mode="valid_only", dry_run=True)
    assert _messages(plan) == [
        "Row 4, Name: Row 2 is the same asset (same name, kind and place). "
        "Each asset needs one row."
    ]


def test_semicolons_a_byte_order_mark_and_friendly_headers_are_understood(cast):
    header = ["NAME", "kind", "lat", "lon", "Opening times", "Who can see it", "Notes"]
    rows = [["Void deck", "Place or space", "1,3531", "103,9442", "weekdays 8-20", "Everyone", "x"]]
    plan = _import(cast, _csv(rows, header=header, delimiter=";", bom=True), dry_run=True)
    assert plan.problems == [] and plan.created == 1
    asset = plan.rows[0].asset
    assert (asset.lat, asset.lng, asset.visibility) == (1.3531, 103.9442, "public")
    assert len(asset.opening_hours) == 5 and asset.opening_hours[0]["closes"] == "20:00"
    assert plan.warnings == ["The column “Notes” is not one Kampung knows, so it was left out."]


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"name,category\n", "a.csv", "no assets under it"),
        (b"", "a.csv", "The file is empty."),
        (b"title,kind\nx,place\n", "a.csv", None),
        (b"name,where\nx,online\n", "a.csv", "needs a column called “category”"),
        (b"description\nx\n", "a.csv", "“name” and “category”"),
        (b"name,name,category\nx,y,place\n", "a.csv", "both hold the name"),
        ("name,category\nCaf\xe9,place\n".encode("latin-1"), "a.csv", "UTF-8"),
        (b"name,category\nx,place\n", "a.pdf", "CSV (.csv) and Excel (.xlsx)"),
        (b"not a zip", "a.xlsx", "could not be opened as an Excel workbook"),
    ],
)
def test_problems_with_the_whole_file_are_named(data, name, message):
    if message is None:
        assert importing.read_sheet(data, name).headers == ["title", "kind"]
        return
    with pytest.raises(importing.ImportFileError) as err:
        importing.read(data, name)
    assert message in str(err.value)


def test_the_size_and_row_limits_are_explained(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    with pytest.raises(importing.ImportFileError) as err:
        importing.read_sheet(b"name,category\na,place\nb,place\nc,place\n", "a.csv")
    assert "more than 2 rows" in str(err.value)
    monkeypatch.setattr(importing, "MAX_BYTES", 10)
    with pytest.raises(importing.ImportFileError) as err:
        importing.read_sheet(b"name,category\na,place\n", "a.csv")
    assert "The most Kampung can take is" in str(err.value)


@pytest.mark.parametrize(
    "text,slots",
    [
        ("Mon 09:00-17:00", [(0, "09:00", "17:00")]),
        ("Sat-Sun 10.00 - 12.30", [(5, "10:00", "12:30"), (6, "10:00", "12:30")]),
        ("Fri-Mon 9-5:30; ", None),
        ("Wed, Friday 08:00-12:00, 13:00-17:00", [
            (2, "08:00", "12:00"), (4, "08:00", "12:00"), (2, "13:00", "17:00"),
            (4, "13:00", "17:00")]),
        ("Daily 07:00-09:00", [(d, "07:00", "09:00") for d in range(7)]),
        ("Mon 9am-5pm", None),
        ("Mon 25:00-26:00", None),
        ("Someday 09:00-10:00", None),
        ("09:00-17:00", None),
    ],
)  # fmt: skip
def test_opening_hours_are_read_as_people_write_them(text, slots):
    if slots is None:
        with pytest.raises(hours.HoursError):
            hours.parse_opening_hours(text)
    else:
        got = hours.parse_opening_hours(text)
        assert [(s["day"], s["opens"], s["closes"]) for s in got] == slots


def test_only_community_developers_and_administrators_may_import(cast):
    allowed = {
        role
        for role in ("resident", "volunteer", "coordinator", "partner", "analyst", "admin")
        if policy.can(cast.user(role), "asset.import", cast.community)
    }
    assert allowed == {"coordinator", "admin"}
    assert not policy.can(cast.user("outsider"), "asset.import", cast.community)
    with pytest.raises(Exception) as denied:
        _import(cast, _csv(GOOD), role="resident")
    assert type(denied.value).__name__ == "PermissionDenied"


def _upload(client, cast, data, name="assets.csv"):
    return client.post(
        reverse("asset_import", args=[cast.community.slug]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_the_pages_preview_then_import_only_the_valid_rows(cast, client):
    client.force_login(cast.user("coordinator"))
    slug = cast.community.slug
    assert "Import a spreadsheet" in client.get(reverse("asset_map", args=[slug])).content.decode()
    form = client.get(reverse("asset_import", args=[slug]))
    assert form.status_code == 200 and 'accept=".csv,.xlsx' in form.content.decode()
    before = Asset.objects.count()
    uploaded = _upload(client, cast, _csv(BAD))
    assert uploaded.status_code == 302
    preview = client.get(uploaded.url)
    page = preview.content.decode()
    assert preview.status_code == 200 and Asset.objects.count() == before
    assert "100 is out of range (must be between -90 and 90)." in page
    assert "Import only the 1 valid row" in page and "Import all" not in page
    # Asking for the whole file anyway writes nothing and says why.
    refused = client.post(uploaded.url, {"mode": "all"})
    assert "5 rows have problems, so nothing was imported." in refused.content.decode()
    assert Asset.objects.count() == before
    done = client.post(uploaded.url, {"mode": "valid_only"})
    assert done.status_code == 302 and done.url == reverse("asset_map", args=[slug])
    assert Asset.objects.count() == before + 1
    shown = client.get(done.url).content.decode()
    assert "1 added, 0 changed, 0 already up to date. 5 rows with problems were left out." in shown
    # The kept file is gone once imported.
    assert client.get(uploaded.url).status_code == 404


def test_the_pages_import_a_good_file_and_cancel_writes_nothing(cast, client):
    client.force_login(cast.user("admin"))
    slug = cast.community.slug
    before = Asset.objects.count()
    uploaded = _upload(client, cast, _xlsx(GOOD), name="assets.xlsx")
    page = client.get(uploaded.url).content.decode()
    assert "Import all 3 rows" in page and "Block 123 fridge" in page
    cancelled = client.post(uploaded.url, {"cancel": "1"})
    assert cancelled.url == reverse("asset_import", args=[slug])
    assert Asset.objects.count() == before
    uploaded = _upload(client, cast, _xlsx(GOOD), name="assets.xlsx")
    client.post(uploaded.url, {"mode": "all"})
    assert Asset.objects.count() == before + 3
    again = client.get(_upload(client, cast, _xlsx(GOOD), name="assets.xlsx").url)
    assert again.context["plan"].unchanged == 3


def test_a_file_that_cannot_be_read_is_explained_on_the_upload_page(cast, client):
    client.force_login(cast.user("coordinator"))
    response = _upload(client, cast, b"description\nx\n")
    assert response.status_code == 200
    assert "The file needs a column called" in response.content.decode()


def test_the_template_has_the_header_and_an_example_that_imports(cast, client):
    client.force_login(cast.user("coordinator"))
    response = client.get(reverse("asset_import_template", args=[cast.community.slug]))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("external_id,name,category") and len(lines) == 2
    plan = _import(cast, response.content, dry_run=True)
    assert (plan.created, plan.problems) == (1, [])


def test_someone_elses_kept_file_cannot_be_used(cast, client):
    client.force_login(cast.user("coordinator"))
    uploaded = _upload(client, cast, _csv(GOOD))
    client.force_login(cast.user("admin"))
    assert client.get(uploaded.url).status_code == 404
    assert client.post(uploaded.url, {"mode": "all"}).status_code == 404


@pytest.mark.parametrize("role,status", [("resident", 403), ("analyst", 403), ("outsider", 404)])
def test_others_cannot_import_on_the_pages_or_the_api(cast, client, role, status):
    client.force_login(cast.user(role))
    slug = cast.community.slug
    before = Asset.objects.count()
    assert client.get(reverse("asset_import", args=[slug])).status_code == status
    assert _upload(client, cast, _csv(GOOD)).status_code == status
    assert client.get(reverse("asset_import_template", args=[slug])).status_code == status
    response = client.post(
        f"/api/v1/communities/{slug}/assets/import",
        {"file": SimpleUploadedFile("a.csv", _csv(GOOD))},
    )
    assert response.status_code == status and "error" in response.json()
    assert Asset.objects.count() == before
    if role != "outsider":
        page = client.get(reverse("asset_map", args=[slug])).content.decode()
        assert "Import a spreadsheet" not in page


@pytest.fixture
def api_headers(cast):
    from kampung.people.actions import create_api_token

    _, token = create_api_token(user=cast.user("coordinator"))
    return {"Authorization": f"Bearer {token}"}


def test_the_api_imports_with_a_dry_run_first(cast, client, api_headers):
    url = f"/api/v1/communities/{cast.community.slug}/assets/import"
    before = Asset.objects.count()
    dry = client.post(
        url,
        {"file": SimpleUploadedFile("a.csv", _csv(GOOD)), "dry_run": "true"},
        headers=api_headers,
    )
    assert dry.status_code == 200, dry.content
    assert dry.json() == {
        "dry_run": True,
        "mode": "all",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "problems": [],
        "warnings": [],
    }
    assert Asset.objects.count() == before
    done = client.post(url, {"file": SimpleUploadedFile("a.csv", _csv(GOOD))}, headers=api_headers)
    assert done.json()["created"] == 3 and Asset.objects.count() == before + 3
    again = client.post(url, {"file": SimpleUploadedFile("a.csv", _csv(GOOD))}, headers=api_headers)
    assert again.json()["unchanged"] == 3 and Asset.objects.count() == before + 3
    # Attributed to the token's owner, through the API, in the audit log.
    summary = AuditEvent.objects.filter(summary__startswith="Imported assets from a.csv").first()
    assert summary.actor == cast.user("coordinator") and summary.via == "api"
    created = AuditEvent.objects.filter(object_type="assets.Asset", action="create").latest("pk")
    assert created.actor == cast.user("coordinator") and created.via == "api"


def test_the_api_refuses_a_file_with_problems_naming_rows_and_columns(cast, client, api_headers):
    url = f"/api/v1/communities/{cast.community.slug}/assets/import"
    before = Asset.objects.count()
    refused = client.post(
        url, {"file": SimpleUploadedFile("b.csv", _csv(BAD))}, headers=api_headers
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "import_has_problems"
    assert error["problems"][0] == {
        "row": 2,
        "column": "Latitude",
        "message": "100 is out of range (must be between -90 and 90).",
    }
    assert error["fields"]["rows.2.Latitude"] == [
        "100 is out of range (must be between -90 and 90)."
    ]
    assert Asset.objects.count() == before
    partial = client.post(
        url,
        {"file": SimpleUploadedFile("b.csv", _csv(BAD)), "mode": "valid_only"},
        headers=api_headers,
    )
    assert partial.status_code == 200
    assert (partial.json()["created"], partial.json()["skipped"]) == (1, 5)
    assert Asset.objects.count() == before + 1
    unreadable = client.post(
        url, {"file": SimpleUploadedFile("c.csv", b"description\nx\n")}, headers=api_headers
    )
    assert unreadable.status_code == 422 and "file" in unreadable.json()["error"]["fields"]
    bad_mode = client.post(
        url,
        {"file": SimpleUploadedFile("b.csv", _csv(GOOD)), "mode": "some"},
        headers=api_headers,
    )
    assert bad_mode.status_code == 422 and "mode" in bad_mode.json()["error"]["fields"]


def test_the_import_endpoint_is_documented_and_asset_ids_still_resolve(cast, client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/communities/{slug}/assets/import"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "valid_only" in operation["description"]
    client.force_login(cast.user("coordinator"))
    asset = Asset.objects.filter(community=cast.community).first()
    got = client.get(f"/api/v1/communities/{cast.community.slug}/assets/{asset.pk}")
    assert got.status_code == 200 and got.json()["id"] == asset.pk


class _Spy:
    """Counts the bytes the storing upload handlers were given."""

    stored = 0


def test_an_oversized_file_is_stopped_while_it_arrives_with_a_clear_message(
    cast, client, api_headers, settings, monkeypatch
):
    from django.core.files.uploadhandler import MemoryFileUploadHandler

    original = MemoryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        _Spy.stored += len(raw_data)
        return original(self, raw_data, start)

    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", spy)
    settings.KAMPUNG_MAX_UPLOAD_BYTES = 200_000
    big = b"name,category\n" + b"x" * 1_000_000 + b",place\n"
    client.force_login(cast.user("coordinator"))
    _Spy.stored = 0
    page = _upload(client, cast, big)
    assert page.status_code == 200
    assert page.context["form"].errors["file"] == [importing.too_large_message()]
    # Storing stopped at the cap; the rest of the megabyte was thrown away unstored.
    assert _Spy.stored <= 200_000
    before = Asset.objects.count()
    api = client.post(
        f"/api/v1/communities/{cast.community.slug}/assets/import",
        {"file": SimpleUploadedFile("big.csv", big)},
        headers=api_headers,
    )
    assert api.status_code == 422
    assert api.json()["error"]["fields"]["file"] == [importing.too_large_message()]
    assert Asset.objects.count() == before
    missing = client.post(
        f"/api/v1/communities/{cast.community.slug}/assets/import", {}, headers=api_headers
    )
    assert missing.status_code == 422 and "file" in missing.json()["error"]["fields"]
