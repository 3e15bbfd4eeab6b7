"""The API's one pagination: `limit` and `offset` with stated bounds, used by every
`@paginate` (settings.NINJA_PAGINATION_CLASS). Without bounds a page number past 2**63
reached the database and came back as a server error; now it is a 422 naming the field,
and the OpenAPI description says what is allowed."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

PER_PAGE = 50
MAX_LIMIT = 500
MAX_OFFSET = 10**9


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            PER_PAGE, ge=1, le=MAX_LIMIT, description=f"How many items (1 to {MAX_LIMIT})."
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description=f"How many items to skip (0 to {MAX_OFFSET:,})."
        )

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
