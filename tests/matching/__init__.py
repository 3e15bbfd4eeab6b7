"""Tests for the plain-Python matching core (kampung.matching.core)."""
