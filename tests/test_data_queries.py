"""The 数据 page's queries (appended to queries/data.py) against the hand-counted county of conftest.py."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from etl.cli import load_paths
from queries import data
from queries.labels import METRICS
from queries.metrics import Period, Scope
from queries.paging import EVERY_ROW, Page
from queries.scope import Viewer
from tests.conftest import VISITS, write_csv

Q2 = Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
EMPTY = Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))
ALL = Scope(("QH01", "QH02", "QH03"))
EVERYONE = Viewer("tester", everything=True)


def test_load_history_names_register_and_result_in_chinese(con):
    history = data.load_history(con, ALL, EVERYONE).rows
    # conftest loads seven files, rosters first; newest first here.
    assert list(history["file_name"]) == [
        "走访记录.csv", "建议意见登记.csv", "活动记录.xlsx", "脱贫户名册.csv", "代表名册.csv", "活动站名册.xlsx",
        "乡镇名册.csv",
    ]
    assert list(history["register"]) == ["走访记录", "建议意见登记", "活动记录", "脱贫户名册", "代表名册", "活动站名册",
                                         "乡镇名册"]
    assert list(history["rows_read"]) == [10, 12, 15, 8, 8, 3, 3]  # data rows of each register in conftest
    assert (history["rows_read"] == history["rows_accepted"] + history["rows_rejected"]).all()
    assert set(history["result"]) == {"已导入"}
    assert list(history["sheet"])[2] == "活动记录"  # the XLSX sheet; CSVs have none
    assert history["loaded_at"].dt.microsecond.eq(0).all()  # shown to the second


def test_register_counts_per_township(con):
    counts = data.register_counts(con, ALL).rows.set_index("township_code")
    # County order: 白水县 (QH03) before 青禾县 (QH01, QH02), as the sidebar lists them.
    assert list(counts.index) == ["QH03", "QH01", "QH02"]
    qh01 = counts.loc["QH01"]
    assert (qh01["stations"], qh01["deputies"], qh01["households"]) == (2, 4, 5)  # S01 S02; D01-D04; H01-H05
    # Activities of QH01 in any month: A01 A02 A04 A05 A07 A09 A10 A11 A13 A14; newest A14 (7-01).
    assert qh01["activities"] == 10 and qh01["activities_latest"] == "2024-07-01"
    # Suggestions: G01 G02 G03 G04 G06 G08 G09 G11; newest received G04 (5-15).
    assert qh01["suggestions"] == 8 and qh01["suggestions_latest"] == "2024-05-15"
    # Visits: seven rows of 走访记录 (3-01 … 6-11); newest 6-11.
    assert qh01["visits"] == 7 and qh01["visits_latest"] == "2024-06-11"
    qh03 = counts.loc["QH03"]
    # QH03: no station, D08, H08, A15, G12, no visit (no latest date).
    assert (qh03["stations"], qh03["deputies"], qh03["households"], qh03["activities"], qh03["suggestions"],
            qh03["visits"]) == (0, 1, 1, 1, 1, 0)
    assert pd.isna(qh03["visits_latest"])


def test_register_counts_follow_the_scope(con):
    assert list(data.register_counts(con, Scope(("QH02",))).rows["township_name"]) == ["石桥镇"]


def _cells(frame: pd.DataFrame) -> list[list]:
    """A frame's rows, every missing value as None (pages and batches spell it differently)."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.astype(object).values.tolist()]


@pytest.mark.parametrize("order", sorted(data.COUNT_ORDERS))
@pytest.mark.parametrize("descending", [False, True])
def test_register_counts_sorted_by_a_count_are_the_whole_list_sorted(con, order, descending):
    """Sorted by a count or a date every township is counted (ALL_REGISTER_COUNTS); in the roster's
    order only a page's (REGISTER_COUNTS): both must give the rows of the whole list."""
    whole = data.register_counts(con, ALL, EVERY_ROW).whole()
    assert _cells(whole) == _cells(data.register_counts(con, ALL, Page(size=100)).rows)
    expected = whole.sort_values([order, "township_code"], ascending=[not descending, True],
                                 na_position="last", kind="stable")
    pages = [data.register_counts(con, ALL, Page(number, 2, order, descending)) for number in (0, 1)]
    assert [page.total for page in pages] == [3, 3]
    assert [row for page in pages for row in _cells(page.rows)] == _cells(expected)
    for number in (0, 1, 2):  # a page of one, in the roster's order, is that row of the whole list
        assert _cells(data.register_counts(con, ALL, Page(number, 1)).rows) == _cells(whole.iloc[[number]])


def cells(grid: pd.DataFrame, register: str, township: str) -> list[str]:
    part = grid[(grid["register"] == register) & (grid["township_code"] == township)]
    return list(part["cell_text"])


