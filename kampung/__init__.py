"""Kampung: a web platform for asset-based community development."""

__version__ = "0.1.0"
