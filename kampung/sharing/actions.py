"""Writes of this app: verb-named, atomic, keyword-only (by=), each calling kampung.policy."""

from __future__ import annotations
