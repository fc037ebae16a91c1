"""Every rejection reason of the data contract, one small file each.

Each case loads a file whose row 2 is valid and whose row 3 breaks one rule, on
top of rosters loaded once per module, and checks the rejected row's Excel row
number, Chinese column header, quoted value and reason, that the valid row is in
the table, and that rows read = rows accepted + rows rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.cli import main
from etl.loader import LOADED, STRICT_REFUSED, FileResult, load_file
from etl.publish import publishing
from etl.registers import (
    ACTIVITY_KINDS,
    BY_KIND,
    DEPUTY_LEVELS,
    EDUCATION_LEVELS,
    GENDERS,
    OUTCOME_WORDS,
    SATISFACTION,
    SUGGESTION_CATEGORIES,
    SUGGESTION_SOURCES,
    SUGGESTION_STATUSES,
    TARGET_KINDS,
    THEMES,
    YES_NO,
)
from etl.validate import (
    REASON_CHOICE,
    REASON_COUNT,
    REASON_DATE,
    REASON_DEPUTY_UNKNOWN,
    REASON_DUPLICATE,
    REASON_ENTERPRISE_NEEDED,
    REASON_HOUSEHOLD_NEEDED,
    REASON_HOUSEHOLD_UNKNOWN,
    REASON_REFERRED_BEFORE,
    REASON_REQUIRED,
    REASON_RESOLVED_BEFORE,
    REASON_RESOLVED_ON_NEEDED,
    REASON_STATION_UNKNOWN,
    REASON_TOWNSHIP_AMBIGUOUS,
    REASON_TOWNSHIP_NAME_TAKEN,
    REASON_TOWNSHIP_UNKNOWN,
    REASON_YEAR,
)

# ---------------------------------------------------------------- rosters

ROSTERS = {
    # 青河镇 is a township name in two counties: only its codes resolve.
    "乡镇名册.csv": [
        ["乡镇代码", "乡镇名称", "所属县"],
        ["T01", "青河镇", "平安县"],
        ["T02", "白沙乡", "平安县"],
        ["T03", "青河镇", "安乐县"],
    ],
    "活动站名册.csv": [
        ["活动站编号", "活动站名称", "乡镇"],
        ["S01", "青河镇代表之家", "T01"],
        ["S02", "白沙乡代表联络站", "白沙乡"],
    ],
    "代表名册.csv": [
        ["代表编号", "姓名", "代表层级", "乡镇", "活动站编号"],
        ["D01", "张三", "乡镇", "T01", "S01"],
        ["D02", "李四", "县", "T01", "S01"],
        ["D03", "王五", "市", "T02", "S02"],
    ],
    "脱贫户名册.csv": [
        ["户编号", "户主姓名", "乡镇", "村"],
        ["H001", "赵大", "T01", "青河村"],
        ["H002", "钱二", "T02", "白沙村"],
    ],
}

# ---------------------------------------------------------------- one valid row per register

VALID = {
    "townships": {"乡镇代码": "T10", "乡镇名称": "新安镇", "所属县": "平安县", "本届开始日期": "2021-10-01"},
    "stations": {
        "活动站编号": "S10", "活动站名称": "新站", "乡镇": "T01", "设立日期": "2019-01-01", "依托单位": "村委会",
    },
    "deputies": {
        "代表编号": "D10", "姓名": "赵六", "代表层级": "县", "乡镇": "T01", "活动站编号": "S01", "性别": "男",
        "出生年份": "1975", "学历": "本科", "职业类别": "农民", "联系电话": "13800138000",
    },
    "households": {"户编号": "H010", "户主姓名": "孙七", "乡镇": "T01", "村": "青河村", "脱贫年度": "2019"},
    "activities": {
        "活动编号": "A01", "日期": "2020-06-04", "乡镇": "T01", "活动站编号": "S01", "活动类型": "视察",
        "主题": "民生热点", "活动名称": "视察乡村道路", "参加代表": "D01、D02", "参加人数": "2", "接待选民人数": "",
    },
    "suggestions": {
        "编号": "J01", "收集日期": "2020-06-04", "乡镇": "T01", "活动站编号": "S01", "来源": "选民意见",
        "提出代表": "D01", "类别": "交通出行", "内容摘要": "村道破损", "承办单位": "交通局",
        "转办日期": "2020-06-10", "办结日期": "2020-07-01", "办理状态": "已办结", "办理结果": "A", "满意度": "满意",
    },
    "visits": {
        "日期": "2020-06-04", "乡镇": "T01", "村": "青河村", "对象类型": "脱贫户", "户编号": "H001", "企业名称": "",
        "走访代表": "D01", "发现问题数": "2", "解决问题数": "1", "慰问": "是",
    },
}
FILE_NAMES = {
    "townships": "乡镇名册2.csv", "stations": "活动站名册2.csv", "deputies": "代表名册2.csv",
    "households": "脱贫户名册2.csv", "activities": "活动记录.csv", "suggestions": "建议意见登记.csv",
    "visits": "走访记录.csv",
}
KEY_HEADER = {
    "townships": "乡镇代码", "stations": "活动站编号", "deputies": "代表编号", "households": "户编号",
    "activities": "活动编号", "suggestions": "编号",
}


def choices(values) -> str:
    return REASON_CHOICE.format("、".join(values))


# ---------------------------------------------------------------- helpers


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def load(db: Path, *paths: Path, strict: bool = False) -> list[FileResult]:
    with publishing(db) as pub:
        results = [load_file(pub.con, p, strict=strict) for p in paths]
        pub.changed = True
    for result in results:
        if result.status == LOADED:
            assert result.rows_read == result.rows_accepted + result.rows_rejected
            assert len(result.rejections) == result.rows_rejected
    return results


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def rostered_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the four rosters loaded, copied by each test."""
    folder = tmp_path_factory.mktemp("rosters")
    paths = []
    for name, rows in ROSTERS.items():
        (folder / name).write_text(csv_text(rows), encoding="utf-8")
        paths.append(folder / name)
    db = folder / "rosters.duckdb"
    results = load(db, *paths)
    assert [(r.status, r.rows_accepted, r.rows_rejected) for r in results] == [
        (LOADED, 3, 0), (LOADED, 2, 0), (LOADED, 3, 0), (LOADED, 2, 0),
    ]
    return db


