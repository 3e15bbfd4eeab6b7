"""The one CSV writer. Every CSV Kampung produces (asset exports, the ledger, statements,
the import template, and every export added later) is written here, so that no cell can
run as a formula when the file is opened in a spreadsheet.

Names and descriptions come from people — some from anonymous workshop participants and
imported files — and a cell such as `=HYPERLINK("http://x","click")` or `@SUM(A1)` would
be live in Excel, LibreOffice or Google Sheets. As OWASP recommends for CSV injection,
a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written
with a leading apostrophe (spreadsheets show the text; the apostrophe is not displayed),
and the csv module quotes every cell that holds a separator, quote or line break; a
piece after a semicolon (a separator in some regions' spreadsheets) is treated the same.
Numbers stay numbers: an int, float or Decimal (negative ones too) and text that is
exactly a plain number ("-45", "1.5") are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: Any) -> Any:
    """One cell as it may be written: numbers unchanged, dates in ISO form, lists joined
    with "; ", None as empty, text neutralised if it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if ";" in text:
        # Where a spreadsheet's region splits CSV on semicolons, "a;=1+1" is two cells
        # and the second a live formula: each piece after a semicolon is neutralised too.
        first, *rest = text.split(";")
        text = ";".join([first, *(_neutral_piece(p) for p in rest)])
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _neutral_piece(piece: str) -> str:
    stripped = piece.lstrip(" ")
    if stripped.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(stripped):
        return piece[: len(piece) - len(stripped)] + "'" + stripped
    return piece


class SafeWriter:
    """csv.writer with every cell passed through safe_cell."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _disposition(filename: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export.csv"
    return f'attachment; filename="{safe}"'


def csv_response(filename: str, header, rows, *, bom: bool = False) -> HttpResponse:
    """A whole CSV file as a download. `bom` helps Excel read UTF-8 (templates people
    open in Excel first)."""
    body = ("\ufeff" if bom else "") + csv_text(header, rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


class _Echo:
    def write(self, value):
        return value


def csv_stream(filename: str, header, rows) -> StreamingHttpResponse:
    """A CSV download written row by row as it is read (a ledger can be long)."""
    writer = SafeWriter(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response
