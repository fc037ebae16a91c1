"""年度/届期工作总结: the paragraphs, the rows behind every figure, the CLI and the Word template.

The 沿河镇 fixture (tests/conftest.py TOWN_*) is counted by hand in tests/test_summary_metrics.py;
the seed township (tests/seed_registers.py) reproduces the figures of the two seed summaries,
and its year summary must say them in the seeds' own words.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile

import duckdb
import pytest
from docx import Document

from etl.cli import load_paths, main
from etl.loader import register_files
from queries import metrics as m
from queries import summary as summary_queries
from queries import trace
from queries.db import connect_readonly
from reports.summary import TERM, YEAR, Figure, work_summary
from reports.summary_docx import DEFAULT_TEMPLATE, FIELDS, TemplateProblem, default_template, render
from tests.seed_registers import write_seed_township

TOWN = m.Scope(("YH01",))
Y2024 = summary_queries.year_period(2024)
ZERO_COUNT = re.compile(r"(?<![\d.])0[次条户个人名家]")
needs_libreoffice = pytest.mark.skipif(
    shutil.which("libreoffice") is None and os.environ.get("CI") != "true",
    reason="rendering Word to PDF needs Debian's libreoffice-writer-nogui and poppler-utils (installed by .ci/run)",
)


@pytest.fixture(scope="module")
def seed_con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    write_seed_township(folder / "registers")
    results = load_paths(register_files([folder / "registers"]), folder / "dashboard.duckdb")
    assert all(r.rows_rejected == 0 for r in results), results
    connection = connect_readonly(folder / "dashboard.duckdb")
    yield connection
    connection.close()


def town_summary(con, period=Y2024, kind=YEAR):
    previous = summary_queries.previous_year(period) if kind == YEAR else summary_queries.previous_term(period)
    return work_summary(con, TOWN, period, previous, kind, ["沿河镇"], None)


def test_town_year_summary_reads_like_the_seeds(town_con):
    summary = town_summary(town_con)
    assert summary.title == "沿河镇2024年人大工作总结"
    texts = {s.title: s.text for s in summary.sections}
    # Figures counted in tests/test_summary_metrics.py; 2023: supervision 1 (B17), reception 1 (B18),
    # suggestions 1 (Y06, resolved: rate 100%), 述职 none (no change clause: nothing to compare).
    assert texts["监督工作"] == (
        "2024年，全镇共组织代表开展监督活动3次，其中视察1次、执法检查1次、评议1次，比上年增加2次。"
        "视察、执法检查活动中，法制建设方面的1次、经济建设方面的1次。对镇水利站进行了工作评议。")
    assert texts["代表工作"] == (
        "全镇共有五级人大代表8名，其中省级代表1名、市级代表1名、县级代表2名、镇级代表4名。"
        "从代表结构看，男代表4名、女代表3名；35岁及以下的3名、36至55岁的2名、56岁及以上的2名；"
        "研究生学历1名、本科学历3名、大专学历1名、中专及高中学历1名、初中及以下学历1名；"
        "农民2名、工人1名、企业负责人1名、机关干部2名、其他职业1名。"
        "2024年，召开镇人民代表大会会议1次、主席团会议2次、其他会议1次。组织代表学习培训2次，参加学习培训10人次。"
        "各代表活动站共开展选民接待日活动5次，比上年增加4次，每次接待日由活动站安排2名左右县、镇代表接待选民，"
        "共接待选民27人次，连同代表走访共联系选民32人次。全镇共有2名县代表、3名镇代表向选民进行了述职。")
    assert texts["建议办理"] == (
        "2024年，共收集各类意见建议5条，其中选民意见2条、代表建议1条、议案2条，比上年增加4条。"
        "办结意见建议2条，其中已解决或基本解决的2条；2024年收集的意见建议办结率40.0%，比上年降低60.0个百分点，"
        "选民满意率100.0%，办理时长中位数20.5天。截至2024年底，尚有3条意见建议超过办理时限未办结，需加快督办。")
    assert texts["代表行动"] == (
        "按照“代表参加活动全覆盖、走访脱贫户全覆盖”的要求，将全镇8名五级代表编为2个代表组、4个行动分队，"
        "明确走访目标和任务。2024年，全镇共有7名代表完成3户脱贫户、1家帮扶企业的走访调研，"
        "脱贫户走访覆盖率75.0%（名册4户），代表参与率87.5%。"
        "各级人大代表共解决走访中发现的困难问题4条，慰问2户，征集整理出意见建议2条，向县人大提交议案1条。")
    assert texts["活动站建设"] == (
        "截至2024年底，全镇共有人大代表活动站4个，2024年新设立2个（依托康龙玻璃工艺品公司、迅达电磁线公司）。"
        "2024年，每个人大代表活动站都已组织各类活动1次以上。")


def test_sentences_without_data_are_left_out(town_con):
    # 2023: B17 视察, B18 接待日, B19 主席团会议, Y06; no visit, no 述职, no training, no new station.
    summary = town_summary(town_con, summary_queries.year_period(2023))
    assert [s.key for s in summary.sections] == ["supervision", "deputies", "suggestions", "stations"]
    text = summary.text
    assert "述职" not in text and "学习培训" not in text and "新设立" not in text and "每个人大代表活动站" not in text
    assert not ZERO_COUNT.search(text), text
    empty = town_summary(town_con, summary_queries.year_period(2010))
    assert [s.key for s in empty.sections] == ["deputies", "stations"]  # the rosters stand; nothing happened


def test_term_summary_compares_with_nothing_before_the_term(town_con):
    term = summary_queries.term_period(town_con, TOWN, dt.date(2026, 12, 1))
    assert term == m.Period(dt.date(2021, 10, 1), dt.date(2026, 9, 30))
    summary = town_summary(town_con, term, TERM)
    assert summary.title == "沿河镇本届人大工作总结"
    assert summary.period_name == "本届（2021年10月至2026年9月）"
    assert "比上届" not in summary.text  # no register reaches back to 2016-2021
    assert summary.section("supervision").text.startswith("本届以来，全镇共组织代表开展监督活动4次")  # B13 B14 B16 B17
    assert "截至2026年9月30日，全镇共有人大代表活动站5个，本届以来新设立3个" in summary.text  # Z2 Z3 Z5


SEED_FIGURES = [
    "168名五级代表编为14个代表组、34个行动分队",
    "省级代表1名、市级代表12名",
    "158名代表完成585户脱贫户、7家帮扶企业的走访",
    "46名县代表、51名镇代表向选民进行了述职",
    "每个人大代表活动站都已组织各类活动15次以上",
    "3名左右县、镇代表",
]


def test_the_seed_registers_give_the_seeds_sentences(seed_con):
    period = summary_queries.year_period(2020)
    summary = work_summary(seed_con, m.Scope(("AY01",)), period, summary_queries.previous_year(period), YEAR,
                           ["安宜镇"], None)
    text = summary.text
    for wanted in SEED_FIGURES:
        assert wanted in text, wanted
    assert re.search("解决[^。，]*问题33条，慰问56户，征集整理出意见建议11条，向县人大提交议案2条", text), text
    assert "新设立2个（依托康龙玻璃工艺品公司、迅达电磁线公司）" in text


def test_motions_logged_without_their_campaign_still_count(tmp_path):
    write_seed_township(tmp_path / "registers", motions_tagged=False)
    load_paths(register_files([tmp_path / "registers"]), tmp_path / "dashboard.duckdb")
    con = connect_readonly(tmp_path / "dashboard.duckdb")
    try:
        period = summary_queries.year_period(2020)
        summary = work_summary(con, m.Scope(("AY01",)), period, summary_queries.previous_year(period), YEAR,
                               ["安宜镇"], None)
    finally:
        con.close()
    assert "征集整理出意见建议11条，向县人大提交议案2条" in summary.text  # received 06-20/21, amid the visits


def _agrees(con, figure: Figure, summary) -> None:
    """The rows behind a figure give back its value: a count, a distinct count or a sum."""
    period = summary.previous if figure.previous else summary.period
    rows = trace.figure_rows(con, figure.key, figure.part, summary.scope, period)
    assert len(rows), figure
    value = getattr(m, figure.key)(con, summary.scope, period)
    if isinstance(value, dict):
        value = value[figure.part]
    if figure.key in ("deputy_groups", "action_teams"):
        unit = "group_name" if figure.key == "deputy_groups" else "coalesce(group_name, ''), team_name"
        assert value == con.execute(
            f"SELECT count(DISTINCT (township_code, {unit})) FROM deputies WHERE deputy_id IN "
            "(SELECT unnest($ids))", {"ids": rows["record_id"].tolist()}).fetchone()[0]
    elif figure.key == "evaluated_units":
        assert value == rows["state"].str.extract("评议对象：(.*?)(，|$)")[0].nunique()
    elif figure.key == "enterprises_visited":
        assert value == rows["description"].nunique()
    elif figure.key in ("training_attendance", "voter_contacts", "voter_contacts_with_visits", "problems_solved"):
        assert value == rows["amount"].sum()
    elif figure.key == "deputies_per_reception":
        assert value == round(rows["amount"].mean(), 1)
    elif figure.key == "station_activities_min":
        assert value == rows["amount"].min()
    elif figure.key in ("resolution_rate", "household_coverage", "deputy_participation", "satisfaction_rate",
                        "median_days_to_resolve"):
        assert value is not None
    else:
        assert value == len(rows), figure


@pytest.mark.parametrize("which", ["town", "seed"])
def test_every_figure_leads_to_rows_that_give_it_back(town_con, seed_con, which):
    if which == "town":
        con, summary = town_con, town_summary(town_con)
    else:
        con, period = seed_con, summary_queries.year_period(2020)
        summary = work_summary(con, m.Scope(("AY01",)), period, summary_queries.previous_year(period), YEAR,
                               ["安宜镇"], None)
    figures = [f for s in summary.sections for f in s.figures]
    assert len(figures) > 20
    for figure in figures:
        assert trace.traceable(figure.key), figure
        _agrees(con, figure, summary)


def test_a_phone_typed_into_a_text_is_masked_in_the_rows(town_db_master, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(town_db_master, db)
    writable = duckdb.connect(str(db))
    writable.execute("UPDATE suggestions SET summary = '修路，联系人13912341234' WHERE suggestion_id = 'Y01'")
    rows = trace.figure_rows(writable, "suggestions_collected", None, TOWN, Y2024)
    writable.close()
    assert "修路，联系人139****1234" in rows["description"].tolist()
    assert not rows.astype(str).apply(lambda c: c.str.contains("13912341234")).any().any()


def test_rows_never_carry_a_phone_or_a_full_household_name(con):
    rows = trace.figure_rows(con, "deputies_total", None, m.Scope(("QH01",)), Y2024)
    assert not rows.astype(str).apply(lambda c: c.str.contains(r"1\d{10}")).any().any()
    households = trace.figure_rows(con, "households_total", None, m.Scope(("QH01",)), Y2024)
    assert households["description"].tolist()[:2] == ["陈**", "林**"]


# --- the command line -----------------------------------------------------------

def test_cli_summary_prints_and_writes_word(town_db_master, tmp_path, capsys):
    out = tmp_path / "总结.docx"
    code = main(["summary", "--db", str(town_db_master), "--year", "2024", "--township", "沿河镇", "--docx", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("沿河镇2024年人大工作总结")
    assert "全镇共有2名县代表、3名镇代表向选民进行了述职" in printed
    document = Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "沿河镇2024年人大工作总结"
    assert any(p.startswith("2024年，全镇共组织代表开展监督活动3次") for p in paragraphs)
    assert "一、强化监督职能，努力发挥人大作用" in paragraphs
    headline = document.tables[0]
    assert [c.text for c in headline.rows[0].cells] == ["指标", "2024年", "上年", "增减"]
    assert [c.text for c in headline.rows[1].cells] == ["监督活动次数", "3次", "1次", "+2次"]


def test_cli_summary_term_and_errors(town_db_master, capsys):
    assert main(["summary", "--db", str(town_db_master), "--term", "--as-of", "2026-09-30"]) == 0
    assert capsys.readouterr().out.startswith("沿河镇本届人大工作总结")
    assert main(["summary", "--db", str(town_db_master), "--year", "2024", "--township", "无此镇"]) == 2
    assert "乡镇名册中没有「无此镇」" in capsys.readouterr().err


def test_cli_summary_without_term_start_says_so(county_db_master, capsys):
    assert main(["summary", "--db", str(county_db_master), "--term", "--township", "柳林乡"]) == 2
    assert "没有填写“本届开始日期”" in capsys.readouterr().err


# --- the Word template ----------------------------------------------------------

def test_shipped_template_is_the_default_builder_output(tmp_path):
    """The file in the repository carries exactly the tags `default_template` writes."""
    built = default_template(tmp_path / "模板.docx")
    tags = re.compile(r"\{[{%][^}%]*[}%]\}")
    shipped = [t for p in Document(str(DEFAULT_TEMPLATE)).paragraphs for t in tags.findall(p.text)]
    fresh = [t for p in Document(str(built)).paragraphs for t in tags.findall(p.text)]
    assert shipped == fresh and len(shipped) > 20
    used = {re.split(r"[ .}%]", t.strip("{}% p"))[0] for t in shipped} - {"if", "endif", "for", "endfor"}
    assert used <= set(FIELDS) | {"项"}


def _split_runs(template: bytes, tag: str, pieces: list[str]) -> bytes:
    """The template with `tag` typed the way Word stores an edit: in several runs, one of them bold."""
    document = Document(io.BytesIO(template))
    paragraph = next(p for p in document.paragraphs if p.text == tag)
    size = paragraph.runs[0].font.size
    for run in paragraph.runs:
        run._element.getparent().remove(run._element)
    for index, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        run.font.size = size
        run.bold = index == 1
    assert paragraph.text == tag and len(paragraph.runs) == len(pieces)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_edited_template_with_tags_split_across_runs_renders(town_con):
    summary = town_summary(town_con)
    template = DEFAULT_TEMPLATE.read_bytes()
    template = _split_runs(template, "{{ 监督工作 }}", ["{{ 监督", "工作", " }}"])
    template = _split_runs(template, "{{ 代表工作 }}", ["{", "{ 代表工作 }", "}"])  # even the braces apart
    data = render(summary, "2025-01-05", template, "本镇模板.docx")
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert summary.section("supervision").text in paragraphs
    assert summary.section("deputies").text in paragraphs


def _with_paragraph(template: bytes, text: str) -> bytes:
    document = Document(io.BytesIO(template))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("added", "message"), [
    ("{{ 监督工做 }}", "模板「本镇模板.docx」中的「监督工做」不是可用的字段"),
    ("{%p if 代表行动 %}", "的标记写法有误"),
    ("{{ 代表行动 }", "的标记写法有误"),
], ids=["misspelt", "unclosed_if", "missing_brace"])
def test_a_broken_template_gives_a_clear_chinese_error(town_con, added, message):
    template = _with_paragraph(DEFAULT_TEMPLATE.read_bytes(), added)
    with pytest.raises(TemplateProblem, match=re.escape(message)):
        render(town_summary(town_con), "2025-01-05", template, "本镇模板.docx")


def test_not_a_word_file_is_refused(town_con):
    with pytest.raises(TemplateProblem, match="不是 Word 文档"):
        render(town_summary(town_con), "2025-01-05", b"%PDF-1.4 not a docx", "总结.pdf")


def test_register_text_is_written_as_text_not_markup(town_con):
    summary = town_summary(town_con)
    hostile = summary.sections[0]
    sentence = (*hostile.sentences[0], "对<w:t>&“镇水利站”</w:t>进行评议。")
    tampered = type(summary)(**{**summary.__dict__, "sections": (
        type(hostile)(hostile.key, hostile.title, (sentence,)), *summary.sections[1:])})
    data = render(tampered, "2025-01-05")
    assert any("对<w:t>&“镇水利站”</w:t>进行评议。" in p.text for p in Document(io.BytesIO(data)).paragraphs)


@needs_libreoffice
def test_word_document_renders_in_libreoffice(town_con, tmp_path):
    """What the office prints: the .docx through LibreOffice to PDF, the figures on its pages."""
    summary = town_summary(town_con)
    docx = tmp_path / "总结.docx"
    docx.write_bytes(render(summary, "2025-01-05"))
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "总结.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "沿河镇2024年人大工作总结" in flat
    assert "全镇共有2名县代表、3名镇代表向选民进行了述职" in flat
    assert "附表：主要指标" in flat and "监督活动次数3次1次+2次" in flat
    with zipfile.ZipFile(docx) as archive:
        assert "word/document.xml" in archive.namelist()


def test_rounded_wording_stays_true():
    """"15次以上" holds for a fewest of 15-19 (以上 includes the number); "3名左右" rounds half up."""
    from reports import summary as s

    words = s.Words("全镇", "镇", "2020年", "上年", "2020年底")
    base = {"stations_on_roster": 8, "stations_established": 0}
    for fewest, shown in [(17, "15次以上"), (15, "15次以上"), (20, "20次以上"), (9, "9次以上")]:
        sentences = s._stations({**base, "station_activities_min": fewest}, {}, words, {"hosts": []})
        assert sentences[-1][1].text == shown
    reception = {"reception_days": 4, "deputies_per_reception": 2.5, "voter_contacts": 0,
                 "reception_deputies_by_level": {"县": 3, "乡镇": 9, "市": 1}, "voter_contacts_with_visits": 0}
    text = "".join(p if isinstance(p, str) else p.text for p in s._reception(reception, {"reception_days": 0}, words))
    assert "安排3名左右县、镇代表接待选民" in text
