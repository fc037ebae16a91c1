"""柳湾镇's own registers (tests/office_registers.py) load unchanged through `python -m etl load`.

Issue 8, points 1-6: month-per-sheet workbooks with a 汇总 sheet, a two-row merged
header, dates merged down, 合计 and footer rows, a legacy .xls, no 乡镇 column,
deputies, stations and households by name, rosters without ids. Every figure is
counted by hand in the comments from the rows in tests/office_registers.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.cli import main
from etl.names import REASON_DEPUTY_HOMONYM, REASON_DEPUTY_UNKNOWN, REASON_HOUSEHOLD_UNKNOWN_NAME
from tests import office_registers as office


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def office_db(tmp_path_factory) -> Path:
    """The folder loaded once with the plain command a clerk would type."""
    folder = tmp_path_factory.mktemp("office")
    office.write_office_registers(folder)
    db = folder / "dashboard.duckdb"
    assert main(["load", str(folder), "--db", str(db)]) == 0
    return db


@pytest.fixture
def db(tmp_path, office_db) -> Path:
    target = tmp_path / "dashboard.duckdb"
    shutil.copyfile(office_db, target)
    return target


def metrics(db: Path, capsys, start: str, end: str, township: str = "柳湾镇") -> dict:
    capsys.readouterr()
    assert main(["metrics", "--db", str(db), "--from", start, "--to", end, "--township", township, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_file_loads_and_rows_read_add_up(office_db):
    log = query(office_db, "SELECT file_name, kind, sheet, rows_read, rows_accepted, rows_rejected, rows_skipped, "
                           "status FROM load_log ORDER BY load_id")
    assert log == [
        ("乡镇名册.csv", "townships", None, 2, 2, 0, 0, "loaded"),
        ("代表活动站一览表.xlsx", "stations", "活动站", 3, 3, 0, 0, "loaded"),
        # six deputies; 填表人/审核人 on one line and 填报日期 below: two footer rows
        ("柳湾镇人大代表花名册.xls", "deputies", "花名册", 8, 6, 0, 2, "loaded"),
        ("脱贫户花名册.xlsx", "households", "Sheet1", 6, 5, 0, 1, "loaded"),  # five households and 合计
        # 2 + 3 + 2 activities; each month a 合计 row and a 填表人 row
        ("人大代表活动情况记录簿（2024年）.xlsx", "activities", "1月、2月、3月", 13, 7, 0, 6, "loaded"),
        ("柳湾镇选民意见转办情况登记卡.xlsx", "suggestions", "登记卡", 4, 4, 0, 0, "loaded"),
        ("柳湾镇脱贫户走访记录.csv", "visits", None, 5, 5, 0, 0, "loaded"),
    ]
    assert all(read == accepted + rejected + skipped for _, _, _, read, accepted, rejected, skipped, _ in log)


def test_hand_counted_figures_through_the_cli(office_db, capsys):
    first_half = metrics(office_db, capsys, "2024-01-01", "2024-06-30")
    assert first_half == first_half | {
        "inspections": 1,  # 视察活动 1-18
        "supervision": 2,  # + 专题调研 2-20
        "suggestions_collected": 4,  # the four cards
        "suggestions_by_source": {"选民意见": 4},  # 来源 from the card's title
        "suggestions_resolved": 2,  # 办结 2-01 and 3-20
        "resolution_rate": 0.5,
        "median_days_to_resolve": 25.5,  # 1-10 -> 2-01 is 22 days, 2-20 -> 3-20 is 29
        "overdue": 2,  # 1-10 (已转办) and 3-10 (已收集) are more than 90 days before 6-30
        "suggestions_by_outcome": {"A": 2, "B": 0, "C": 0, "D": 0},  # A类 and 已解决
        "satisfaction_rate": 1.0,  # 满意 and 基本满意
        "households_total": 5,
        "households_visited": 4,  # 刘强 of 东湾村, 孙丽, 周平, 刘强 of 西湾村 (twice); not 吴芳
        "household_coverage": 0.8,
        "deputies_total": 6,
        "deputies_visiting": 4,  # 李娜, 王强, 陈刚, 赵敏
        "problems_found": 7,  # 2 + 1 + 0 + 3 + 1
        "problems_solved": 4,  # 1 + 1 + 0 + 2 + 0
        "households_consoled": 3,  # √ for 刘强 (东湾村), 周平, 刘强 (西湾村)
        "reception_days": 3,  # 1-10, 2-20, 3-10
        "voter_contacts": 55,  # 12 + 8 + 5 + 30
        "reporting_deputies": 2,  # 赵敏 and 陈刚 at the 3-28 述职
        "reporting_deputies_by_level": {"乡镇": 1, "市": 1},
    }
    stations = dict(query(office_db, "SELECT station_name, station_id FROM stations"))
    # 活动地点 names a station: 1-10 and 3-10 at 第1站, 2-20 at 第2站, 3-28 at 代表之家
    assert first_half["station_activities"] == {
        stations["柳湾镇第1代表活动站"]: 2, stations["柳湾镇第2代表活动站"]: 1, stations["柳湾镇代表之家"]: 1}
    february = metrics(office_db, capsys, "2024-02-01", "2024-02-29")
    assert (february["supervision"], february["reception_days"], february["voter_contacts"]) == (1, 1, 8)


def test_month_sheets_dates_merged_down_and_rows_traced(office_db):
    rows = query(office_db, "SELECT date, kind, title, attendees, source_sheet, source_row FROM activities "
                            "ORDER BY source_sheet, source_row")
    assert rows == [
        (dt.date(2024, 1, 10), "接待选民", "一月代表接待日", 2, "1月", 4),
        (dt.date(2024, 1, 18), "视察", "视察工业园建设", 3, "1月", 5),
        # 2月20日 written once and merged down over three activities
        (dt.date(2024, 2, 20), "接待选民", "二月代表接待日", 1, "2月", 4),
        (dt.date(2024, 2, 20), "调研", "调研农村道路", 2, "2月", 5),
        (dt.date(2024, 2, 20), "座谈", "代表座谈", 1, "2月", 6),
        (dt.date(2024, 3, 10), "接待选民", "三月代表接待日", 1, "3月", 4),
        (dt.date(2024, 3, 28), "述职", "代表向选民述职", 2, "3月", 5),
    ]
    assert query(office_db, "SELECT DISTINCT township_code FROM activities") == [("LW01",)]  # from the title


def test_two_row_header_card_derives_number_status_and_source(office_db):
    deputies = dict(query(office_db, "SELECT name, deputy_id FROM deputies WHERE name IN ('李娜', '王强')"))
    rows = query(office_db, """
        SELECT s.received_on, s.summary, s.handler, s.referred_on, s.resolved_on, s.status, s.outcome,
               s.satisfaction, s.source, list(d.deputy_id ORDER BY d.deputy_id), s.source_row
        FROM suggestions s LEFT JOIN suggestion_deputies d USING (suggestion_id)
        GROUP BY ALL ORDER BY s.source_row""")
    rows = [row[:-1] for row in rows]
    assert rows == [
        (dt.date(2024, 1, 10), "东湾村路灯损坏", "镇建设办", dt.date(2024, 1, 12), dt.date(2024, 2, 1), "已办结", "A",
         "满意", "选民意见", [deputies["李娜"]]),
        (dt.date(2024, 1, 10), "西湾村垃圾清运不及时", "镇环卫所", dt.date(2024, 1, 15), None, "已转办", None, None,
         "选民意见", [deputies["王强"]]),
        (dt.date(2024, 2, 20), "学校门口缺少减速带", "镇交通办", dt.date(2024, 2, 22), dt.date(2024, 3, 20), "已办结",
         "A", "基本满意", "选民意见", [deputies["王强"]]),
        (dt.date(2024, 3, 10), "希望增加公交班次", None, None, None, "已收集", None, None, "选民意见", [None]),
    ]


def test_the_voters_own_name_is_kept_out_of_the_database(office_db):
    tables = [t for (t,) in query(office_db, "SELECT table_name FROM information_schema.tables")]
    for table in tables:
        text = query(office_db, f'SELECT count(*) FROM "{table}" WHERE CAST(COLUMNS(*) AS VARCHAR) LIKE ?',
                     ["%黄小明%"])
        assert text == [(0,)], table


def test_roster_without_ids_reloaded_updates_and_homonyms_stay_apart(db, tmp_path):
    ids = query(db, "SELECT name, group_name, deputy_id FROM deputies ORDER BY deputy_id")
    assert len({i for _, _, i in ids}) == 6  # the two 张伟 get distinct ids by their 代表小组
    assert [(n, g) for n, g, _ in ids if n == "张伟"] in ([("张伟", "第1代表组"), ("张伟", "第2代表组")],
                                                        [("张伟", "第2代表组"), ("张伟", "第1代表组")])
    assert all(i.startswith("LW01-D") for _, _, i in ids)
    # A later export: 李娜 has moved to 第2代表组 and the footer is gone; ids stay, rows are updated.
    later = tmp_path / "later"
    later.mkdir()
    original = office.DEPUTIES
    try:
        office.DEPUTIES = [r if r[1] != "李娜" else [*r[:6], "第2代表组", *r[7:]] for r in original]
        path = office.write_deputies_xls(later)
    finally:
        office.DEPUTIES = original
    assert main(["load", str(path), "--db", str(db)]) == 0
    again = query(db, "SELECT name, group_name, deputy_id FROM deputies ORDER BY deputy_id")
    assert len(again) == 6
    assert {i for _, _, i in again} == {i for _, _, i in ids}
    assert dict((n, g) for n, g, _ in again if n == "李娜") == {"李娜": "第2代表组"}


def test_names_that_do_not_resolve_are_rejected_and_ids_win(db, tmp_path):
    zhang_wei_1 = query(db, "SELECT deputy_id FROM deputies WHERE name = '张伟' AND group_name = '第1代表组'")[0][0]
    zhang_wei_2 = query(db, "SELECT deputy_id FROM deputies WHERE name = '张伟' AND group_name = '第2代表组'")[0][0]
    rows = [[c.format(zhang_wei_1=zhang_wei_1) for c in row] for row in office.LATE_ACTIVITIES]
    activities = office.write_csv(tmp_path / "柳湾镇活动补录.csv", rows)
    visits = office.write_csv(tmp_path / "柳湾镇走访补录.csv", office.LATE_VISITS)
    assert main(["load", str(activities), str(visits), "--db", str(db)]) == 1
    rejected = query(db, "SELECT file_name, row_no, column_name, value, reason FROM rejected_rows ORDER BY 1, 2")
    both = "；".join(sorted([f"{zhang_wei_1}，第1代表组", f"{zhang_wei_2}，第2代表组"]))
    liu_qiang = query(db, "SELECT household_id, village FROM households WHERE head_name = '刘强'")
    liu_qiang = "；".join(sorted(f"{h}，{v}" for h, v in liu_qiang))
    assert rejected == [
        ("柳湾镇活动补录.csv", 2, "参加代表", "张伟",
         "「参加代表」" + REASON_DEPUTY_HOMONYM.format(f"「张伟」（{both}）")),
        ("柳湾镇活动补录.csv", 3, "参加代表", "钱多多", "「参加代表」" + REASON_DEPUTY_UNKNOWN),
        ("柳湾镇走访补录.csv", 2, "户主姓名", "刘*", "「户主姓名」" + REASON_HOUSEHOLD_UNKNOWN_NAME),
        ("柳湾镇走访补录.csv", 3, "户主姓名", "刘*",
         f"「户主姓名」本乡镇脱贫户名册中户主同名：{liu_qiang}，请填写村或户编号"),
    ]
    li_na = query(db, "SELECT deputy_id FROM deputies WHERE name = '李娜'")[0][0]
    assert query(db, "SELECT a.title, list(d.deputy_id ORDER BY d.deputy_id) FROM activities a "
                     "JOIN activity_deputies d USING (activity_id) WHERE a.date = DATE '2024-04-12' GROUP BY 1") == [
        ("视察学校", sorted([zhang_wei_1, li_na]))]
    wu_fang = query(db, "SELECT household_id FROM households WHERE head_name = '吴芳'")[0][0]
    assert query(db, "SELECT household_id, target_kind FROM visits WHERE date = DATE '2024-06-03'") == [
        (wu_fang, "脱贫户")]


def write_untitled_activities(folder: Path, name: str, title: str | None) -> Path:
    import xlsxwriter

    path = folder / name
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Sheet1")
    top = 0
    if title:
        sheet.merge_range(0, 0, 0, 3, title)
        top = 1
    sheet.write_row(top, 0, ["活动时间", "活动形式", "活动内容", "参加人员"])
    sheet.write_row(top + 1, 0, ["2024-05-10", "视察", "视察敬老院"])
    workbook.close()
    return path


@pytest.mark.parametrize(
    ("name", "title", "township", "code"),
    [
        ("活动记录.xlsx", "石岭乡人大代表活动情况记录簿", None, "LW02"),  # the title names 石岭乡
        ("石岭乡活动记录.xlsx", None, None, "LW02"),  # the file name names it
        ("活动记录.xlsx", "人大代表活动情况记录簿", "柳湾镇", "LW01"),  # neither: --township
        ("活动记录.xlsx", "人大代表活动情况记录簿", "LW01", "LW01"),  # --township by code
        ("柳湾镇活动记录.xlsx", "人大代表活动情况记录簿", "柳湾镇", "LW01"),  # agreeing with the name
    ],
)
def test_township_from_title_file_name_or_option(db, tmp_path, name, title, township, code):
    path = write_untitled_activities(tmp_path, name, title)
    argv = ["load", str(path), "--db", str(db)] + (["--township", township] if township else [])
    assert main(argv) == 0
    assert query(db, "SELECT township_code FROM activities WHERE title = '视察敬老院'") == [(code,)]


def test_township_in_neither_is_refused_with_a_message(db, tmp_path, capsys):
    path = write_untitled_activities(tmp_path, "活动记录.xlsx", "人大代表活动情况记录簿")
    capsys.readouterr()
    assert main(["load", str(path), "--db", str(db)]) == 2
    out = capsys.readouterr().out.replace("\n", "")
    assert "没有「乡镇」一列，标题和文件名中也没有写明是哪个乡镇，未导入" in out
    assert "--township" in out
    assert query(db, "SELECT count(*) FROM activities WHERE title = '视察敬老院'") == [(0,)]


def test_a_choice_contradicting_the_title_is_refused(db, tmp_path, capsys):
    path = write_untitled_activities(tmp_path, "活动记录.xlsx", "石岭乡人大代表活动情况记录簿")
    capsys.readouterr()
    assert main(["load", str(path), "--db", str(db), "--township", "柳湾镇"]) == 2
    assert "与导入时选择的乡镇（LW01）不一致" in capsys.readouterr().out.replace("\n", "")


def test_a_record_twice_in_two_month_sheets_names_the_first_sheet(db, tmp_path):
    import xlsxwriter

    path = tmp_path / "柳湾镇活动记录簿.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    for month in ("4月", "5月"):
        sheet = workbook.add_worksheet(month)
        sheet.write_row(0, 0, ["活动编号", "时间", "活动形式", "活动内容"])
        sheet.write_row(1, 0, ["B1", "2024-04-08", "视察", "视察河堤"])
    workbook.close()
    assert main(["load", str(path), "--db", str(db)]) == 1
    assert query(db, "SELECT sheet, row_no, reason FROM rejected_rows") == [
        ("5月", 2, "「活动名称」与本文件工作表「4月」第 2 行重复（活动编号，或日期、乡镇、活动站、活动类型和"
                   "活动名称相同）")]


def test_dates_without_a_year_take_the_titles_year_and_all_deputies(db, tmp_path):
    """A 记录簿 sheet titled 2024年6月 writes 6月3日 and 6.18; 参加人员 全体代表 is every deputy of 柳湾镇."""
    path = tmp_path / "柳湾镇活动记录簿.csv"
    path.write_text("柳湾镇人大代表活动情况记录簿（2024年6月）\r\n时间,活动形式,活动内容,参加人员\r\n"
                    "6月3日,代表述职,代表向选民述职,全体代表\r\n6.18,视察,视察河道,王强\r\n", encoding="utf-8")
    assert main(["load", str(path), "--db", str(db)]) == 0
    assert query(db, "SELECT date, title, attendees FROM activities WHERE source_file = ? ORDER BY date",
                 [path.name]) == [(dt.date(2024, 6, 3), "代表向选民述职", 6), (dt.date(2024, 6, 18), "视察河道", 1)]


def test_a_log_without_a_kind_column_reads_each_kind_from_its_name(db, tmp_path):
    path = tmp_path / "柳湾镇人大代表活动情况记录簿.csv"
    path.write_text("时间,地点,活动内容,参加人员\r\n2024-07-02,柳湾工业园,视察工业园安全生产,赵敏\r\n"
                    "2024-07-10,柳湾镇第1代表活动站,七月代表接待日,李娜\r\n2024-07-15,镇政府,学习代表法,王强\r\n"
                    "2024-07-20,东湾村,植树,陈刚\r\n", encoding="utf-8")
    assert main(["load", str(path), "--db", str(db)]) == 0
    assert query(db, "SELECT title, kind FROM activities WHERE source_file = ? ORDER BY date", [path.name]) == [
        ("视察工业园安全生产", "视察"), ("七月代表接待日", "接待选民"), ("学习代表法", "学习培训"), ("植树", "其他")]
