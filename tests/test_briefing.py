"""季度简报: the paragraph, the 需要关注 list, the page, and the exports (PNG, DOCX)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from docx import Document

from charts import figures
from queries.metrics import Period, Scope
from reports import briefing
from reports.briefing_charts import briefing_charts, chart_frames
from reports.briefing_export import briefing_document, headline_table
from reports.docx_report import PICTURE_CM
from reports.images import PAGE_SCALE, PAGE_WIDTH, Stamp, png_bytes, png_size
from tests.apptest import EMPTY, open_page
from tests.apptest import Q2 as Q2_QUERY

Q2 = Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
ZERO_COUNT = re.compile(r"(?<![\d.])0[次条户个人家]")
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and os.environ.get("CI") != "true",
    reason="PNG export needs Debian's chromium (installed by .ci/run)",
)
needs_libreoffice = pytest.mark.skipif(
    (shutil.which("soffice") is None or shutil.which("pdftotext") is None) and os.environ.get("CI") != "true",
    reason="the layout check needs Debian's libreoffice-writer-nogui and poppler-utils (installed by .ci/run)",
)
HEADINGS = ("一、总体情况", "二、主要指标", "三、图表", "四、需要关注", "附：指标口径")


def test_paragraph_reads_like_a_work_summary(con):
    now = briefing.briefing_figures(con, Scope(("QH01",)), Q2).now
    # Counted in tests/test_metrics.py: QH01 Q2 inspections 2, supervision 5 (so 3 others),
    # units 2; reception days 2, voters 20; collected 5, resolved 4, rate 3/5, satisfaction
    # 2/3, overdue 1; households 3 of 5, deputies 4 of 4, one enterprise, 5 problems solved;
    # 述职 A11: D01, D02, D04.
    # The rate with its cohort's own numbers (3 of the 5 collected are resolved, 4 resolved in the
    # quarter include G06 from Q1); overdue as of the quarter's end; coverage in the campaign
    # 2024代表行动 (05-06 … 06-15), named, not the quarter.
    assert briefing.paragraph(now, "全镇", "本季度") == (
        "本季度，全镇各级人大代表共开展视察检查活动2次，调研、评议等其他监督活动3次，评议单位2个。"
        "各代表活动站开展选民接待日活动2次，接待选民20人次。"
        "收集意见建议5条，其中已办结3条（本期收集件办结率60.0%），期内办结意见建议4条（含往期收集的），"
        "满意率66.7%；截至6月30日超期未办结1条，需加快督办。"
        "“2024代表行动”（5月6日至6月15日）中，代表走访脱贫户3户，覆盖率60.0%，4名代表参与走访，参与率100.0%。"
        "期内走访帮扶企业1家，帮助解决问题5个。"
        "3名代表向选民述职。"
    )


def test_a_quarter_without_a_campaign_writes_the_year_to_date(con):
    # July 2024 has no campaign (2024代表行动 ended 06-15): coverage is the year to date, said so.
    july = Period(dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    now = briefing.briefing_figures(con, Scope(("QH01", "QH02")), july).now
    text = briefing.paragraph(now, "全县", "本季度")
    # Visited this year: H01 H02 H03 H04 H06 H07 of 7; deputies D01-D07 of 7.
    assert "本年以来（截至9月30日），代表走访脱贫户6户，覆盖率85.7%，7名代表参与走访，参与率100.0%。" in text
    assert "覆盖率14.3%" not in text  # what the quarter alone (H07 of 7) would have said


def test_a_register_without_data_is_left_out_never_written_as_zero(con):
    # QH03 in Q2: only A15 (学习培训) and G12 (open); no reception day, no visit.
    now = briefing.briefing_figures(con, Scope(("QH03",)), Q2).now
    text = briefing.paragraph(now, "全乡", "本季度")
    assert text == "本季度，全乡各级人大代表共开展各类履职活动1次。收集意见建议1条，目前均未办结。"
    assert not ZERO_COUNT.search(text)
    empty = briefing.briefing_figures(con, Scope(("QH03",)), Period(dt.date(2010, 1, 1), dt.date(2010, 3, 31))).now
    assert briefing.paragraph(empty, "全乡", "本季度") == "本季度，全乡暂无代表履职记录。"


def test_large_counts_use_wan(con):
    now = dict(briefing.briefing_figures(con, Scope(("QH01",)), Q2).now)
    now |= {"suggestions_collected": 12_345, "suggestions_resolved": 10_000}
    text = briefing.paragraph(now, "全县", "本季度")
    assert "收集意见建议1.2万条" in text and "期内办结意见建议1万条" in text


def test_words_for_scope_and_period():
    assert briefing.title_scope(["青河镇"], "青禾县", False, "青河镇") == "青河镇"
    assert briefing.title_scope(["青河镇", "石桥镇"], "青禾县", True, "青禾县全部乡镇") == "青禾县"
    assert briefing.title_scope(["青河镇", "石桥镇"], "青禾县", False, "青河镇、石桥镇") == "青河镇、石桥镇"
    assert briefing.scope_word(["青河镇"], None) == "全镇"
    assert briefing.scope_word(["柳林乡"], None) == "全乡"
    assert briefing.scope_word(["青河镇", "石桥镇"], "青禾县") == "全县"
    assert briefing.period_word(Q2) == "本季度"
    assert briefing.period_word(Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))) == "本年度"


def test_attention_lists_what_to_chase(con):
    scope = Scope(("QH01", "QH02"))
    now = briefing.briefing_figures(con, scope, Q2).now
    items = {item.title: item for item in briefing.attention_items(con, scope, Q2, now)}
    overdue = items["超期未办结的意见建议 2 条（截至 2024-06-30）"].rows  # G07 (141 days), G08 (97)
    assert overdue["suggestion_id"].tolist() == ["G07", "G08"]
    # Judged months up to 6-30: S01 had reception days in April and May only, S02 none, S03 April only.
    stations = items["有月份未开展接待日的活动站 3 个"].rows
    assert dict(zip(stations["station_label"].str[-4:-1], stations["months"], strict=True)) == {
        "S01": "6月", "S02": "4月、5月、6月", "S03": "5月、6月"}
    absent = items["“2024代表行动”尚未参加走访的代表 1 名"].rows  # D07 visited only on 7-02, outside it
    assert absent["deputy_id"].tolist() == ["D07"]
    below = items["明显低于全县平均的乡镇"].rows.set_index("metric")
    # 办结率 QH01 60.0% (3 of 5), QH02 50.0% (1 of 2): pooled (3 + 1) / (5 + 2) = 57.1%, the
    # figure the pages show for both; 50.0% is more than the 5-point margin below it.
    assert below.loc["本期收集件办结率", "townships"] == "石桥镇（50.0%）"
    assert below.loc["本期收集件办结率", "average"] == "57.1%"
    assert below.loc["本期收集件办结率", "margin"] == "5个百分点"


def test_a_township_within_the_margin_is_not_listed(con):
    # 2024 Q2 in 青禾县: QH01 has 2 of 6 station-months with a reception day, QH02 1 of 3 — both
    # 33.3%, the pooled average itself: nobody is listed for it.
    scope = Scope(("QH01", "QH02"))
    now = briefing.briefing_figures(con, scope, Q2).now
    items = {item.title: item for item in briefing.attention_items(con, scope, Q2, now)}
    assert "接待日达标率" not in set(items["明显低于全县平均的乡镇"].rows["metric"])


def test_headline_table_compares_with_previous_and_last_year(con):
    shown = briefing.briefing_figures(con, Scope(("QH01",)), Q2)
    rows = headline_table(shown)
    assert rows[0] == ["指标", "本期", "上期", "环比", "上年同期", "同比"]
    # Inspections: Q2 A04 A05; Q1 A13 (3-31); 2023 Q2 none.
    assert rows[1] == ["视察检查次数", "2次", "1次", "+1次", "0次", "+2次"]


def test_briefing_page_renders_for_a_township(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    at = open_page("pages/briefing.py", True, {"township": "QH01", **Q2_QUERY}, timeout=60)
    assert not at.exception
    assert at.title[0].value == "青河镇2024年第二季度人大工作简报"  # ten townships' briefings differ
    assert next(m.value for m in at.metric if m.label == "建议收集数") == "5条"
    assert next(m.value for m in at.metric if m.label == "本期收集件办结率") == "60.0%"
    assert any("收集意见建议5条，其中已办结3条" in md.value for md in at.markdown)
    assert len(at.get("plotly_chart")) >= 4
    assert [e.label for e in at.expander][:1] == ["超期未办结的意见建议 1 条（截至 2024-06-30）"]
    assert any(b.label == "下载简报（Word）" for b in at.get("download_button"))


def test_briefing_page_for_an_empty_quarter(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    at = open_page("pages/briefing.py", True, EMPTY, timeout=60)
    assert not at.exception
    assert any("暂无代表履职记录" in md.value for md in at.markdown)
    assert any("没有" in info.value for info in at.info)


def _title_only(title: str):
    frame = __import__("pandas").DataFrame({"x": [], "y": []})
    fig = figures.lines(frame, "x", {}, title, "", "", "无")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


@needs_chromium
def test_png_is_16_9_at_twice_the_size_and_draws_chinese():
    stamp = Stamp("青河镇", "2024年第二季度", "2024-07-10")
    one = png_bytes(_title_only("视察检查次数"), stamp)
    assert one.startswith(b"\x89PNG") and png_size(one) == (2560, 1440)
    # Without a CJK font Chromium draws every missing glyph as the same empty box, so two
    # titles of four different characters would give identical images; with the font they differ.
    other = png_bytes(_title_only("建议办结数量"[:6]), stamp)
    same_length = png_bytes(_title_only("视察检查次数"), stamp)
    assert one == same_length  # rendering is deterministic …
    assert one != other  # … so a difference can only come from the glyphs drawn


@needs_chromium
def test_docx_holds_paragraph_table_and_images(con):
    scope = Scope(("QH01",))
    shown = briefing.briefing_figures(con, scope, Q2)
    charts = briefing_charts(chart_frames(con, scope, Q2, shown.now), shown.now)
    text = briefing.paragraph(shown.now, "全镇", "本季度")
    attention = briefing.attention_items(con, scope, Q2, shown.now)
    data = briefing_document("2024年第二季度人大工作简报", Stamp("青河镇", "2024年第二季度", "2024-07-10"), text,
                             shown, charts, attention, [("办结率", "统计期内收集的意见建议中已办结的比例")])
    assert zipfile.is_zipfile(io.BytesIO(data))
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "2024年第二季度人大工作简报"
    assert text in paragraphs
    headline = document.tables[0]
    assert [c.text for c in headline.rows[0].cells] == ["指标", "本期", "上期", "环比", "上年同期", "同比"]
    assert headline.rows[3].cells[1].text == "5条"  # 建议收集数
    assert len(document.inline_shapes) == len(charts) >= 4
    assert any(p.startswith("超期未办结的意见建议 1 条") for p in paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert not any(re.search(r"1\d{10}", t) for t in cells + paragraphs)  # no phone number travels


def _county_briefing(con) -> tuple[bytes, str]:
    """The Word briefing of the whole hand-counted county for 2024 Q2, and its title."""
    scope = Scope(("QH01", "QH02", "QH03"))
    shown = briefing.briefing_figures(con, scope, Q2)
    charts = briefing_charts(chart_frames(con, scope, Q2, shown.now), shown.now)
    attention = briefing.attention_items(con, scope, Q2, shown.now)
    title = "全部乡镇2024年第二季度人大工作简报"
    data = briefing_document(title, Stamp("全部乡镇", "2024年第二季度", "2024-07-10"),
                             briefing.paragraph(shown.now, "所选各乡镇", "本季度"), shown, charts, attention,
                             [("本期收集件办结率", "统计期内收集的意见建议中已办结的比例")])
    return data, title


@needs_chromium
def test_docx_charts_are_drawn_at_their_printed_width(con):
    """A chart's type prints at its designed size only if it is drawn at the width it is placed at."""
    document = Document(io.BytesIO(_county_briefing(con)[0]))
    assert document.inline_shapes
    for shape in document.inline_shapes:
        assert abs(shape.width.cm - PICTURE_CM) < 0.01
        blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = document.part.related_parts[blob].blob
        assert png_size(image)[0] == PAGE_WIDTH * PAGE_SCALE  # 620 CSS px for 16 cm: 12 px type ≈ 9 pt
    headings = [p for p in document.paragraphs if p.text in HEADINGS]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)