@pytest.fixture
def db(tmp_path: Path, rostered_db: Path) -> Path:
    target = tmp_path / "dashboard.duckdb"
    shutil.copyfile(rostered_db, target)
    return target


def write_rows(path: Path, kind: str, rows: list[dict[str, str]]) -> Path:
    header = list(VALID[kind])
    path.write_text(csv_text([header, *[[row.get(h, "") for h in header] for row in rows]]), encoding="utf-8")
    return path


def load_rows(tmp_path: Path, db: Path, kind: str, rows: list[dict[str, str]], strict: bool = False) -> FileResult:
    [result] = load(db, write_rows(tmp_path / FILE_NAMES[kind], kind, rows), strict=strict)
    assert result.register.kind == kind
    return result


def rows_in_table(db: Path, kind: str, file_name: str) -> list[int]:
    return [n for (n,) in query(
        db, f'SELECT source_row FROM "{kind}" WHERE source_file = ? ORDER BY source_row', [file_name]
    )]


def bad_row(kind: str, overrides: dict[str, str]) -> dict[str, str]:
    """The valid row with another natural key and the overrides applied."""
    row = dict(VALID[kind])
    if kind in KEY_HEADER:
        row[KEY_HEADER[kind]] += "X"
    elif kind == "visits":
        row["村"] = "白沙村"
    row.update(overrides)
    return row


# ---------------------------------------------------------------- one rule, one case

