"""Shared fixtures: a small county written as real register files, counted by hand.

The registers below are the ground truth of tests/test_metrics.py, which counts
every figure from these rows in its comments. They come in the real shapes:
UTF-8 with BOM, GB18030, plain UTF-8, XLSX with a merged title row and Excel
date cells, and dates written in every form of contract 1.8.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.cli import load_paths
from etl.loader import register_files

TOWNSHIPS = [
    ["乡镇代码", "乡镇名称", "所属县", "本届开始日期"],
    ["QH01", "青河镇", "青禾县", "2021-10-01"],
    ["QH02", "石桥镇", "青禾县", "2021/10/1"],
    ["QH03", "柳林乡", "白水县", ""],
]

STATIONS = [
    ["活动站编号", "活动站名称", "乡镇", "设立日期", "依托单位"],
    ["S01", "青河镇代表活动站", "QH01", dt.date(2018, 3, 1), "青河镇政府"],
    ["S02", "东村代表联络站", "青河镇", dt.date(2019, 5, 8), "东村村委会"],
    ["S03", "石桥镇代表之家", "QH02", "", ""],
]

DEPUTIES = [
    ["代表编号", "姓名", "代表层级", "乡镇", "活动站编号", "代表小组", "行动分队", "性别",
     "出生年份", "学历", "职业类别", "联系电话", "届次"],
    ["D01", "张三丰", "乡镇", "QH01", "S01", "第1代表组", "一分队", "男", "1970", "本科", "农民",
     "13912341234", "第十一届"],
    ["D02", "李四", "县", "QH01", "S01", "第1代表组", "一分队", "女", "1975", "大专", "工人",
     "13800001111", "第十一届"],
    ["D03", "王五", "乡镇", "QH01", "S02", "第2代表组", "二分队", "男", "1980", "研究生",
     "机关干部", "", "第十一届"],
    ["D04", "赵六", "市级代表", "QH01", "S02", "第2代表组", "二分队", "女", "1966", "本科",
     "企业负责人", "", "第十一届"],
    ["D05", "钱七", "乡镇", "石桥镇", "S03", "第1代表组", "", "男", "", "", "", "", ""],
    ["D06", "孙八", "县", "QH02", "S03", "第1代表组", "", "女", "", "", "", "", ""],
    ["D07", "周九", "乡镇", "QH02", "S03", "第1代表组", "", "男", "", "", "", "", ""],
    ["Ｄ０８", "吴十", "乡镇", "QH03", "", "", "", "", "", "", "", "", ""],
]

HOUSEHOLDS = [
    ["户编号", "户主姓名", "乡镇", "村", "脱贫年度"],
    ["H01", "陈大明", "QH01", "东村", "2017"],
    ["H02", "林小红", "QH01", "东村", "2018"],
    ["H03", "黄国庆", "QH01", "东村", "2018"],
    ["H04", "何秀英", "QH01", "西村", "2019"],
    ["H05", "郭建华", "QH01", "西村", "2020"],
    ["H06", "马志强", "QH02", "南村", "2019"],
    ["H07", "罗春花", "QH02", "南村", "2020"],
    ["H08", "梁文", "QH03", "北村", "2020"],
]

ACTIVITY_HEADER = [
    "活动编号", "日期", "乡镇", "活动站编号", "活动类型", "主题", "活动名称", "参加代表",
    "参加人数", "接待选民人数", "评议对象", "专项行动", "地点",
]
ACTIVITIES = [
    ["A01", dt.date(2024, 4, 10), "QH01", "S01", "接待选民", "", "四月接待日", "D01、D02", "", "12", "", "", ""],
    ["A02", dt.date(2024, 5, 10), "QH01", "S01", "接待选民", "", "五月接待日", "D01", "", "8", "", "", ""],
    ["A03", "2024/4/20", "QH02", "S03", "接待选民", "", "接待日", "D05,D06", "", "5", "", "", ""],
    ["A04", "2024年5月15日", "QH01", "", "视察", "经济建设", "视察工业园", "D01、D02、D03", "", "", "", "", ""],
    ["A05", "2024.6.3", "QH01", "S02", "执法检查", "生态环境", "环保法执法检查", "D03 D04", "", "", "", "", ""],
    ["A06", "20240618", "QH02", "", "视察", "", "视察道路", "D05", "", "", "", "", ""],
    ["A07", dt.date(2024, 5, 20), "QH01", "", "评议", "民生热点", "评议镇卫生院", "D01，D02", "", "", "镇卫生院", "", ""],  # noqa: E501
    ["A08", dt.date(2024, 6, 20), "石桥镇", "", "评议", "民生热点", "评议镇卫生院", "D05", "", "", "镇卫生院", "", ""],
    ["A09", dt.date(2024, 6, 25), "QH01", "", "评议", "", "评议派出所", "D03", "", "", "镇派出所", "", ""],
    ["A10", dt.date(2024, 4, 25), "QH01", "", "调研", "民生热点", "调研农村道路", "D04", "", "", "", "", ""],
    ["A11", dt.date(2024, 6, 28), "QH01", "S01", "述职", "", "代表述职", "D01;D02;D04", "", "", "", "", ""],
    ["A12", dt.date(2024, 6, 29), "QH02", "S03", "述职", "", "代表述职", "D05、D06", "", "", "", "", ""],
    ["A13", dt.date(2024, 3, 31), "QH01", "S01", "视察", "经济建设", "视察春耕", "D01", "", "", "", "", ""],
    ["A14", dt.date(2024, 7, 1), "QH01", "S01", "接待选民", "", "七月接待日", "D01", "", "20", "", "", ""],
    ["A15", dt.date(2024, 5, 12), "QH03", "", "学习培训", "", "代表培训", "D08", "", "", "", "", ""],
]

SUGGESTIONS = [
    ["编号", "收集日期", "乡镇", "活动站编号", "来源", "提出代表", "类别", "内容摘要", "承办单位",
     "转办日期", "办结日期", "办理状态", "办理结果", "满意度", "专项行动"],
    ["G01", "2024-04-10", "QH01", "S01", "选民意见", "D01", "交通出行", "修通东村路", "镇交通办",
     "2024-04-12", "2024-05-10", "已办结", "A", "满意", ""],
    ["G02", "2024/4/10", "QH01", "S01", "选民意见", "", "环境卫生", "清理垃圾", "镇环卫所",
     "", "2024-06-09", "已办结", "正在解决或列入计划解决", "基本满意", ""],
    ["G03", "2024-05-10", "QH01", "", "代表建议", "D02", "农业农村", "建设灌溉渠", "镇农业服务中心",
     "", "2024-05-20", "已办结", "A", "不满意", ""],
    ["G04", "2024-05-15", "QH01", "", "选民意见", "", "社会保障", "提高低保", "镇民政办",
     "2024-05-20", "", "办理中", "", "", ""],
    ["G05", "2024-06-01", "QH02", "S03", "选民意见", "D05", "教育医疗", "增加校车", "镇教办",
     "2024-06-03", "", "已转办", "", "", ""],
    ["G06", "2024-01-05", "QH01", "", "选民意见", "", "城乡建设", "修缮村部", "镇村建办",
     "", "2024-04-20", "已办结", "C", "", ""],
    ["G07", "2024-02-10", "QH02", "", "议案", "D06", "经济发展", "建设产业园", "镇经发办",
     "2024-02-15", "", "办理中", "", "", ""],
    ["G08", "2024-03-25", "QH01", "", "批评意见", "", "其他", "窗口服务态度差", "", "", "",
     "已收集", "", "", ""],
    ["G09", "2024-04-05", "QH01", "", "选民意见", "", "交通出行", "增设路灯", "镇交通办",
     "2024-04-08", "", "已转办", "", "", ""],
    ["G10", "2024-06-20", "QH02", "", "选民意见", "", "环境卫生", "整治河道", "镇水利站",
     "", "2024-07-05", "已办结", "A", "满意", ""],
    ["G11", "2023-12-01", "QH01", "", "选民意见", "", "其他", "旧事", "", "", "2024-01-10",
     "已办结", "D", "满意", ""],
    ["G12", "2024-04-01", "QH03", "", "选民意见", "", "其他", "边界事项", "", "", "",
     "办理中", "", "", ""],
]

VISITS = [
    ["日期", "乡镇", "村", "对象类型", "户编号", "企业名称", "走访代表", "发现问题数",
     "解决问题数", "慰问", "专项行动"],
    ["2024-05-06", "QH01", "东村", "脱贫户", "H01", "", "D01", "2", "1", "是", "2024代表行动"],
    ["2024-05-06", "QH01", "东村", "脱贫户", "H02", "", "D01、D02", "1", "1", "否", "2024代表行动"],
    ["2024-05-20", "QH01", "东村", "脱贫户", "H01", "", "D03", "0", "0", "是", "2024代表行动"],
    ["2024-06-02", "QH01", "西村", "监测户", "H04", "", "D02", "3", "2", "是", "2024代表行动"],
    ["2024-06-10", "QH01", "西村", "帮扶企业", "", "青河食品厂", "D04", "1", "1", "否", "2024代表行动"],
    ["2024-06-11", "QH01", "西村", "帮扶企业", "", "青河食品厂", "D01", "0", "0", "", "2024代表行动"],
    ["2024-06-12", "QH02", "南村", "脱贫户", "H06", "", "D05", "2", "2", "是", "2024代表行动"],
    ["2024-06-15", "QH02", "南村", "帮扶企业", "", "石桥砖厂", "D06", "1", "0", "", "2024代表行动"],
    ["2024-03-01", "QH01", "东村", "脱贫户", "H03", "", "D03", "1", "1", "是", ""],
    ["2024-07-02", "QH02", "南村", "脱贫户", "H07", "", "D07", "1", "1", "是", ""],
]


def write_csv(path: Path, rows: list[list], encoding: str) -> Path:
    """A CSV as Excel saves it: CRLF line ends, in the given encoding."""
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, title: str, rows: list[list]) -> Path:
    """An XLSX with a merged title row, a blank row, the header, and date cells as dates."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(path.stem.split("_")[0])
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, len(rows[0]) - 1, title)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value != "":
                sheet.write(r, c, value)
    workbook.close()
    return path


