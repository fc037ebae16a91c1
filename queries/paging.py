"""Lists paged in SQL: a table gets one page of its list and the list's length, never the list.

A list is a `ListSpec`: the SELECT of its rows (`base`: the filters, the key and the columns
it can be sorted by), how it is sorted, and the SELECT that dresses the page's rows for the
screen (`shown`: names joined from the rosters, masked values), which runs on the page's rows
only. `listing` runs it for a `Page` in one statement: the list sorted and cut in DuckDB
(LIMIT/OFFSET), its length counted in the same pass. The export of a whole list asks for
EVERY_ROW and gets its rows in batches, so a province's million rows never sit in memory at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from queries.metrics import Con, prepared, run

PAGE_ROWS = 50  # what a table on a page shows at once
EXPORT_BATCH_ROWS = 20_000


@dataclass(frozen=True)
class Page:
    """Which rows of a list to show: page `number` (0 first) of `size` rows, sorted by the list's
    `order` (a key of its ListSpec.orders; None: its own order), `descending` or not.
    `size` None is every row, for an export."""

    number: int = 0
    size: int | None = PAGE_ROWS
    order: str | None = None
    descending: bool = False


EVERY_ROW = Page(size=None)


@dataclass(frozen=True)
class ListSpec:
    """A list, in SQL fragments that are fixed text (never input; the values are parameters).

    `base` selects the list's rows with their key and every column an order names; `shown`
    selects what a table shows FROM `listed p` (the page's rows, `p.list_row` their place),
    after the extra CTEs of `ctes` (starting with a comma), which may read `listed` too;
    `order` is the register's own ORDER BY over base columns, `orders` the other sorts a user
    may pick (key -> column), `tiebreak` makes any sort total (the key). `after` dresses a frame
    in Python (a phone number typed into a free-text column is masked by value)."""

    base: str
    shown: str
    order: str
    tiebreak: str
    orders: dict[str, str] = field(default_factory=dict)
    ctes: str = ""
    after: Callable[[pd.DataFrame], pd.DataFrame] | None = None

    def order_by(self, page: Page) -> str:
        if page.order is None or page.order not in self.orders:
            return f"{self.order}, {self.tiebreak}" if self.tiebreak not in self.order else self.order
        direction = "DESC" if page.descending else "ASC"
        return f"{self.orders[page.order]} {direction} NULLS LAST, {self.tiebreak}"


@dataclass
class Listing:
    """One page of a list and how long the list is; for EVERY_ROW, `batches` yields the whole
    list (read them before the cursor closes) and `rows` is empty."""

    rows: pd.DataFrame
    total: int
    page: Page
    batches: Iterator[pd.DataFrame] | None = None

    def whole(self) -> pd.DataFrame:
        """The rows as one frame: the page's, or for EVERY_ROW every batch (read now)."""
        if self.batches is None:
            return self.rows
        return pd.concat([self.rows, *self.batches], ignore_index=True)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page.size)) if self.page.size else 1

    @property
    def first_row(self) -> int:
        """The place (1-based) of the page's first row in the list (0 when it is empty)."""
        return self.page.number * (self.page.size or 0) + 1 if len(self.rows) else 0


# The page's rows and the list's length in one pass: `base` is materialized once and both
# counted and cut (ORDER BY … LIMIT/OFFSET keeps only the page while it sorts).
PAGE_SQL = """
    WITH base AS MATERIALIZED ({base}),
    listed AS (
        SELECT *, row_number() OVER (ORDER BY {order}) + $page_offset AS list_row
        FROM (SELECT * FROM base ORDER BY {order} LIMIT $page_limit OFFSET $page_offset)
    ){ctes}
    SELECT (SELECT count(*) FROM base) AS list_total, shown.* FROM ({shown}) shown ORDER BY shown.list_row
"""
COUNT_SQL = "SELECT count(*) FROM ({base})"


def _statement(spec: ListSpec, page: Page) -> str:
    shown = re.sub(r"^\s*SELECT\b", "SELECT p.list_row,", spec.shown, count=1, flags=re.IGNORECASE)
    return PAGE_SQL.format(base=spec.base, order=spec.order_by(page), ctes=spec.ctes, shown=shown)


def listing(con: Con, spec: ListSpec, params: dict, page: Page = Page(), total: int | None = None) -> Listing:
    """The page of the list (sorted and cut in DuckDB) and the list's length; for EVERY_ROW,
    the whole list in batches (`total`, when the caller knows it, saves counting it again)."""
    if page.size is None:
        if total is None:
            total = run(con, COUNT_SQL.format(base=spec.base), params).fetchall()[0][0]
        return Listing(pd.DataFrame(), total, page, _batches(con, spec, params, page))
    page = Page(max(page.number, 0), page.size, page.order, page.descending)
    frame = _page(con, spec, params, page)
    if frame.empty and page.number:  # past the end (the list got shorter): its last page
        total = run(con, COUNT_SQL.format(base=spec.base), params).fetchall()[0][0]
        page = Page(max(0, -(-total // page.size) - 1), page.size, page.order, page.descending)
        frame = _page(con, spec, params, page)
    total = int(frame["list_total"].iloc[0]) if len(frame) else 0
    return Listing(_dressed(spec, frame), total, page)


def _page(con: Con, spec: ListSpec, params: dict, page: Page) -> pd.DataFrame:
    return run(con, _statement(spec, page), {**params, "page_limit": page.size,
                                              "page_offset": page.number * page.size}).df()


def _batches(con: Con, spec: ListSpec, params: dict, page: Page) -> Iterator[pd.DataFrame]:
    sql, bound = prepared(con, _statement(spec, page), {**params, "page_limit": None, "page_offset": 0})
    for batch in con.sql(sql, params=bound).to_arrow_reader(EXPORT_BATCH_ROWS):
        yield _dressed(spec, batch.to_pandas())


def _dressed(spec: ListSpec, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in ("list_total", "list_row") if c in frame.columns])
    return spec.after(frame) if spec.after else frame