CASES = [
    # required value missing
    ("activities", {"活动名称": ""}, "活动名称", None, REASON_REQUIRED),
    ("activities", {"日期": "  "}, "日期", None, REASON_REQUIRED),
    ("activities", {"乡镇": ""}, "乡镇", None, REASON_REQUIRED),
    ("suggestions", {"内容摘要": "\u3000"}, "内容摘要", None, REASON_REQUIRED),
    ("suggestions", {"办理状态": ""}, "办理状态", None, REASON_REQUIRED),
    ("visits", {"走访代表": ""}, "走访代表", None, REASON_REQUIRED),
    ("visits", {"走访代表": "、 ，"}, "走访代表", "、 ，", REASON_REQUIRED),  # separators only: quoted as written
    ("visits", {"走访代表": "、 ，　"}, "走访代表", "、 ,", REASON_REQUIRED),  # an ideographic space: folded
    ("deputies", {"姓名": ""}, "姓名", None, REASON_REQUIRED),
    ("households", {"村": ""}, "村", None, REASON_REQUIRED),
    ("stations", {"活动站名称": ""}, "活动站名称", None, REASON_REQUIRED),
    ("townships", {"所属县": ""}, "所属县", None, REASON_REQUIRED),
    # bad date
    ("activities", {"日期": "2020-13-01"}, "日期", "2020-13-01", REASON_DATE),
    # A day its month does not have is named as such (the contract's forms, and 8 digits).
    ("activities", {"日期": "2020-02-30"}, "日期", "2020-02-30", "日期不存在：2月没有30日"),
    ("activities", {"日期": "2026/9/31"}, "日期", "2026/9/31", "日期不存在：9月没有31日"),
    ("activities", {"日期": "2025年2月29日"}, "日期", "2025年2月29日", "日期不存在：2月没有29日"),
    ("suggestions", {"收集日期": "20230431"}, "收集日期", "20230431", "日期不存在：4月没有31日"),
    ("activities", {"日期": "六月四日"}, "日期", "六月四日", REASON_DATE),
    ("activities", {"日期": "2020-6"}, "日期", "2020-6", REASON_DATE),
    ("suggestions", {"收集日期": "2020年6月"}, "收集日期", "2020年6月", REASON_DATE),
    ("stations", {"设立日期": "去年"}, "设立日期", "去年", REASON_DATE),
    ("townships", {"本届开始日期": "2021"}, "本届开始日期", "2021", REASON_DATE),
    # count negative / not an integer
    ("activities", {"参加人数": "-1"}, "参加人数", "-1", REASON_COUNT),
    ("activities", {"参加人数": "2.5"}, "参加人数", "2.5", REASON_COUNT),
    ("activities", {"参加人数": "两人"}, "参加人数", "两人", REASON_COUNT),
    ("activities", {"参加人数": "1e3"}, "参加人数", "1e3", REASON_COUNT),
    ("activities", {"接待选民人数": "99999999999"}, "接待选民人数", "99999999999", REASON_COUNT),
    ("visits", {"发现问题数": "-3"}, "发现问题数", "-3", REASON_COUNT),
    ("visits", {"解决问题数": "一"}, "解决问题数", "一", REASON_COUNT),
    # year not 4 digits
    ("deputies", {"出生年份": "85"}, "出生年份", "85", REASON_YEAR),
    ("deputies", {"出生年份": "19755"}, "出生年份", "19755", REASON_YEAR),
    ("households", {"脱贫年度": "二〇一九"}, "脱贫年度", "二〇一九", REASON_YEAR),
    # not in a vocabulary
    ("activities", {"活动类型": "开会"}, "活动类型", "开会", choices(ACTIVITY_KINDS)),
    ("activities", {"主题": "经济"}, "主题", "经济", choices(THEMES)),
    ("suggestions", {"来源": "群众来信"}, "来源", "群众来信", choices(SUGGESTION_SOURCES)),
    ("suggestions", {"办理状态": "已完成"}, "办理状态", "已完成", choices(SUGGESTION_STATUSES)),
    ("suggestions", {"类别": "治安"}, "类别", "治安", choices(SUGGESTION_CATEGORIES)),
    ("suggestions", {"满意度": "很满意"}, "满意度", "很满意", choices(SATISFACTION)),
    ("suggestions", {"办理结果": "E"}, "办理结果", "E", choices(f"{k} {v}" for k, v in OUTCOME_WORDS.items())),
    ("deputies", {"代表层级": "区级"}, "代表层级", "区级", choices(DEPUTY_LEVELS)),
    ("deputies", {"性别": "M"}, "性别", "M", choices(GENDERS)),
    ("deputies", {"学历": "博士"}, "学历", "博士", choices(EDUCATION_LEVELS)),
    ("visits", {"对象类型": "农户"}, "对象类型", "农户", choices(TARGET_KINDS)),
    ("visits", {"慰问": "有"}, "慰问", "有", choices(YES_NO)),
    # township does not resolve
    ("activities", {"乡镇": "不存在镇"}, "乡镇", "不存在镇", REASON_TOWNSHIP_UNKNOWN),
    ("activities", {"乡镇": "青河镇"}, "乡镇", "青河镇", REASON_TOWNSHIP_AMBIGUOUS),
    ("stations", {"乡镇": "T99"}, "乡镇", "T99", REASON_TOWNSHIP_UNKNOWN),
    ("visits", {"乡镇": "青河镇"}, "乡镇", "青河镇", REASON_TOWNSHIP_AMBIGUOUS),
    ("townships", {"乡镇名称": "白沙乡"}, "乡镇名称", "白沙乡", REASON_TOWNSHIP_NAME_TAKEN),
    # references not on their roster
    ("activities", {"活动站编号": "S99"}, "活动站编号", "S99", REASON_STATION_UNKNOWN),
    ("deputies", {"活动站编号": "S99"}, "活动站编号", "S99", REASON_STATION_UNKNOWN),
    ("activities", {"参加代表": "D01、D99，D98"}, "参加代表", "D98、D99", REASON_DEPUTY_UNKNOWN),
    ("suggestions", {"提出代表": "D97"}, "提出代表", "D97", REASON_DEPUTY_UNKNOWN),
    ("visits", {"走访代表": "D99 D01"}, "走访代表", "D99", REASON_DEPUTY_UNKNOWN),
    ("visits", {"户编号": "H999"}, "户编号", "H999", REASON_HOUSEHOLD_UNKNOWN),
    # conditional requirements
    ("visits", {"对象类型": "脱贫户", "户编号": ""}, "户编号", None, REASON_HOUSEHOLD_NEEDED),
    ("visits", {"对象类型": "监测户", "户编号": ""}, "户编号", None, REASON_HOUSEHOLD_NEEDED),
    ("visits", {"对象类型": "帮扶企业", "户编号": "", "企业名称": ""}, "企业名称", None, REASON_ENTERPRISE_NEEDED),
    ("suggestions", {"办理状态": "已办结", "办结日期": ""}, "办结日期", None, REASON_RESOLVED_ON_NEEDED),
    # date order
    ("suggestions", {"转办日期": "2020-06-01"}, "转办日期", "2020-06-01", REASON_REFERRED_BEFORE),
    ("suggestions", {"办结日期": "2020/5/31"}, "办结日期", "2020/5/31", REASON_RESOLVED_BEFORE),
]


