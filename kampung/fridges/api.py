"""The API of community fridges, under /api/v1/communities/<slug>/fridges/."""

from ninja import Router

router = Router(tags=["community fridges"])
