"""A community developer imports a spreadsheet on a phone: a file with mistakes is
reported row by row and nothing is added; a good file is imported and lands on the map."""

from __future__ import annotations

import pytest

from tests.assets.test_import import BAD, GOOD, _csv
from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _choose(page, name, data):
    page.get_by_label("Spreadsheet file (.csv or .xlsx)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Check the file").click()


def test_a_coordinator_checks_a_bad_file_then_imports_a_good_one(
    cast, page, log_in, live_server, shot
):
    from kampung.assets.models import Asset

    before = Asset.objects.count()
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/assets/")
    page.get_by_role("link", name="Import a spreadsheet").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import a spreadsheet"
    shot(page, "asset-import-form-mobile")
    assert _serious_violations(page) == []

    _choose(page, "bad.csv", _csv(BAD))
    assert page.get_by_role("heading", level=1).inner_text() == "Check before importing"
    problems = page.locator("table.import-problems tbody tr")
    assert problems.count() == 5
    assert problems.first.locator("td").all_inner_texts() == [
        "2",
        "Latitude",
        "100 is out of range (must be between -90 and 90).",
    ]
    # Still a table to a screen reader, though a phone lays each row out in two lines.
    assert page.get_by_role("cell", name="Every asset needs a name.").is_visible()
    assert page.get_by_role("button", name="Import only the 1 valid row").is_visible()
    assert page.get_by_role("button", name="Import all").count() == 0
    shot(page, "asset-import-problems-mobile")
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Cancel").click()
    assert page.get_by_text("Nothing was imported.").is_visible()
    assert Asset.objects.count() == before

    _choose(page, "good.csv", _csv(GOOD))
    assert page.get_by_text("Block 123 fridge").is_visible()
    page.get_by_role("button", name="Import all 3 rows").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Asset map"
    assert page.get_by_text("Imported good.csv: 3 added, 0 changed").is_visible()
    assert Asset.objects.count() == before + 3
    shot(page, "asset-import-done-mobile")