@pytest.mark.parametrize(
    ("kind", "overrides", "column", "value", "reason"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_rejection(
    tmp_path: Path, db: Path, kind: str, overrides: dict, column: str, value: str | None, reason: str
) -> None:
    result = load_rows(tmp_path, db, kind, [VALID[kind], bad_row(kind, overrides)])
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (LOADED, 2, 1, 1)
    [rejection] = result.rejections
    assert (rejection.row_no, rejection.column_name, rejection.value) == (3, column, value)
    assert rejection.reason == f"「{column}」{reason}"
    assert rows_in_table(db, kind, FILE_NAMES[kind]) == [2]
    assert query(db, "SELECT row_no, column_name, value, reason FROM rejected_rows WHERE file_name = ?",
                 [FILE_NAMES[kind]]) == [(3, column, value, rejection.reason)]


def test_valid_rows_of_every_register_load(tmp_path: Path, db: Path) -> None:
    """The control for the cases above: each valid row loads alone, unchanged."""
    for kind in VALID:
        result = load_rows(tmp_path, db, kind, [VALID[kind]])
        assert (result.status, result.rows_accepted, result.rejections) == (LOADED, 1, []), kind
    assert query(db, "SELECT * EXCLUDE (load_id, source_file, source_sheet, source_row) FROM suggestions") == [
        ("J01", dt.date(2020, 6, 4), "T01", "S01", "选民意见", "交通出行", "村道破损", "交通局",
         dt.date(2020, 6, 10), dt.date(2020, 7, 1), "已办结", "A", "满意", None),
    ]
    assert query(db, "SELECT * EXCLUDE (visit_id, load_id, source_file, source_sheet, source_row, household_key) "
                     "FROM visits") == [
        (dt.date(2020, 6, 4), "T01", "青河村", "脱贫户", "H001", None, 2, 1, True, None, "T01"),  # H001's township
    ]
    assert query(db, "SELECT v.household_key = h.household_key FROM visits v JOIN households h USING (household_id)"
                 ) == [(True,)]  # and number
    assert query(db, "SELECT deputy_id FROM visit_deputies") == [("D01",)]
    assert query(db, "SELECT deputy_id, level, birth_year, phone FROM deputies WHERE deputy_id = 'D10'") == [
        ("D10", "县", 1975, "13800138000"),
    ]


def test_several_problems_in_one_row_are_all_named(tmp_path: Path, db: Path) -> None:
    row = bad_row("activities", {"日期": "昨天", "活动类型": "开会", "参加代表": "D99"})
    result = load_rows(tmp_path, db, "activities", [VALID["activities"], row])
    [rejection] = result.rejections
    assert (rejection.row_no, rejection.column_name, rejection.value) == (3, "日期", "昨天")
    assert rejection.reason == (
        f"「日期」{REASON_DATE}；「活动类型」{choices(ACTIVITY_KINDS)}；「参加代表」{REASON_DEPUTY_UNKNOWN}"
    )


# ---------------------------------------------------------------- townships by name and code


def test_township_name_ambiguous_code_accepted(tmp_path: Path, db: Path) -> None:
    rows = [
        {**VALID["activities"], "活动编号": "A1", "乡镇": "青河镇"},
        {**VALID["activities"], "活动编号": "A2", "乡镇": "T03"},
        {**VALID["activities"], "活动编号": "A3", "乡镇": "Ｔ０１", "活动站编号": ""},
        {**VALID["activities"], "活动编号": "A4", "乡镇": " 白沙乡 ", "活动站编号": "S02"},
    ]
    result = load_rows(tmp_path, db, "activities", rows)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 3, 1)
    assert [(r.row_no, r.column_name, r.value, r.reason) for r in result.rejections] == [
        (2, "乡镇", "青河镇", f"「乡镇」{REASON_TOWNSHIP_AMBIGUOUS}"),
    ]
    assert query(db, "SELECT activity_id, township_code FROM activities ORDER BY activity_id") == [
        ("A2", "T03"), ("A3", "T01"), ("A4", "T02"),
    ]


@pytest.mark.parametrize(("kind", "overrides", "checked_by_id"), [
    ("visits", {}, {"deputy_ids", "household_id"}),
    ("visits", {"户编号": "H999"}, {"deputy_ids"}),
    ("visits", {"走访代表": "张三"}, {"household_id"}),
    ("activities", {}, {"deputy_ids", "station_id"}),
    ("activities", {"活动站编号": "S99"}, {"deputy_ids"}),
])
def test_a_roster_check_already_made_on_the_ids_is_not_made_again(
    tmp_path: Path, db: Path, monkeypatch, kind: str, overrides: dict, checked_by_id: set[str]
) -> None:
    """Finding whether names need resolving (names.references_by_id) checks every id against its
    roster: where all are on it, find_problems leaves their roster rule out; where one is not, it
    keeps the rule, which rejects the row (test_rejection)."""
    from etl import validate

    given = []
    real = validate.find_problems

    def watched(con, register, present, rosters=None, sheets=None, all_ids=frozenset()):
        given.append(set(all_ids))
        return real(con, register, present, rosters, sheets, all_ids)

    monkeypatch.setattr(validate, "find_problems", watched)
    load_rows(tmp_path, db, kind, [VALID[kind], bad_row(kind, overrides)])
    assert given == [checked_by_id]
    rules = {check.reason for check in validate.register_checks(BY_KIND[kind], {"stations", "households"},
                                                                checked_by_id)}
    assert (REASON_HOUSEHOLD_UNKNOWN in rules) == ("household_id" not in checked_by_id and kind == "visits")
    assert (REASON_STATION_UNKNOWN in rules) == ("station_id" not in checked_by_id and kind == "activities")


# ---------------------------------------------------------------- duplicates within a file


def test_duplicate_suggestion_id_later_row_rejected(tmp_path: Path, db: Path) -> None:
    rows = [
        VALID["suggestions"],
        {**VALID["suggestions"], "编号": "J02"},
        {**VALID["suggestions"], "内容摘要": "另一条"},
        {**VALID["suggestions"], "编号": "Ｊ０２", "内容摘要": "第三次"},
    ]
    result = load_rows(tmp_path, db, "suggestions", rows)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 2, 2)
    assert [(r.row_no, r.column_name, r.value, r.reason) for r in result.rejections] == [
        (4, "编号", "J01", "「编号」" + REASON_DUPLICATE.format("编号") % 2),
        (5, "编号", "J02", "「编号」" + REASON_DUPLICATE.format("编号") % 3),
    ]
    assert "与本文件第 2 行重复（编号相同）" in result.rejections[0].reason
    assert query(db, "SELECT suggestion_id, summary, source_row FROM suggestions ORDER BY suggestion_id") == [
        ("J01", "村道破损", 2), ("J02", "村道破损", 3),
    ]


