"""Data that makes no sense is not accepted silently (issue 9, point 14).

Dates outside 1949-10-01 … today + 1 year are rejected; ids and headers that differ
only by invisible characters match; a suggestion moved back from 已办结 loads with a
warning; two files of one load disagreeing on a natural key are both named, and the
winner said — in the CLI report, the upload report and on the 数据 page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.cli import main
from etl.validate import EARLIEST_DATE, REASON_DATE_IMPLAUSIBLE, plausible_dates
from queries import data
from queries.metrics import Scope as _Scope
from queries.scope import Viewer as _Viewer
from tests.apptest import Q2, open_page
from tests.conftest import SUGGESTIONS, write_csv
from ui import uploads

EVERY_TOWNSHIP = _Scope(("QH01", "QH02", "QH03"))  # tests/conftest.py's townships
EVERYONE = _Viewer("tester", everything=True)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "3000")


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def activity(n: int, date: str, station: str = "") -> list[str]:
    return [f"A9{n}", date, "QH01", station, "视察", f"视察{n}"]


ACTIVITY_HEADER = ["活动编号", "日期", "乡镇", "活动站编号", "活动类型", "活动名称"]


# ---------------------------------------------------------------- plausible dates


def test_plausible_dates_window_is_one_setting():
    assert plausible_dates(dt.date(2024, 2, 29)) == (dt.date(1949, 10, 1), dt.date(2025, 2, 28))
    assert plausible_dates(dt.date(2026, 7, 1)) == (EARLIEST_DATE, dt.date(2027, 7, 1))


def test_dates_outside_the_window_are_rejected_with_the_window_named(county_db, tmp_path, capsys):
    earliest, latest = plausible_dates()
    rows = [ACTIVITY_HEADER,
            activity(1, "1949-09-30"), activity(2, "1949-10-01"), activity(3, latest.isoformat()),
            activity(4, (latest + dt.timedelta(days=1)).isoformat()), activity(5, "9999-12-31"),
            activity(6, "0001-01-01"), activity(7, "2024-05-04")]
    path = write_csv(tmp_path / "活动记录_日期.csv", rows, "utf-8")
    capsys.readouterr()
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    out = capsys.readouterr().out
    reason = "「日期」" + REASON_DATE_IMPLAUSIBLE.format(earliest.isoformat(), latest.isoformat())
    assert reason == f"「日期」日期不在合理范围内（应在 1949-10-01 至 {latest.isoformat()} 之间）"
    assert query(county_db, "SELECT row_no, value, reason FROM rejected_rows ORDER BY row_no") == [
        (2, "1949-09-30", reason), (5, (latest + dt.timedelta(days=1)).isoformat(), reason),
        (6, "9999-12-31", reason), (7, "0001-01-01", reason)]
    assert query(county_db, "SELECT activity_id FROM activities WHERE activity_id LIKE 'A9%' ORDER BY 1") == [
        ("A92",), ("A93",), ("A97",)]
    assert f"第 6 行「日期」值「9999-12-31」：{reason}" in out


def test_an_implausible_date_in_a_roster_or_suggestion(county_db, tmp_path):
    rows = [SUGGESTIONS[0], ["G50", "2024-05-02", "QH01", "", "选民意见", "", "其他", "修路", "", "", "2204-05-03",
                             "已办结", "A", "满意", ""]]
    path = write_csv(tmp_path / "建议意见登记_补.csv", rows, "utf-8")
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    assert query(county_db, "SELECT column_name, value FROM rejected_rows") == [("办结日期", "2204-05-03")]


# ---------------------------------------------------------------- invisible characters


def test_ids_and_headers_differing_only_by_invisible_characters_match(county_db, tmp_path):
    rows = [["活动\u200b编号", "日\ufeff期", "乡镇\u2060", "活动站编号", "活动类型", "活动名称", "参加代表"],
            ["A91", "2024-05-04", "QH0\u200b1", "S0\u200d1", "视\u200b察", "视察一", "D01\u200b、\u2002D02"],
            ["A92", "2024-05-05", "\u202a青河镇\u202c", "\ufeffS01", "调研", "调研二", "D0\u00ad3"]]
    path = write_csv(tmp_path / "活动记录_零宽.csv", rows, "utf-8")
    assert main(["load", str(path), "--db", str(county_db)]) == 0
    assert query(county_db, "SELECT activity_id, township_code, station_id, kind FROM activities "
                            "WHERE activity_id IN ('A91', 'A92') ORDER BY 1") == [
        ("A91", "QH01", "S01", "视察"), ("A92", "QH01", "S01", "调研")]
    assert query(county_db, "SELECT activity_id, deputy_id FROM activity_deputies "
                            "WHERE activity_id IN ('A91', 'A92') ORDER BY 1, 2") == [
        ("A91", "D01"), ("A91", "D02"), ("A92", "D03")]


def test_decomposed_and_composed_forms_are_one_id(tmp_path):
    """NFC: a station id typed with a combining accent is the roster's precomposed id."""
    db = tmp_path / "x.duckdb"
    folder = tmp_path / "登记表"
    folder.mkdir()
    write_csv(folder / "乡镇名册.csv", [["乡镇代码", "乡镇名称", "所属县"], ["T01", "青河镇", "平安县"]], "utf-8")
    write_csv(folder / "活动站名册.csv", [["活动站编号", "活动站名称", "乡镇"], ["Sé1", "站", "T01"]], "utf-8")
    decomposed = ["A1", "2024-05-04", "T01", "Se\u03011", "视察", "x"]
    write_csv(folder / "活动记录.csv", [ACTIVITY_HEADER, decomposed], "utf-8")
    assert main(["load", str(folder), "--db", str(db)]) == 0
    assert query(db, "SELECT station_id FROM activities") == [("Sé1",)]


