"""Finding 11: bad and hostile input gets a 4xx in the one error body, never a 500 —
huge page numbers, unknown filters, oversized bodies, hostile ids and numbers, and an
XLSX file with a billion-laughs payload."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from kampung.people.actions import create_api_token

HUGE = str(2**63)


@pytest.fixture
def api(cast):
    """A client that does not turn server errors into exceptions: a 500 is a status."""
    c = Client(raise_request_exception=False)
    c.force_login(cast.user("admin"))
    return c


def _lists(slug: str, number: str) -> list[str]:
    base = f"/api/v1/communities/{slug}"
    return [
        f"{base}/members",
        f"{base}/audit",
        f"{base}/assets",
        f"{base}/timebank/accounts",
        f"{base}/timebank/exchanges",
        f"{base}/timebank/accounts/{number}/statement",
    ]


def _account_number(cast) -> str:
    from kampung.timebank.actions import account_for_member

    return account_for_member(cast.members["admin"]).number


@pytest.mark.parametrize(
    "params",
    [
        {"limit": HUGE},
        {"offset": HUGE},
        {"limit": "0"},
        {"limit": "501"},
        {"offset": "-1"},
        {"offset": str(10**9 + 1)},
        {"limit": "nan"},
        {"offset": "1e400"},
    ],
)
def test_it_refuses_out_of_range_pages_on_every_list_with_the_error_body(api, cast, params):
    for url in _lists(cast.community.slug, _account_number(cast)):
        response = api.get(url, params)
        assert response.status_code == 422, (url, params, response.status_code)
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert set(error["fields"]) & {"limit", "offset"}, (url, error)


def test_it_still_pages_at_the_bounds(api, cast):
    for url in _lists(cast.community.slug, _account_number(cast)):
        assert api.get(url, {"limit": 500, "offset": 10**9}).status_code == 200, url
        assert api.get(url, {"limit": 1, "offset": 0}).status_code == 200, url


def test_the_schema_states_the_page_bounds(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    params = spec["paths"]["/api/v1/communities/{slug}/members"]["get"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in params}
    assert by_name["limit"]["minimum"] == 1 and by_name["limit"]["maximum"] == 500
    assert by_name["offset"]["minimum"] == 0 and by_name["offset"]["maximum"] == 10**9


@pytest.mark.parametrize(
    "field", ["category", "cost", "accessibility", "language"], ids=lambda f: f
)
def test_an_unknown_map_filter_is_refused_naming_the_field(api, cast, field):
    base = f"/api/v1/communities/{cast.community.slug}/assets"
    for url in (f"{base}/map", base):
        response = api.get(url, {"bbox": "103.9,1.3,104.0,1.4", "zoom": 12, field: "bogus"})
        assert response.status_code == 422, (url, response.status_code)
        assert field in response.json()["error"]["fields"]


def test_a_known_map_filter_still_works(api, cast):
    url = f"/api/v1/communities/{cast.community.slug}/assets/map"
    for zoom in (12, 17):
        response = api.get(url, {"bbox": "103.9,1.3,104.0,1.4", "zoom": zoom, "category": "place"})
        assert response.status_code == 200


def test_the_map_page_ignores_an_unknown_filter_instead_of_failing(api, cast):
    page = api.get(f"/c/{cast.community.slug}/assets/", {"category": "bogus", "cost": "x"})
    assert page.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/assets/{big}",
        "/assets/{big}/checked",
        "/timebank/transactions/{big}",
        "/timebank/exchanges/{big}/confirm",
        "/members/{big}",
    ],
)
def test_a_huge_id_in_a_path_is_not_found_or_invalid_never_a_server_error(api, cast, path):
    url = f"/api/v1/communities/{cast.community.slug}" + path.format(big=2**70)
    response = (
        api.get(url)
        if "confirm" not in path and "checked" not in path
        else api.post(url, {}, content_type="application/json")
    )
    assert response.status_code in (404, 405, 422), (url, response.status_code)
    if response.status_code != 405:
        assert "error" in response.json()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinite_coordinates_are_refused(api, cast, value):
    url = f"/api/v1/communities/{cast.community.slug}/assets"
    body = '{"name": "Bench", "category": "place", "lat": VALUE, "lng": 103.9}'
    body = body.replace("VALUE", value)
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert "lat" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e400"])
def test_nan_zoom_and_bbox_are_refused(api, cast, value):
    url = f"/api/v1/communities/{cast.community.slug}/assets/map"
    assert api.get(url, {"bbox": f"{value},1.3,104.0,1.4"}).status_code == 422
    assert api.get(url, {"bbox": "103.9,1.3,104.0,1.4", "zoom": value}).status_code == 422


def test_a_negative_or_huge_gap_size_is_refused(api, cast):
    url = f"/api/v1/communities/{cast.community.slug}/assets/gaps"
    for size in ("-250", HUGE, "nan"):
        response = api.get(url, {"size": size})
        assert response.status_code == 422 and "error" in response.json()


# --- Oversized bodies ---------------------------------------------------------------------

BIG_BODY = b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}'


@pytest.mark.parametrize("debug", [True, False])
def test_an_oversized_api_body_is_a_413_in_the_error_body(cast, debug):
    _, secret = create_api_token(user=cast.user("coordinator"))
    c = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug):
        response = c.post(
            f"/api/v1/communities/{cast.community.slug}/assets",
            BIG_BODY,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "too_large" and "MB" in error["message"]


def test_too_many_form_fields_on_the_api_is_a_413(cast):
    c = Client(raise_request_exception=False)
    c.force_login(cast.user("coordinator"))
    fields = "&".join(f"f{i}=1" for i in range(1500))
    response = c.post(
        f"/api/v1/communities/{cast.community.slug}/assets/import",
        fields,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize("debug", [True, False])
def test_an_oversized_form_on_a_page_is_a_plain_words_413_page(cast, debug):
    c = Client(raise_request_exception=False)
    c.force_login(cast.user("coordinator"))
    body = "name=" + "x" * (3 * 1024 * 1024)
    with override_settings(DEBUG=debug):
        response = c.post(
            f"/c/{cast.community.slug}/assets/new/",
            body,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 413
    html = response.content.decode()
    assert "<html" in html and "too much" in html.lower()
    assert "RequestDataTooBig" not in html and "Traceback" not in html


# --- A billion laughs in an XLSX file -----------------------------------------------------

LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!DOCTYPE lolz [\n"
    ' <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10)
    )
    + "]>\n"
)


def _xlsx_with_laughs(where: str) -> bytes:
    """A minimal workbook whose sharedStrings or worksheet XML declares nested entities."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Category"])
    book.active.append(["Bench", "place"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            text = src.read(item.filename).decode()
            if item.filename == "xl/worksheets/sheet1.xml":
                if where == "sheet":
                    text = LAUGHS + text.replace("<t>Bench</t>", "<t>&lol9;</t>")
                else:
                    bench = '<c r="A2" t="inlineStr"><is><t>Bench</t></is></c>'
                    text = text.replace(bench, '<c r="A2" t="s"><v>0</v></c>')
            if where == "shared" and item.filename == "xl/_rels/workbook.xml.rels":
                text = text.replace(
                    "</Relationships>",
                    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" />'
                    "</Relationships>",
                )
            if where == "shared" and item.filename == "[Content_Types].xml":
                text = text.replace(
                    "</Types>",
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
                    "</Types>",
                )
            dst.writestr(item, text.encode())
        if where == "shared":
            dst.writestr(
                "xl/sharedStrings.xml",
                LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                'main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>',
            )
    return out.getvalue()


@pytest.mark.parametrize("where", ["shared", "sheet"])
def test_a_billion_laughs_xlsx_is_refused_as_unreadable(cast, where):
    from kampung.assets import importing

    data = _xlsx_with_laughs(where)
    with pytest.raises(importing.ImportFileError):
        importing.read(data, "laughs.xlsx")


@pytest.mark.parametrize("where", ["shared", "sheet"])
def test_a_billion_laughs_xlsx_through_the_api_is_a_422(api, cast, where):
    upload = SimpleUploadedFile("laughs.xlsx", _xlsx_with_laughs(where))
    response = api.post(
        f"/api/v1/communities/{cast.community.slug}/assets/import",
        {"file": upload, "dry_run": "true"},
    )
    assert response.status_code == 422, response.content[:300]
    assert "error" in response.json()


def test_openpyxl_parses_with_defusedxml():
    from openpyxl import DEFUSEDXML

    assert DEFUSEDXML is True