def test_a_key_written_three_times_names_its_first_row_twice(tmp_path: Path, db: Path) -> None:
    rows = [VALID["suggestions"], {**VALID["suggestions"], "编号": "J02"}, VALID["suggestions"], VALID["suggestions"]]
    result = load_rows(tmp_path, db, "suggestions", rows)
    assert [(r.row_no, r.reason) for r in result.rejections] == [
        (4, "「编号」" + REASON_DUPLICATE.format("编号") % 2), (5, "「编号」" + REASON_DUPLICATE.format("编号") % 2)]


def test_duplicate_names_the_first_valid_row(tmp_path: Path, db: Path) -> None:
    """An invalid first occurrence does not count: the first valid row stands."""
    rows = [
        {**VALID["suggestions"], "办理状态": "不详"},
        VALID["suggestions"],
        VALID["suggestions"],
    ]
    result = load_rows(tmp_path, db, "suggestions", rows)
    assert [(r.row_no, r.column_name) for r in result.rejections] == [(2, "办理状态"), (4, "编号")]
    assert "与本文件第 3 行重复（编号相同）" in result.rejections[1].reason
    assert rows_in_table(db, "suggestions", FILE_NAMES["suggestions"]) == [3]


@pytest.mark.parametrize(
    ("kind", "column", "same"),
    [
        ("activities", "活动名称", "活动编号，或日期、乡镇、活动站、活动类型和活动名称"),
        ("visits", "日期", "日期、乡镇、村、对象和走访代表"),
        ("deputies", "代表编号", "代表编号"),
        ("households", "户编号", "户编号"),
        ("stations", "活动站编号", "活动站编号"),
        ("townships", "乡镇代码", "乡镇代码"),
    ],
)
def test_duplicate_rows(tmp_path: Path, db: Path, kind: str, column: str, same: str) -> None:
    row = {k: v for k, v in VALID[kind].items() if k != "活动编号"}  # activities: the derived key
    result = load_rows(tmp_path, db, kind, [row, row])
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 1, 1)
    [rejection] = result.rejections
    assert (rejection.row_no, rejection.column_name) == (3, column)
    assert rejection.reason == f"「{column}」" + REASON_DUPLICATE.format(same) % 2
    assert rows_in_table(db, kind, FILE_NAMES[kind]) == [2]