# ---------------------------------------------------------------- a status moved back


def moved_back(folder: Path) -> Path:
    """G01 (已办结 in conftest) exported again as 办理中, G05 moved forward to 已办结."""
    later = [r[:] for r in SUGGESTIONS]
    g01 = next(r for r in later if r[0] == "G01")
    g01[10:13] = ["", "办理中", ""]
    g05 = next(r for r in later if r[0] == "G05")
    g05[10:13] = ["2024-07-01", "已办结", "A"]
    return write_csv(folder / "建议意见登记_三季度.csv", later, "gb18030")


WARN_G01 = ("编号「G01」的办理状态从「已办结」（「建议意见登记.csv」第 2 行）退回为「办理中」，"
            "已按本文件更新，请核实")


def test_a_status_moved_back_from_resolved_loads_with_a_warning(county_db, tmp_path, capsys):
    capsys.readouterr()
    assert main(["load", str(moved_back(tmp_path)), "--db", str(county_db)]) == 0
    out = capsys.readouterr().out
    assert f"建议意见登记_三季度.csv 第 2 行：{WARN_G01}" in out
    assert "请核实（共 1 条" in out  # G05 moved forward: no warning
    assert query(county_db, "SELECT status FROM suggestions WHERE suggestion_id = 'G01'") == [("办理中",)]
    with duckdb.connect(str(county_db), read_only=True) as con:
        frame = data.load_warnings(con, EVERY_TOWNSHIP, EVERYONE).rows
    assert frame.values.tolist() == [["建议意见登记_三季度.csv", "", 2, "G01", WARN_G01]]


def test_the_warning_through_the_upload_path_and_on_the_data_page(county_db, tmp_path, monkeypatch):
    path = moved_back(tmp_path)
    results = uploads.load_uploads([(path.name, path.read_bytes())], county_db)
    assert uploads.warnings_preview(results).values.tolist() == [["建议意见登记_三季度.csv", 2, "G01", WARN_G01]]
    monkeypatch.setenv("DASHBOARD_DB", str(county_db))
    at = open_page("pages/data.py", via_router=False, query=Q2, timeout=60)
    assert not at.exception
    assert any("已导入但需要核实" in w.value for w in at.warning)
    shown = next(d.value for d in at.dataframe if "提醒" in d.value.columns)
    assert shown[["文件", "行号", "编号", "提醒"]].values.tolist() == [["建议意见登记_三季度.csv", 2, "G01", WARN_G01]]


def test_a_database_without_the_warnings_table_shows_none(county_db):
    with duckdb.connect(str(county_db)) as con:
        con.execute("DROP TABLE load_warnings")
    with duckdb.connect(str(county_db), read_only=True) as con:
        assert data.load_warnings(con, EVERY_TOWNSHIP, EVERYONE).rows.empty


# ---------------------------------------------------------------- two files of one load disagreeing


def test_two_files_of_one_load_disagreeing_are_both_named_and_the_winner_said(county_db, tmp_path, capsys):
    first = [SUGGESTIONS[0], ["G60", "2024-05-02", "QH01", "", "选民意见", "", "其他", "修路", "镇交通办", "",
                              "", "已转办", "", "", ""]]
    second = [SUGGESTIONS[0], ["G61", "2024-05-03", "QH01", "", "选民意见", "", "其他", "清淤", "", "", "", "已收集",
                               "", "", ""],
              ["G60", "2024-05-02", "QH01", "", "选民意见", "", "其他", "修路", "镇水利站", "", "2024-05-09",
               "已办结", "A", "", ""]]
    same = [SUGGESTIONS[0], first[1]]  # agrees with the first: no warning
    a = write_csv(tmp_path / "建议意见登记_甲.csv", first, "utf-8")
    b = write_csv(tmp_path / "建议意见登记_乙.csv", second, "utf-8")
    c = write_csv(tmp_path / "建议意见登记_丙.csv", same + [["G62", "2024-05-04", "QH01", "", "选民意见", "", "其他",
                                                         "x", "", "", "", "已收集", "", "", ""]], "utf-8")
    capsys.readouterr()
    assert main(["load", str(a), str(c), str(b), "--db", str(county_db)]) == 0
    out = capsys.readouterr().out
    expected = ("「建议意见登记_丙.csv」第 2 行与本文件第 3 行是同一条记录（编号「G60」），"
                "但「承办单位」、「办结日期」、「办理状态」、「办理结果」不同；以后导入的「建议意见登记_乙.csv」为准")
    assert f"建议意见登记_乙.csv 第 3 行：{expected}" in out
    assert "请核实（共 1 条" in out  # 丙 agreed with 甲
    assert query(county_db, "SELECT status, handler, source_file FROM suggestions WHERE suggestion_id = 'G60'") == [
        ("已办结", "镇水利站", "建议意见登记_乙.csv")]


def test_a_later_load_of_a_changed_file_is_no_disagreement(county_db, tmp_path):
    """Across loads, a newer export updating a row is the contract's rule, not a conflict."""
    rows = [SUGGESTIONS[0], ["G70", "2024-05-02", "QH01", "", "选民意见", "", "其他", "修路", "", "", "", "已收集",
                             "", "", ""]]
    assert main(["load", str(write_csv(tmp_path / "建议意见登记_一.csv", rows, "utf-8")),
                 "--db", str(county_db)]) == 0
    rows[1][11] = "已转办"
    assert main(["load", str(write_csv(tmp_path / "建议意见登记_二.csv", rows, "utf-8")),
                 "--db", str(county_db)]) == 0
    assert query(county_db, "SELECT count(*) FROM load_warnings") == [(0,)]
