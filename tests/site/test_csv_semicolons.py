"""Where a spreadsheet's region splits CSV files on semicolons, the piece after a
semicolon is a cell of its own: the one CSV writer neutralises it as it does a cell's
start (found by the attack on the fridge log's CSV)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from kampung.exports import FORMULA_STARTS, csv_text, safe_cell


def test_a_formula_after_a_semicolon_is_written_as_text():
    assert safe_cell(";=1+1") == ";'=1+1"
    assert safe_cell("Threw it away; @SUM(A1)") == "Threw it away; '@SUM(A1)"
    assert safe_cell("10;-5") == "10;-5"  # numbers stay numbers
    assert safe_cell("rice; beans") == "rice; beans"


@given(st.text(max_size=40))
def test_no_piece_of_any_cell_starts_a_formula_in_either_region(text):
    written = csv_text(["h"], [[text]])
    for row in csv.reader(io.StringIO(written)):
        for cell in row:
            for piece in cell.split(";"):
                piece = piece.lstrip(" ")
                if piece.startswith(FORMULA_STARTS):
                    assert piece.lstrip("+-").replace(".", "", 1).isdigit(), piece