def test_visits_with_deputies_in_another_order_are_duplicates(tmp_path: Path, db: Path) -> None:
    rows = [{**VALID["visits"], "走访代表": "D01、D02"}, {**VALID["visits"], "走访代表": "D02，D01"}]
    result = load_rows(tmp_path, db, "visits", rows)
    assert [(r.row_no, r.column_name) for r in result.rejections] == [(3, "日期")]


def test_same_township_name_twice_in_one_county_in_one_file(tmp_path: Path, db: Path) -> None:
    rows = [
        VALID["townships"],
        {**VALID["townships"], "乡镇代码": "T11"},
        {**VALID["townships"], "乡镇代码": "T12", "所属县": "安乐县"},
    ]
    result = load_rows(tmp_path, db, "townships", rows)
    assert [(r.row_no, r.column_name, r.value, r.reason) for r in result.rejections] == [
        (3, "乡镇名称", "新安镇", "「乡镇名称」" + REASON_DUPLICATE.format("所属县和乡镇名称") % 2),
    ]
    assert query(db, "SELECT township_code FROM townships WHERE township_name = '新安镇' ORDER BY 1") == [
        ("T10",), ("T12",),
    ]


# ---------------------------------------------------------------- everyday spellings accepted


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("A", "A"),
        ("b", "B"),
        ("Ｃ", "C"),
        ("已解决或基本解决", "A"),
        ("正在解决或列入计划解决", "B"),
        ("因条件限制暂不能解决", "C"),
        ("留作参考", "D"),
        ("A 已解决或基本解决", "A"),
        ("D、留作参考", "D"),
        ("B.正在解决", "B"),
        ("A类", "A"),
        ("Ｂ．正在解决", "B"),
        ("", None),
    ],
)
def test_outcome_as_words_or_letters(tmp_path: Path, db: Path, written: str, stored: str | None) -> None:
    result = load_rows(tmp_path, db, "suggestions", [{**VALID["suggestions"], "办理结果": written}])
    assert (result.rows_accepted, result.rejections) == (1, [])
    assert query(db, "SELECT outcome FROM suggestions") == [(stored,)]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("县", "县"),
        ("县级代表", "县"),
        ("县人大代表", "县"),
        ("县级", "县"),
        ("全国人大代表", "全国"),
        ("国家级", "全国"),
        ("省级人大代表", "省"),
        ("市级代表", "市"),
        ("乡镇人大代表", "乡镇"),
        ("镇级代表", "乡镇"),
        ("乡级", "乡镇"),
    ],
)
def test_level_spellings_normalised(tmp_path: Path, db: Path, written: str, stored: str) -> None:
    result = load_rows(tmp_path, db, "deputies", [{**VALID["deputies"], "代表层级": written}])
    assert (result.rows_accepted, result.rejections) == (1, [])
    assert query(db, "SELECT level FROM deputies WHERE deputy_id = 'D10'") == [(stored,)]


