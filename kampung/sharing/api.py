"""The API of gift and take, under /api/v1/communities/<slug>/gifts/."""

from ninja import Router

router = Router(tags=["gift and take"])
