"""The API of skill-sharing sessions, under /api/v1/communities/<slug>/sessions/."""

from ninja import Router

router = Router(tags=["skill-sharing sessions"])