@pytest.mark.parametrize(("written", "stored"), [("0", 0), ("3.0", 3), ("０７", 7), (" 12 ", 12), ("", None)])
def test_counts_written_as_whole_numbers(tmp_path: Path, db: Path, written: str, stored: int | None) -> None:
    result = load_rows(tmp_path, db, "activities", [{**VALID["activities"], "接待选民人数": written}])
    assert (result.rows_accepted, result.rejections) == (1, [])
    assert query(db, "SELECT voters_received FROM activities") == [(stored,)]


def test_attendees_default_to_the_number_of_deputies(tmp_path: Path, db: Path) -> None:
    rows = [{**VALID["activities"], "参加人数": "", "参加代表": "D01、D02、D03、D01"}]
    result = load_rows(tmp_path, db, "activities", rows)
    assert result.rows_accepted == 1
    assert query(db, "SELECT attendees FROM activities") == [(3,)]


# ---------------------------------------------------------------- rosters not loaded yet


def test_references_flagged_not_rejected_when_roster_missing(tmp_path: Path) -> None:
    db = tmp_path / "fresh.duckdb"
    roster = tmp_path / "乡镇名册.csv"
    roster.write_text(csv_text(ROSTERS["乡镇名册.csv"]), encoding="utf-8")
    activities = write_rows(tmp_path / "活动记录.csv", "activities", [
        VALID["activities"],
        {**VALID["activities"], "活动编号": "A02", "活动站编号": "S99", "参加代表": ""},
        {**VALID["activities"], "活动编号": "A03", "活动站编号": "", "参加代表": "D77"},
    ])
    visits = write_rows(tmp_path / "走访记录.csv", "visits", [
        VALID["visits"], {**VALID["visits"], "户编号": "H999", "走访代表": "D88"},
    ])
    _, act, vis = load(db, roster, activities, visits)
    assert (act.status, act.rows_accepted, act.rejections) == (LOADED, 3, [])
    assert act.unchecked_references == {"代表名册": 2, "活动站名册": 2}
    assert (vis.status, vis.rows_accepted, vis.rejections) == (LOADED, 2, [])
    assert vis.unchecked_references == {"代表名册": 2, "脱贫户名册": 2}
    assert query(db, "SELECT activity_id, station_id FROM activities ORDER BY 1") == [
        ("A01", "S01"), ("A02", "S99"), ("A03", None),
    ]


def test_roster_key_is_not_a_reference_to_itself(tmp_path: Path) -> None:
    """A later station or household roster may add new ids: its own key is not checked against itself."""
    db = tmp_path / "fresh.duckdb"
    townships = tmp_path / "乡镇名册.csv"
    townships.write_text(csv_text(ROSTERS["乡镇名册.csv"]), encoding="utf-8")
    stations = tmp_path / "活动站名册.csv"
    stations.write_text(csv_text(ROSTERS["活动站名册.csv"]), encoding="utf-8")
    households = tmp_path / "脱贫户名册.csv"
    households.write_text(csv_text(ROSTERS["脱贫户名册.csv"]), encoding="utf-8")
    more_stations = tmp_path / "活动站名册2025.csv"
    more_stations.write_text(csv_text([*ROSTERS["活动站名册.csv"], ["S03", "新站", "T03"]]), encoding="utf-8")
    more_households = write_rows(tmp_path / "脱贫户名册2025.csv", "households", [VALID["households"]])
    results = load(db, townships, stations, households, more_stations, more_households)
    assert [(r.rows_accepted, r.rows_rejected, r.unchecked_references) for r in results] == [
        (3, 0, {}), (2, 0, {}), (2, 0, {}), (3, 0, {}), (1, 0, {}),
    ]
    assert query(db, "SELECT station_id FROM stations ORDER BY 1") == [("S01",), ("S02",), ("S03",)]
    assert query(db, "SELECT household_id FROM households ORDER BY 1") == [("H001",), ("H002",), ("H010",)]


def test_no_unchecked_references_once_rosters_loaded(tmp_path: Path, db: Path) -> None:
    result = load_rows(tmp_path, db, "visits", [VALID["visits"]])
    assert (result.rows_accepted, result.unchecked_references) == (1, {})


# ---------------------------------------------------------------- rejected_rows table and strict mode