@needs_chromium
@needs_libreoffice
def test_docx_lays_out_in_libreoffice(con, tmp_path):
    """Converted by LibreOffice (what WPS and Word do alike), the briefing has every part on
    its pages, and no heading is left at the foot of a page without its content."""
    data, title = _county_briefing(con)
    source = tmp_path / "简报.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"  # a private profile: another soffice may be running
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "简报.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    assert pages >= 2
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert title in text.replace(" ", "")
    page_texts = text.split("\f")[:pages]
    for heading in HEADINGS:
        assert any(heading in page.replace(" ", "") for page in page_texts), heading
    for number, page in enumerate(page_texts, start=1):
        lines = [line.strip().replace(" ", "") for line in page.splitlines() if line.strip()]
        assert lines, f"page {number} is empty"
        assert lines[-1] not in HEADINGS, f"page {number} ends with the heading {lines[-1]}"


@needs_chromium
def test_every_kind_of_chart_exports(con):
    """Horizontal bars (numpy labels), heatmaps and lines all render to a stamped PNG sized to them."""
    frame = __import__("pandas").DataFrame({"name": [f"第{i}站" for i in range(40)], "value": list(range(40))})
    tall = figures.bars(frame, "name", "value", "四十个站", "活动站", "次数（次）", "口径", horizontal=True)
    image = png_bytes(tall, Stamp("青河镇", "2024年第二季度", "2024-07-10"))
    width, height = png_size(image)
    assert width == 2560 and height == 2 * tall.layout.height > 1440  # a long chart is not squeezed into 16:9
