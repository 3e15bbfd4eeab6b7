"""Skill-sharing sessions: one-off or recurring (RFC 5545 RRULE), sign-up, waiting lists
that move by themselves, attendance credited in the time bank, calendar feeds."""