def test_completeness_grid_marks_empty_months(con):
    grid = data.completeness(con, Scope(("QH01", "QH02")), Q2)
    assert len(grid) == 3 * 2 * 3  # registers × townships × months
    assert list(grid["register"].unique()) == ["activities", "suggestions", "visits"]
    assert list(grid["month"].unique()) == list(pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"]))
    # QH01 activities: April A01 A10; May A02 A04 A07; June A05 A09 A11.
    assert cells(grid, "activities", "QH01") == ["2", "3", "3"]
    # QH02 activities: April A03; May none; June A06 A08 A12.
    assert cells(grid, "activities", "QH02") == ["1", "空", "3"]
    # QH01 suggestions: April G01 G02 G09; May G03 G04; June none.
    assert cells(grid, "suggestions", "QH01") == ["3", "2", "空"]
    assert cells(grid, "suggestions", "QH02") == ["空", "空", "2"]  # June G05 G10
    # QH01 visits: April none (the H03 visit is 3-01); May 5-06 ×2, 5-20; June 6-02, 6-10, 6-11.
    assert cells(grid, "visits", "QH01") == ["空", "3", "3"]
    assert cells(grid, "visits", "QH02") == ["空", "空", "2"]  # 6-12, 6-15 (7-02 is outside)
    empty_cells = grid[grid["cell_text"] == "空"]
    assert (empty_cells["records"] == 0).all()


def test_completeness_of_an_empty_period_is_all_empty(con):
    grid = data.completeness(con, ALL, EMPTY)
    assert len(grid) == 3 * 3 * 3
    assert grid["records"].sum() == 0 and set(grid["cell_text"]) == {"空"}


def test_register_rows_behind_a_cell(con):
    rows = data.register_rows(con, Scope(("QH02",)), Q2, "activities").rows  # A03 A06 A08 A12
    assert set(rows["record_id"]) == {""}  # an activity is named by type and title, never by its id
    assert list(rows["record_date"]) == ["2024-04-20", "2024-06-18", "2024-06-20", "2024-06-29"]
    assert list(rows["description"])[0] == "接待选民：接待日"
    assert set(rows["source_file"]) == {"活动记录.xlsx"}
    assert list(rows["source_row"]) == [6, 9, 11, 15]  # data rows start on Excel row 4
    suggestions = data.register_rows(con, Scope(("QH01",)), Q2, "suggestions").rows
    assert list(suggestions["record_id"]) == ["G09", "G01", "G02", "G03", "G04"]  # by receipt date
    assert list(suggestions["source_row"]) == [10, 2, 3, 4, 5]  # CSV: header on row 1
    visits = data.register_rows(con, Scope(("QH02",)), Q2, "visits").rows
    assert list(visits["record_id"]) == ["H06", "石桥砖厂"]
    assert list(visits["description"]) == ["脱贫户（南村）", "帮扶企业（南村）"]
    assert data.register_rows(con, ALL, EMPTY, "visits").rows.empty


def test_rejections_page_and_count(county_db, tmp_path):
    with duckdb.connect(str(county_db), read_only=True) as clean:
        assert data.rejections_page(clean, ALL, EVERYONE, 0, 100).empty
        assert data.rejections_count(clean, ALL, EVERYONE) == 0
    bad = [VISITS[0], *[[f"2024-08-{day:02d}", "QH01", "东村", "脱贫户", f"H9{day}", "", "D01", "", "", "", ""]
                        for day in range(1, 6)],
           ["2024-08-06", "QH01", "东村", "脱贫户", "H01", "", "D01", "", "", "", ""]]
    load_paths([write_csv(tmp_path / "走访记录_八月.csv", bad, "utf-8")], county_db)
    with duckdb.connect(str(county_db), read_only=True) as loaded:
        first = data.rejections_page(loaded, ALL, EVERYONE, 0, 2)
        last = data.rejections_page(loaded, ALL, EVERYONE, 4, 2)
        assert data.rejections_count(loaded, ALL, EVERYONE) == 5  # rows 2-6 name households not on the roster
        batches = [len(batch) for batch in data.rejection_batches(loaded, ALL, EVERYONE, size=2)]
    assert list(first.columns) == ["file_name", "sheet", "row_no", "column_name", "value", "reason"]
    assert first.values.tolist() == [["走访记录_八月.csv", "", 2, "户编号", "H91", "「户编号」户编号不在脱贫户名册中"],
                                     ["走访记录_八月.csv", "", 3, "户编号", "H92", "「户编号」户编号不在脱贫户名册中"]]
    assert last["row_no"].tolist() == [6]  # the fifth and last
    assert batches == [2, 2, 1]


def test_metric_definitions_list_every_metric():
    frame = data.metric_definitions()
    assert len(frame) == len(METRICS)
    first = frame.iloc[0].tolist()
    assert first == ["视察检查次数", "次", "活动类型为视察或执法检查的活动次数"]
    assert frame.loc[frame["name"] == "本期收集件办结率", "unit"].item() == "%"


def test_load_log_and_rejections_follow_the_viewer(county_db, tmp_path):
    """A township sees loads whose rows are all its own, and its own uploads; never the county's files."""
    bad = [VISITS[0], ["2024-08-01", "QH01", "东村", "脱贫户", "H99", "", "D01", "", "", "", ""]]
    load_paths([write_csv(tmp_path / "走访记录_八月.csv", bad, "utf-8")], county_db)
    with duckdb.connect(str(county_db), read_only=True) as con:
        town = Scope(("QH01",))
        assert list(data.load_history(con, town, Viewer("qh01")).rows["file_name"]) == ["走访记录_八月.csv"]
        assert data.load_history(con, Scope(("QH02",)), Viewer("qh02")).rows.empty  # conftest's files name 3 townships
        assert list(data.rejections_page(con, town, Viewer("qh01"), 0, 100)["value"]) == ["H99"]
        assert data.rejections_page(con, Scope(("QH02",)), Viewer("qh02"), 0, 100).empty
        assert data.rejections_count(con, Scope(("QH02",)), Viewer("qh02")) == 0
        assert len(data.load_history(con, Scope(()), Viewer("nobody")).rows) == 0  # no scope: nothing
