"""Every header synonym and every vocabulary word of issue 8, listed, and each one read.

The listing below is the table in etl/registers.py written out by hand: a change
to the table must be made here too, deliberately. Each synonym, written as a
header (with spaces, full-width brackets and units as offices write them), must
map to its column; no word may mean two columns of one register.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.layout import HEADER_KEYS, _match, normalize_header
from etl.registers import BY_KIND, REGISTERS, VALUE_SYNONYMS

HEADER_SYNONYMS = {
    'townships': {
        'township_code': ('代码', '乡镇编码', '编码', '乡镇编号', '行政区划代码', '区划代码'),
        'township_name': ('乡镇', '乡镇名', '名称', '乡镇（街道）名称', '乡镇街道'),
        'county': ('县', '所属县（市、区）', '县（市、区）', '县区', '所属县区', '县名'),
        'term_start': ('本届起始日期', '本届开始时间', '届期开始日期', '换届日期', '换届时间', '本届任期开始'),
    },
    'stations': {
        'station_id': ('编号', '站点编号', '活动站代码', '站号'),
        'station_name': (
            '名称', '活动站', '站名', '站点名称', '代表活动站名称', '联络站名称', '代表之家名称',
            '活动站（联络站、代表之家）名称', '代表活动站',
        ),
        'township': ('所属乡镇', '乡镇（街道）', '乡镇街道', '所在乡镇', '乡镇名称', '镇', '乡', '镇（乡）'),
        'established_on': ('建站时间', '建站日期', '设立时间', '成立时间', '成立日期', '建立时间'),
        'host_unit': ('所在单位', '依托', '建站单位', '依托单位名称', '所在地'),
    },
    'deputies': {
        'deputy_id': ('编号', '代表证号', '代表证编号', '代表号'),
        'name': ('代表姓名', '名字'),
        'level': ('层级', '代表级别', '级别', '人大代表层级', '代表层次', '何级代表'),
        'township': (
            '所属乡镇', '乡镇（街道）', '乡镇街道', '所在乡镇', '乡镇名称', '镇', '乡', '镇（乡）', '选区所在乡镇',
        ),
        'station_id': (
            '活动站', '所属活动站', '所在活动站', '活动站名称', '代表活动站', '联络站', '代表之家',
            '活动站（联络站）', '所属联络站',
        ),
        'group_name': ('小组', '所属代表小组', '代表组', '所在代表组', '所属代表组', '编组'),
        'team_name': ('分队', '所属分队', '所在分队', '行动小分队'),
        'birth_year': ('出生年月', '出生日期', '出生年', '出生时间', '出生年度'),
        'education': ('文化程度', '最高学历', '学历（学位）'),
        'occupation': ('职业', '代表构成', '构成类别', '职业构成'),
        'phone': ('电话', '手机', '手机号码', '联系方式', '电话号码'),
        'term': ('届别', '届'),
    },
    'households': {
        'household_id': ('编号', '户号', '农户编号', '脱贫户编号'),
        'head_name': ('户主', '户主名字', '脱贫户姓名', '脱贫户户主', '户主姓名（脱贫户）'),
        'township': ('所属乡镇', '乡镇（街道）', '乡镇街道', '所在乡镇', '乡镇名称', '镇', '乡', '镇（乡）'),
        'village': (
            '所在村', '村（社区）', '村（居）', '村居', '行政村', '村名', '所属村', '村委会', '村（居）委会',
            '社区',
        ),
        'exit_year': ('脱贫年份', '脱贫时间', '脱贫年', '脱贫日期', '脱贫年限'),
    },
    'activities': {
        'activity_id': ('编号', '记录编号'),
        'date': ('时间', '活动时间', '活动日期', '接待时间', '接待日期', '开展时间', '视察时间', '日期时间'),
        'township': ('所属乡镇', '乡镇（街道）', '乡镇街道', '所在乡镇', '乡镇名称', '镇', '乡', '镇（乡）'),
        'station_id': (
            '活动站', '所属活动站', '所在活动站', '活动站名称', '代表活动站', '联络站', '代表之家',
            '活动站（联络站）', '所属联络站',
        ),
        'kind': ('活动形式', '类型', '活动类别', '形式', '活动方式', '活动种类'),
        'theme': ('主题分类', '所属领域', '领域'),
        'title': ('活动内容', '内容', '活动主题', '活动事项', '活动情况', '活动名称及内容', '主要内容', '名称'),
        'deputy_ids': (
            '参加人员', '参加代表姓名', '参加人员姓名', '参加代表名单', '参加代表（姓名）', '接待代表', '出席代表',
            '参与代表', '参加活动代表', '代表',
        ),
        'attendees': ('人数', '参加代表人数', '出席人数', '参与人数', '参加人员人数'),
        'voters_received': (
            '接待人数', '接待选民数', '来访人数', '来访选民人数', '接待群众人数', '选民人数', '接待选民（人次）',
            '接待人次',
        ),
        'evaluated_unit': ('被评议单位', '评议单位', '测评对象', '被评议对象'),
        'campaign': ('专项活动', '所属专项行动'),
        'place': ('活动地点', '地址', '接待地点', '视察地点', '活动场所'),
    },
    'suggestions': {
        'suggestion_id': ('登记编号', '建议编号', '意见编号', '卡号', '案号', '登记号'),
        'received_on': (
            '收集时间', '登记日期', '登记时间', '反映时间', '反映日期', '接待时间', '来访时间', '提出时间',
            '提出日期', '受理时间', '受理日期', '收到时间', '日期',
            '时间',
        ),
        'township': ('所属乡镇', '乡镇（街道）', '乡镇街道', '所在乡镇', '乡镇名称', '镇', '乡', '镇（乡）'),
        'station_id': (
            '活动站', '所属活动站', '所在活动站', '活动站名称', '代表活动站', '联络站', '代表之家',
            '活动站（联络站）', '所属联络站',
        ),
        'source': ('意见来源', '建议来源'),
        'deputy_ids': ('代表', '代表姓名', '领衔代表', '建议代表', '收集代表', '接待代表', '提出代表姓名'),
        'category': ('建议类别', '问题类别', '意见类别', '分类', '所属类别', '问题分类'),
        'summary': (
            '内容', '建议内容', '意见内容', '反映问题', '反映内容', '主要内容', '意见建议内容', '问题', '建议事项',
            '案由', '标题', '建议标题', '意见建议',
            '反映的问题', '来访事由', '主要问题',
        ),
        'handler': ('转办单位', '交办单位', '办理单位', '主办单位', '责任单位', '承办部门'),
        'referred_on': ('转办时间', '交办时间', '交办日期'),
        'resolved_on': ('办结时间', '答复时间', '答复日期', '办理完成时间', '完成时间'),
        'status': ('状态', '办理进度', '进展情况'),
        'outcome': ('结果', '答复类别', '办理类别', '结果类别', '办理结果类别'),
        'satisfaction': ('满意程度', '是否满意', '代表满意度', '选民满意度', '满意情况', '测评意见'),
        'campaign': ('专项活动',),
    },
    'visits': {
        'date': ('走访日期', '走访时间', '时间'),
        'township': ('所属乡镇', '乡镇（街道）', '乡镇街道', '所在乡镇', '乡镇名称', '镇', '乡', '镇（乡）'),
        'village': (
            '所在村', '村（社区）', '村（居）', '村居', '行政村', '村名', '所属村', '走访村', '村委会', '社区',
        ),
        'target_kind': ('走访对象类型', '对象类别', '走访类型', '户类型', '对象'),
        'household_id': ('户号', '脱贫户编号', '农户编号'),
        'enterprise': ('企业', '帮扶企业', '走访企业', '企业（基地）名称', '企业名'),
        'deputy_ids': ('代表', '代表姓名', '走访人', '走访人员', '走访代表姓名', '参加代表', '走访人员姓名'),
        'problems_found': ('发现问题', '收集问题数', '收集问题', '发现问题个数', '查找问题数'),
        'problems_solved': ('解决问题', '帮助解决问题数', '解决困难问题', '解决问题个数', '帮助解决问题'),
        'consoled': ('是否慰问', '慰问情况', '是否慰问（是/否）'),
        'campaign': ('专项活动',),
        'head_name': ('户主', '脱贫户姓名', '走访户户主', '脱贫户户主', '户主名字'),
    },
}


def test_the_listing_is_the_table():
    table = {r.kind: {c.key: c.synonyms for c in r.read_columns if c.synonyms} for r in REGISTERS}
    assert table == HEADER_SYNONYMS


CASES = [(kind, key, word) for kind, columns in HEADER_SYNONYMS.items() for key, words in columns.items()
         for word in words]


@pytest.mark.parametrize(("kind", "key", "word"), CASES, ids=[f"{k}-{w}" for k, _, w in CASES])
def test_each_synonym_maps_to_its_column(kind, key, word):
    assert HEADER_KEYS[kind][normalize_header(word)] == key
    spaced = " ".join(word).replace("(", "（").replace(")", "）") + "（个）"  # as typed, with a unit
    columns, _, _ = _match([[spaced]], BY_KIND[kind])
    assert columns == {key: 0}


def test_no_word_means_two_columns_of_one_register():
    for register in REGISTERS:
        seen: dict[str, str] = {}
        for column in register.read_columns:
            for word in (column.header, *column.synonyms):
                normalized = normalize_header(word)
                assert seen.setdefault(normalized, column.key) == column.key, (register.kind, word)


@pytest.mark.parametrize(
    ("kind", "written", "key"),
    [
        ("activities", "时 间", "date"), ("activities", "活动时间", "date"), ("activities", "活动内容", "title"),
        ("activities", "活动形式", "kind"), ("activities", "参加人员", "deputy_ids"),
        ("activities", "参加代表姓名", "deputy_ids"), ("households", "所在村", "village"),
        ("households", "村（社区）", "village"), ("households", "户主", "head_name"),
        ("suggestions", "收集时间", "received_on"), ("suggestions", "转办时间", "referred_on"),
        ("suggestions", "办结时间", "resolved_on"), ("stations", "所属乡镇", "township"),
        ("stations", "建站时间", "established_on"), ("deputies", "所属活动站", "station_id"),
        ("visits", "发现问题（个）", "problems_found"), ("deputies", "出生年月", "birth_year"),
        ("visits", "是否慰问", "consoled"), ("activities", "ＴＩＴＬＥ", "title"),
    ],
)
def test_the_issues_examples(kind, written, key):
    """The header words issue 8 names, as written there."""
    assert HEADER_KEYS[kind][normalize_header(written)] == key


def test_vocabulary_words_name_contract_values():
    for key, words in VALUE_SYNONYMS.items():
        register = next(r for r in REGISTERS if key in {c.key for c in r.columns})
        choices = register.column(key).choices
        assert set(words.values()) <= set(choices), key


def write_vocabulary(folder: Path, rows: list[list[str]]) -> Path:
    path = folder / "青河镇活动记录.csv"
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    return path


def test_vocabulary_words_load_as_contract_values(county_db, tmp_path):
    """视察活动 → 视察, 专题调研 → 调研, 接待选民日 / 选民接待 → 接待选民, 代表述职 → 述职; unknown still rejected."""
    import duckdb

    from etl.cli import main
    from etl.validate import REASON_CHOICE

    rows = [["日期", "乡镇", "活动类型", "活动名称"]] + [
        [f"2024-08-{day:02d}", "QH01", word, f"活动{day}"]
        for day, word in enumerate(["视察活动", "专题调研", "接待选民日", "选民接待", "代表述职", "开会"], start=1)]
    path = write_vocabulary(tmp_path, rows)
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    with duckdb.connect(str(county_db), read_only=True) as con:
        kinds = con.execute(
            "SELECT title, kind FROM activities WHERE date >= DATE '2024-08-01' ORDER BY date").fetchall()
        rejected = con.execute("SELECT row_no, value, reason FROM rejected_rows").fetchall()
    assert kinds == [("活动1", "视察"), ("活动2", "调研"), ("活动3", "接待选民"), ("活动4", "接待选民"),
                     ("活动5", "述职")]
    assert [(n, v) for n, v, _ in rejected] == [(7, "开会")]
    assert rejected[0][2].startswith("「活动类型」" + REASON_CHOICE.split("：")[0])


@pytest.mark.parametrize(
    ("column", "written", "stored"),
    [
        ("consoled", "√", True), ("consoled", "", None), ("consoled", "否", False), ("consoled", "×", False),
        ("problems_found", "３", 3),
    ],
)
def test_consoled_ticks(county_db, tmp_path, column, written, stored):
    import duckdb

    from etl.cli import main

    header = ["日期", "乡镇", "对象类型", "户编号", "走访代表", "发现问题数", "是否慰问"]
    row = ["2024-08-01", "QH01", "脱贫户", "H05", "D01", "３" if column == "problems_found" else "1",
           written if column == "consoled" else ""]
    path = tmp_path / "走访记录_补.csv"
    path.write_text(",".join(header) + "\r\n" + ",".join(row) + "\r\n", encoding="utf-8")
    assert main(["load", str(path), "--db", str(county_db)]) == 0
    with duckdb.connect(str(county_db), read_only=True) as con:
        value = con.execute(f"SELECT {column} FROM visits WHERE date = DATE '2024-08-01'").fetchall()
    assert value == [(stored,)]
