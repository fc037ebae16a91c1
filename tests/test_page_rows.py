"""No page receives more rows than it shows (issue 11): every table gets one page of its list,
sorted and cut in SQL, with the list's length beside it, on a demo whose lists are longer than
a page (two townships: 340 deputies, 1,121 households)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from etl.cli import load_paths
from etl.demo import generate_registers
from etl.loader import register_files
from queries import deputies
from queries.metrics import Period, Scope
from queries.paging import EVERY_ROW, PAGE_ROWS, Page
from tests.apptest import open_page

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
PAGES = ["overview", "briefing", "summary", "inspections", "suggestions", "campaign", "stations", "deputies",
         "comparison", "data"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("two_townships")
    db = folder / "dashboard.duckdb"
    load_paths(register_files(generate_registers(folder / "registers", townships=2, seed=42)), db)
    return db


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))

    def run(page: str, **query):
        at = open_page(f"pages/{page}.py", via_router=False, query=query, timeout=120)
        assert not at.exception, at.exception
        return at

    return run


@pytest.mark.parametrize("township", [None, "QH01"], ids=["both townships", "one township"])
@pytest.mark.parametrize("page", PAGES)
def test_no_table_receives_more_than_a_page(app, page, township):
    at = app(page, **({"township": township} if township else {}))
    # The one exception: the 指标口径, the product's own fixed list of definitions (no data).
    sizes = [len(frame.value) for frame in at.dataframe if list(frame.value.columns) != ["指标", "单位", "口径"]]
    assert all(size <= PAGE_ROWS for size in sizes), sizes


def _totals(at) -> list[int]:
    """The list lengths the tables state under them (共 N …)."""
    return [int(m.group(1)) for c in at.caption if (m := re.match(r"共 (\d+) ", c.value))]


def test_a_long_list_shows_its_first_page_and_its_length(app, demo_db):
    at = app("deputies")
    con = duckdb.connect(str(demo_db), read_only=True)
    try:  # the page's default period: the latest complete quarter of the demo
        whole = deputies.deputy_records(con, Scope(("QH01", "QH02")), Q3, page=EVERY_ROW).whole()
    finally:
        con.close()
    assert len(whole) == 340 > PAGE_ROWS
    assert 340 in _totals(at)  # the table says how long the list is
    records = next(df.value for df in at.dataframe if "参加活动（次）" in df.value.columns)
    assert list(records["代表编号"]) == list(whole["deputy_id"][:PAGE_ROWS])  # its first page, in the list's order

    at.number_input(key="deputies_records_page").set_value(2).run()
    second = next(df.value for df in at.dataframe if "参加活动（次）" in df.value.columns)
    assert list(second["代表编号"]) == list(whole["deputy_id"][PAGE_ROWS:2 * PAGE_ROWS])
    assert any("显示第 51–100 人" in c.value for c in at.caption)

    at.selectbox(key="deputies_records_sort").set_value("activities").run()
    at.toggle(key="deputies_records_descending").set_value(True).run()
    busiest = next(df.value for df in at.dataframe if "参加活动（次）" in df.value.columns)
    ranked = whole.sort_values(["activities", "deputy_id"], ascending=[False, True])
    assert list(busiest["代表编号"]) == list(ranked["deputy_id"][:PAGE_ROWS])  # sorted over all 340, in SQL


def test_pages_of_every_sort_add_up_to_the_list(demo_db):
    """Cut page by page in any of its sorts, a list gives each row once (the sort is total)."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        scope, period = Scope(("QH01", "QH02")), Period(dt.date(2026, 1, 1), dt.date(2026, 9, 30))
        whole = deputies.deputy_records(con, scope, period, page=EVERY_ROW).whole()
        for order in [None, *deputies.ALL_RECORDS.orders]:
            for descending in (False, True):
                pages, number = [], 0
                while True:
                    listed = deputies.deputy_records(con, scope, period, page=Page(number, 60, order, descending))
                    pages += list(listed.rows["deputy_id"])
                    number += 1
                    if number >= listed.pages:
                        break
                assert sorted(pages) == sorted(whole["deputy_id"]) and len(pages) == len(set(pages)), order
        past = deputies.deputy_records(con, scope, period, page=Page(99))
        assert past.page.number == past.pages - 1 and len(past.rows)  # past the end: the last page
    finally:
        con.close()
