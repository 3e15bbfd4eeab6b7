"""Bounded paging, for the API and the site's pages.

The API's one pagination: `limit` and `offset` with stated bounds, used by every
`@paginate` (settings.NINJA_PAGINATION_CLASS). Without bounds a page number past 2**63
reached the database and came back as a server error; now it is a 422 naming the field,
and the OpenAPI description says what is allowed.

The pages' one paginator, `CappedPaginator`: a page reads its rows and one more (is
there a next page?), and counts only up to COUNT_CAP, so a list costs the same with 50
rows or 100,000."""

from __future__ import annotations

from django.db.models import QuerySet
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


# --- Pages of the site's lists ---------------------------------------------------------

COUNT_CAP = 1000  # a list never counts further than this: "more than 1,000 people"


def count_up_to(rows, cap: int | None = COUNT_CAP) -> int:
    """How many rows, counting no further than cap + 1: on a queryset one
    `SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)`, which reads at most cap + 1 index
    entries however long the table is (a plain COUNT(*) reads them all). `cap=None`
    counts them all, for a list whose count is cheap (one account's statement)."""
    if cap is None:
        return rows.count() if isinstance(rows, QuerySet) else len(rows)
    if isinstance(rows, QuerySet):
        return rows.order_by()[: cap + 1].count()
    return min(len(rows), cap + 1)


class Page:
    """One page of a list, with the names of Django's Page (`object_list`, `number`,
    `has_next()`, `has_previous()`, `has_other_pages()`, `next_page_number()`,
    `previous_page_number()`, `start_index()`, `paginator`), so pages and templates read
    it the same way."""

    def __init__(self, object_list: list, number: int, paginator: CappedPaginator, more: bool):
        self.object_list, self.number, self.paginator, self._more = (
            object_list,
            number,
            paginator,
            more,
        )

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0


class CappedPaginator:
    """Django's Paginator without its COUNT(*) of every row: a page reads per_page + 1
    rows (one query: the extra row says whether there is a next page), and the total is
    counted only when shown, and then only up to COUNT_CAP + 1 (`count_up_to`). With
    20,000 members the people list reads 26 rows, not 20,000.

    `count` is exact up to COUNT_CAP; past it, `count_is_exact` is False and `count` is
    COUNT_CAP + 1 ("more than 1,000"). `num_pages` is None when the count is not exact."""

    def __init__(self, object_list, per_page: int, *, cap: int | None = COUNT_CAP):
        self.object_list, self.per_page, self.cap = object_list, per_page, cap
        self._count: int | None = None

    def _number(self, number) -> int:
        try:
            value = int(number)
        except (TypeError, ValueError):
            return 1
        # Bounded as the API's offset is: a page number past it is read as that page.
        return min(max(value, 1), MAX_OFFSET // self.per_page + 1)

    def _read(self, number: int) -> list:
        offset = (number - 1) * self.per_page
        return list(self.object_list[offset : offset + self.per_page + 1])

    def get_page(self, number) -> Page:
        """The page asked for (page 1 for anything that is not a number; the last page
        for a number past the end, as Django's get_page does)."""
        number = self._number(number)
        rows = self._read(number)
        if not rows and number > 1:
            # Past the end: a stale link or an edited address. Rare, so count exactly.
            total = (
                self.object_list.count()
                if isinstance(self.object_list, QuerySet)
                else len(self.object_list)
            )
            self._count = total
            number = max(1, -(-total // self.per_page))
            rows = self._read(number)
        more = len(rows) > self.per_page
        if not more:  # the last page: the total is known without counting
            self._count = (number - 1) * self.per_page + len(rows)
        return Page(rows[: self.per_page], number, self, more)

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = count_up_to(self.object_list, self.cap)
        return self._count

    @property
    def count_is_exact(self) -> bool:
        return self.cap is None or self.count <= self.cap

    @property
    def num_pages(self) -> int | None:
        if not self.count_is_exact:
            return None
        return max(1, -(-self.count // self.per_page))