def test_rejected_rows_table_keeps_the_whole_row(tmp_path: Path, db: Path) -> None:
    header = ["序号", *VALID["activities"], "备注"]
    bad = bad_row("activities", {"日期": "2020-06-31"})
    path = tmp_path / "青河镇活动记录.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("活动记录")
    sheet.merge_range(0, 0, 0, len(header) - 1, "青河镇人大代表活动情况记录簿")
    sheet.merge_range(1, 0, 1, len(header) - 1, "（2020年）")
    for r, row in enumerate([header, ["1", *VALID["activities"].values(), ""], ["2", *bad.values(), "补录"]], 2):
        for c, value in enumerate(row):
            if value:
                sheet.write_string(r, c, value)
    workbook.close()
    [result] = load(db, path)
    assert result.extra_headers == ["备注"]  # 序号 is ignored
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 1, 1)
    [(load_id, file_name, sheet_name, row_no, column, value, reason, raw_row)] = query(
        db, "SELECT * FROM rejected_rows"
    )
    assert (file_name, sheet_name, row_no, column, value) == (
        "青河镇活动记录.xlsx", "活动记录", 5, "日期", "2020-06-31",
    )
    assert reason == "「日期」日期不存在：6月没有31日"
    assert json.loads(raw_row) == {"序号": "2", **{k: v for k, v in bad.items() if v}, "备注": "补录"}
    assert query(db, "SELECT load_id, file_name, kind, sheet, rows_read, rows_accepted, rows_rejected, status "
                     "FROM load_log WHERE file_name = ?", [file_name]) == [
        (load_id, file_name, "activities", "活动记录", 2, 1, 1, LOADED),
    ]
    assert rows_in_table(db, "activities", file_name) == [4]


def test_raw_row_keeps_cells_beyond_the_header(tmp_path: Path, db: Path) -> None:
    """An unquoted comma shifts a CSV row; the rejected row keeps every cell it had."""
    path = tmp_path / "活动记录.csv"
    path.write_text("日期,乡镇,活动类型,活动名称,参加人数\r\n2020-06-04,T01,视察,修路,补桥,5\r\n", encoding="utf-8")
    [result] = load(db, path)
    assert [(r.row_no, r.column_name, r.value) for r in result.rejections] == [(2, "参加人数", "补桥")]
    [(raw_row,)] = query(db, "SELECT raw_row FROM rejected_rows")
    assert json.loads(raw_row) == {
        "日期": "2020-06-04", "乡镇": "T01", "活动类型": "视察", "活动名称": "修路", "参加人数": "补桥", "第6列": "5",
    }


def test_strict_load_file_loads_nothing_but_keeps_rejections(tmp_path: Path, db: Path) -> None:
    rows = [VALID["suggestions"], bad_row("suggestions", {"来源": "群众来信"})]
    result = load_rows(tmp_path, db, "suggestions", rows, strict=True)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (STRICT_REFUSED, 2, 1, 1)
    assert query(db, "SELECT count(*) FROM suggestions") == [(0,)]
    assert query(db, "SELECT row_no, column_name, value FROM rejected_rows") == [(3, "来源", "群众来信")]


def test_cli_strict_exits_1_and_loads_nothing_from_that_file(tmp_path: Path, db: Path) -> None:
    bad = write_rows(tmp_path / "建议意见登记.csv", "suggestions",
                     [VALID["suggestions"], bad_row("suggestions", {"收集日期": "昨天"})])
    good = write_rows(tmp_path / "走访记录.csv", "visits", [VALID["visits"]])
    assert main(["load", str(bad), str(good), "--db", str(db), "--strict"]) == 1
    assert query(db, "SELECT count(*) FROM suggestions") == [(0,)]
    assert rows_in_table(db, "visits", "走访记录.csv") == [2]
    assert query(db, "SELECT file_name, row_no, column_name, value FROM rejected_rows") == [
        ("建议意见登记.csv", 3, "收集日期", "昨天"),
    ]
    assert query(db, "SELECT file_name, status, rows_read, rows_accepted, rows_rejected FROM load_log "
                     "WHERE file_name IN ('建议意见登记.csv', '走访记录.csv') ORDER BY file_name") == [
        ("建议意见登记.csv", STRICT_REFUSED, 2, 1, 1), ("走访记录.csv", LOADED, 1, 1, 0),
    ]


def test_cli_without_strict_exits_1_and_loads_the_rest(tmp_path: Path, db: Path) -> None:
    path = write_rows(tmp_path / "建议意见登记.csv", "suggestions",
                      [VALID["suggestions"], bad_row("suggestions", {"收集日期": "昨天"})])
    assert main(["load", str(path), "--db", str(db)]) == 1
    assert rows_in_table(db, "suggestions", path.name) == [2]
    assert query(db, "SELECT row_no FROM rejected_rows") == [(3,)]
