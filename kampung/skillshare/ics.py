"""A small RFC 5545 content-line writer (no Django), for the calendar feeds' events.

Writing 500 events through icalendar's object model (a parameter dictionary, a typed
value and a folded line per property) took most of a feed's half second; these few
functions write the same bytes directly. They follow icalendar exactly, so that a feed
reads in any calendar app (and in icalendar itself) as it did before:

- TEXT values escaped as icalendar escapes them: backslash, semicolon and comma get a
  backslash; CRLF, LF and a lone CR become ``\\n`` (icalendar also reads a typed ``\\N``
  as a line break, and so does this writer).
- Lines folded before they reach 75 octets (CRLF then one space), never inside a
  UTF-8 character, and never just after a backslash (icalendar moves an escape's
  backslash to the next line, for older calendar apps).

tests/skillshare/test_ics_writer_properties.py checks, with hostile text, that the
bytes are the bytes icalendar writes and that icalendar reads the text back."""

from __future__ import annotations

import datetime as dt

FOLD_AT = 75  # octets; icalendar folds when a line would reach this many
_CHUNK = FOLD_AT - 1
CRLF = "\r\n"


def escape_text(text: str) -> str:
    """A TEXT value (SUMMARY, DESCRIPTION, LOCATION, UID), escaped as icalendar does."""
    return (
        text.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded as icalendar folds it (without the final CRLF)."""
    if len(line) <= _CHUNK and line.isascii():
        return line
    if line.isascii():
        # One octet a character: chunks of 74, moving a trailing backslash (or caret,
        # RFC 6868's escape) to the next chunk.
        parts = []
        start, end_of_line = 0, len(line)
        while end_of_line - start > _CHUNK:
            end = start + _CHUNK
            if line[end - 1] in "\\^":
                end -= 1
            parts.append(line[start:end])
            start = end
        parts.append(line[start:])
        return "\r\n ".join(parts)
    return _fold_unicode(line)


def _fold_unicode(line: str) -> str:
    """icalendar's folding, character by character, counting UTF-8 octets."""
    folded: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= FOLD_AT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current = [carried]
                count = len(carried.encode("utf-8"))
            else:
                folded.append("".join(current))
                current = []
                count = 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def text_line(name: str, text: str) -> str:
    """``NAME:escaped text`` folded, with its CRLF."""
    return fold(f"{name}:{escape_text(text)}") + CRLF


def raw_line(name: str, value: str) -> str:
    """A line whose value is already in iCalendar form (URI, RRULE, GEO), folded."""
    return fold(f"{name}:{value}") + CRLF


def local_time(day: dt.date, at: dt.time) -> str:
    """A local DATE-TIME value (used with a TZID parameter): 20260105T090000."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}T{at.hour:02d}{at.minute:02d}{at.second:02d}"


def utc_time(moment: dt.datetime) -> str:
    """A UTC DATE-TIME value: 20261201T204312Z (an aware moment, any zone)."""
    u = moment.astimezone(dt.UTC)
    return f"{u.year:04d}{u.month:02d}{u.day:02d}T{u.hour:02d}{u.minute:02d}{u.second:02d}Z"
