"""Refusals of the workshop pages and API that are not about one field's value."""

from __future__ import annotations

from kampung.errors import Conflict


class MergeOutdated(Conflict):
    """The items changed (edited, withdrawn, merged) after the review page was shown."""

    code = "merge_outdated"
    default_message = "These items changed while you were looking at them. Check the choices again."