def write_county(folder: Path) -> list[Path]:
    """The hand-counted county as register files in their real shapes."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_csv(folder / "乡镇名册.csv", TOWNSHIPS, "utf-8-sig"),
        write_xlsx(folder / "活动站名册.xlsx", "青禾县代表活动站名册", STATIONS),
        write_csv(folder / "代表名册.csv", DEPUTIES, "gb18030"),
        write_csv(folder / "脱贫户名册.csv", HOUSEHOLDS, "utf-8"),
        write_xlsx(folder / "活动记录.xlsx", "青禾县人大代表活动情况记录簿", [ACTIVITY_HEADER, *ACTIVITIES]),
        write_csv(folder / "建议意见登记.csv", SUGGESTIONS, "gb18030"),
        write_csv(folder / "走访记录.csv", VISITS, "utf-8-sig"),
    ]


@pytest.fixture(scope="session")
def county_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    write_county(folder)
    return folder


@pytest.fixture(scope="session")
def county_db_master(tmp_path_factory, county_dir) -> Path:
    """The hand-counted county loaded once through the real ETL (read it, never write it)."""
    db = tmp_path_factory.mktemp("db") / "dashboard.duckdb"
    results = load_paths(register_files([county_dir]), db)
    assert all(r.rows_rejected == 0 and r.status == "loaded" for r in results), results
    return db


@pytest.fixture
def county_db(tmp_path, county_db_master) -> Path:
    """A private copy of the loaded county that a test may load more files into."""
    db = tmp_path / "dashboard.duckdb"
    shutil.copyfile(county_db_master, db)
    return db


@pytest.fixture(scope="session")
def con(county_db_master):
    """The hand-counted county, open read-only for query-layer tests."""
    connection = duckdb.connect(str(county_db_master), read_only=True)
    yield connection
    connection.close()
