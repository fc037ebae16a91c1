"""One township's registers typed up the way a township office keeps them (issue 8).

柳湾镇 keeps its own Excel: a station list and a household roster without ids or
a 乡镇 column (the township is in the title), a deputies' 花名册 as a legacy .xls
with 出生年月 and levels written 县人大代表 / 镇人大代表, an activity log kept as one
sheet per month with a 汇总 sheet of formulas and a 填写说明 sheet, dates merged
down, 合计 and 填表人 rows, a 选民意见转办情况登记卡 with a two-row merged header and
the voter's own name, and a visit log CSV (GB18030) naming households by their
head and village. Every figure tests/test_office_registers.py expects is counted
by hand from the rows below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter
import xlwt

TOWNSHIPS = [
    ["乡镇代码", "乡镇名称", "所属县"],
    ["LW01", "柳湾镇", "青禾县"],
    ["LW02", "石岭乡", "青禾县"],
]

STATIONS = [  # 序号, 活动站名称, 建站时间, 依托单位
    [1, "柳湾镇第1代表活动站", dt.date(2018, 3, 1), "柳湾镇政府"],
    [2, "柳湾镇第2代表活动站", dt.date(2019, 5, 8), "东湾村委会"],
    [3, "柳湾镇代表之家", "", "柳湾中学"],
]

# 序号, 姓名, 性别, 出生年月, 文化程度, 代表层级, 所属代表小组, 所属活动站, 联系电话
DEPUTIES = [
    [1, "张伟", "男", "1968.05", "大学本科", "县人大代表", "第1代表组", "柳湾镇第1代表活动站", "13912345678"],
    [2, "李娜", "女", "1975.11", "大专", "镇人大代表", "第1代表组", "柳湾镇第1代表活动站", ""],
    [3, "王强", "男", "1980.01", "高中", "镇人大代表", "第2代表组", "柳湾镇第2代表活动站", ""],
    [4, "张伟", "男", "1972.03", "初中", "镇人大代表", "第2代表组", "柳湾镇第2代表活动站", ""],
    [5, "赵敏", "女", "1985.07", "硕士研究生", "市人大代表", "第3代表组", "柳湾镇代表之家", ""],
    [6, "陈刚", "男", "1966.09", "中专", "镇人大代表", "第3代表组", "柳湾镇代表之家", ""],
]

HOUSEHOLDS = [  # 序号, 户主, 所在村, 脱贫年份
    [1, "刘强", "东湾村", "2017"],
    [2, "孙丽", "东湾村", "2018年"],
    [3, "周平", "西湾村", 2019],
    [4, "刘强", "西湾村", "2020"],
    [5, "吴芳", "西湾村", "2020"],
]

ACTIVITY_HEADER = ["序号", "时间", "地点", "活动形式", "活动内容", "参加人员", "接待选民人数"]
# Month sheets: (序号, date or None when merged from the row above, 地点, 活动形式, 活动内容, 参加人员, 接待人数)
ACTIVITY_MONTHS = {
    "1月": [
        [1, dt.date(2024, 1, 10), "柳湾镇第1代表活动站", "接待选民日", "一月代表接待日", "李娜、王强", 12],
        [2, dt.date(2024, 1, 18), "柳湾工业园", "视察活动", "视察工业园建设", "赵敏、陈刚、李娜", None],
    ],
    "2月": [
        # 2月20日 merged down over the next two rows: three activities on one day.
        [1, dt.date(2024, 2, 20), "柳湾镇第2代表活动站", "接待选民日", "二月代表接待日", "王强", 8],
        [2, None, "东湾村", "专题调研", "调研农村道路", "陈刚、赵敏", None],
        [3, None, "柳湾镇", "座谈会", "代表座谈", "李娜", None],
    ],
    "3月": [
        [1, dt.date(2024, 3, 10), "柳湾镇第1代表活动站", "接待选民日", "三月代表接待日", "王强", 5],
        [2, dt.date(2024, 3, 28), "柳湾镇代表之家", "代表述职", "代表向选民述职", "赵敏、陈刚", 30],
    ],
}

SUGGESTION_CARD = [
    # 序号, 收集时间, 反映人, 反映问题, 收集代表, 转办单位, 转办时间, 办结时间, 办理结果, 满意度
    [1, dt.date(2024, 1, 10), "黄小明", "东湾村路灯损坏", "李娜", "镇建设办", dt.date(2024, 1, 12),
     dt.date(2024, 2, 1), "A类", "满意"],
    [2, dt.date(2024, 1, 10), "郑大海", "西湾村垃圾清运不及时", "王强", "镇环卫所", dt.date(2024, 1, 15),
     "", "", ""],
    [3, dt.date(2024, 2, 20), "林秀", "学校门口缺少减速带", "王强", "镇交通办", dt.date(2024, 2, 22),
     dt.date(2024, 3, 20), "已解决", "基本满意"],
    [4, dt.date(2024, 3, 10), "何军", "希望增加公交班次", "", "", "", "", "", ""],
]

VISIT_HEADER = ["走访日期", "所在村", "户主", "走访代表", "发现问题（个）", "解决问题（个）", "是否慰问"]
VISITS = [
    ["2024-05-06", "东湾村", "刘强", "李娜", "2", "1", "√"],
    ["2024/5/6", "东湾村", "孙丽", "李娜、王强", "1", "1", ""],
    ["2024.5.20", "西湾村", "周平", "陈刚", "0", "0", "√"],
    ["2024年5月21日", "西湾村", "刘强", "赵敏", "3", "2", "√"],
    ["2024-05-22", "西湾村", "刘强", "陈刚", "1", "0", ""],
]

# Names that cannot be resolved, in a later supplement: two 张伟 in 柳湾镇, a 钱多多 on no
# roster, and 张伟 written by his id (filled in by the test: ids win over names).
LATE_ACTIVITIES = [
    ["日期", "活动类型", "活动名称", "参加代表"],
    ["2024-04-10", "视察", "视察河道", "张伟"],
    ["2024-04-11", "视察", "视察桥梁", "钱多多、李娜"],
    ["2024-04-12", "视察", "视察学校", "{zhang_wei_1}、李娜"],
]
LATE_VISITS = [
    ["走访日期", "所在村", "户主", "走访代表"],
    ["2024-06-01", "南湾村", "刘强", "陈刚"],  # no 刘强 in 南湾村
    ["2024-06-02", "", "刘强", "陈刚"],  # two 刘强 in 柳湾镇, no village to tell them apart
    ["2024-06-03", "", "吴芳", "陈刚"],  # one 吴芳: found without the village
]


def write_township_roster(folder: Path) -> Path:
    path = folder / "乡镇名册.csv"
    path.write_text("\r\n".join(",".join(row) for row in TOWNSHIPS) + "\r\n", encoding="utf-8-sig")
    return path


def _title(sheet, workbook, width: int, *lines: str) -> int:
    big = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    for row, text in enumerate(lines):
        sheet.merge_range(row, 0, row, width - 1, text, big)
    return len(lines)


def _write_row(sheet, row: int, values: list, date_format) -> None:
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_format)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, value)


def write_stations(folder: Path) -> Path:
    """No 活动站编号, no 乡镇 column: the title names the township."""
    path = folder / "代表活动站一览表.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("活动站")
    dates = workbook.add_format({"num_format": "yyyy年m月d日"})
    top = _title(sheet, workbook, 4, "柳湾镇人大代表活动站一览表")
    _write_row(sheet, top, ["序号", "活动站名称", "建站时间", "依托单位"], dates)
    for offset, row in enumerate(STATIONS, start=1):
        _write_row(sheet, top + offset, row, dates)
    workbook.close()
    return path


def write_deputies_xls(folder: Path) -> Path:
    """A legacy .xls 花名册: no 代表编号, no 乡镇 column, a footer under the table."""
    path = folder / "柳湾镇人大代表花名册.xls"
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 8, "柳湾镇第十一届人大代表花名册")
    header = ["序号", "姓名", "性别", "出生年月", "文化程度", "代表层级", "所属代表小组", "所属活动站", "联系电话"]
    for col, text in enumerate(header):
        sheet.write(1, col, text)
    for r, row in enumerate(DEPUTIES, start=2):
        for col, value in enumerate(row):
            if value != "":
                sheet.write(r, col, value)
    last = 2 + len(DEPUTIES)
    sheet.write(last + 1, 0, "填表人：王芳")
    sheet.write(last + 1, 4, "审核人：李明")
    sheet.write(last + 2, 0, "填报日期：2024年1月5日")
    workbook.save(str(path))
    return path


def write_households(folder: Path) -> Path:
    path = folder / "脱贫户花名册.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Sheet1")
    plain = workbook.add_format({})
    top = _title(sheet, workbook, 4, "柳湾镇脱贫户花名册", "（截至2023年12月）")
    _write_row(sheet, top, ["序号", "户主", "所在村", "脱贫年份"], plain)
    for offset, row in enumerate(HOUSEHOLDS, start=1):
        _write_row(sheet, top + offset, row, plain)
    _write_row(sheet, top + len(HOUSEHOLDS) + 1, ["合计", "5户"], plain)
    workbook.close()
    return path


def write_activity_log(folder: Path) -> Path:
    """One sheet per month, a 汇总 sheet of formulas, a 填写说明 sheet; 合计 and footer rows."""
    path = folder / "人大代表活动情况记录簿（2024年）.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    dates = workbook.add_format({"num_format": "m月d日", "valign": "vcenter"})
    summary = workbook.add_worksheet("汇总")
    summary.write_row(0, 0, ["月份", "活动次数", "接待选民人数"])
    for month, rows in ACTIVITY_MONTHS.items():
        sheet = workbook.add_worksheet(month)
        top = _title(sheet, workbook, len(ACTIVITY_HEADER), "柳湾镇人大代表活动情况记录簿", f"2024年{month}")
        _write_row(sheet, top, ACTIVITY_HEADER, dates)
        first = top + 1
        for offset, row in enumerate(rows):
            _write_row(sheet, first + offset, row, dates)
        merged = [i for i, row in enumerate(rows) if row[1] is None]
        if merged:  # the date cell above is merged down over the rows without one
            start = merged[0] - 1
            sheet.merge_range(first + start, 1, first + merged[-1], 1, None)
            sheet.write_datetime(first + start, 1, dt.datetime.combine(rows[start][1], dt.time()), dates)
        total_row = first + len(rows)
        sheet.write_string(total_row, 0, "合计")
        sheet.write_formula(total_row, 6, f"=SUM(G{first + 1}:G{total_row})", None,
                            sum(r[6] or 0 for r in rows))
        sheet.write_string(total_row + 2, 0, "填表人：王芳")
        sheet.write_string(total_row + 2, 4, "审核人：李明")
        row_number = list(ACTIVITY_MONTHS).index(month) + 1
        summary.write_string(row_number, 0, month)
        summary.write_formula(row_number, 1, f"=COUNTA('{month}'!E{first + 1}:E{total_row})", None, len(rows))
    instructions = workbook.add_worksheet("填写说明")
    instructions.write_string(0, 0, "每月一张工作表；参加人员填代表姓名，用顿号分隔。")
    workbook.close()
    return path


def write_suggestion_card(folder: Path) -> Path:
    """A two-row header: 办理情况 merged over its sub-headers, the others merged down."""
    path = folder / "柳湾镇选民意见转办情况登记卡.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("登记卡")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    center = workbook.add_format({"align": "center", "valign": "vcenter", "bold": True})
    top = _title(sheet, workbook, 10, "选民意见转办情况登记卡")
    for col, text in enumerate(["序号", "收集时间", "反映人", "反映问题", "收集代表"]):
        sheet.merge_range(top, col, top + 1, col, text, center)
    sheet.merge_range(top, 5, top, 8, "办理情况", center)
    for col, text in enumerate(["转办单位", "转办时间", "办结时间", "办理结果"], start=5):
        sheet.write_string(top + 1, col, text, center)
    sheet.merge_range(top, 9, top + 1, 9, "满意度", center)
    for offset, row in enumerate(SUGGESTION_CARD, start=2):
        _write_row(sheet, top + offset, row, dates)
    workbook.close()
    return path


def write_visits_csv(folder: Path) -> Path:
    path = folder / "柳湾镇脱贫户走访记录.csv"
    lines = [",".join(VISIT_HEADER), *(",".join(row) for row in VISITS)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    return path


def write_office_registers(folder: Path) -> list[Path]:
    """柳湾镇's registers, as its office keeps them, in one folder."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_township_roster(folder), write_stations(folder), write_deputies_xls(folder),
        write_households(folder), write_activity_log(folder), write_suggestion_card(folder),
        write_visits_csv(folder),
    ]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(("\r\n".join(",".join(row) for row in rows) + "\r\n").encode(encoding))
    return path
