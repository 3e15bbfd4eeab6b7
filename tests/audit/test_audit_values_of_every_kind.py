"""Every kind of value a model holds can be written to the audit log: times of day,
durations, stored files and pictures (said to be there, never their bytes or names)."""

from __future__ import annotations

import datetime as dt

from django.db.models.fields.files import FieldFile, FileField

from kampung.audit.log import _plain


def test_times_of_day_and_durations():
    assert _plain(dt.time(10, 30)) == "10:30:00"
    assert _plain(dt.timedelta(minutes=90)) == 5400.0


def test_bytes_are_counted_not_copied():
    assert _plain(b"\xff\xd8secret-jpeg") == "(13 bytes)"
    assert _plain(memoryview(b"abc")) == "(3 bytes)"


def test_a_stored_file_is_named_only_as_a_file():
    field = FileField(upload_to="x/")
    field.name = "file"
    stored = FieldFile(None, field, "gifts/Zx9-random-name.jpg")
    assert _plain(stored) == "(a file)"
    assert _plain(FieldFile(None, field, "")) == ""
    assert "random-name" not in str(_plain(stored))
