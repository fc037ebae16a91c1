"""The 工作总结 page and the 季度简报 page's ZIP of every township's briefing, in AppTest.

沿河镇 (tests/conftest.py TOWN_*) for 2024, counted by hand in tests/test_summary_metrics.py.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from tests.apptest import open_page

Y2024 = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def town_page(town_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(town_db_master))

    def run(**query):
        return open_page("pages/summary.py", True, query, timeout=60)

    return run


def test_summary_page_writes_the_year_with_linked_figures(town_page):
    at = town_page(**Y2024)
    assert not at.exception
    assert at.title[0].value == "沿河镇2024年人大工作总结"
    assert [s.value for s in at.subheader][:5] == ["一、监督工作", "二、代表工作", "三、建议办理", "四、代表行动",
                                                    "五、活动站建设"]
    paragraph = next(md.value for md in at.markdown if "监督活动" in md.value)
    assert "<b>3次</b><sup>[1]</sup>" in paragraph and "比上年增加<b>2次</b><sup>[5]</sup>" in paragraph
    # [1] 3次 = 监督活动次数: its 口径 and the three rows behind it (B13 视察, B14 评议, B16 执法检查).
    at.pills(key="summary_pick_supervision").set_value(1).run()
    assert not at.exception
    assert any("监督活动次数" in md.value and "口径：活动类型为视察、执法检查、调研或评议的活动次数" in md.value
               for md in at.markdown)
    rows = at.dataframe[0].value
    assert list(rows["编号"]) == ["B13", "B14", "B16"]
    assert set(rows["来源文件"]) == {"活动记录.csv"} and list(rows["行号"]) == [14, 15, 17]


def test_a_change_links_to_the_year_before(town_page):
    at = town_page(**Y2024)
    at.pills(key="summary_pick_supervision").set_value(5).run()  # 比上年增加2次: 2023's B17
    assert any("2023-01-01 至 2023-12-31" in md.value for md in at.markdown)
    assert list(at.dataframe[0].value["编号"]) == ["B17"]


def test_split_figure_links_to_its_part(town_page):
    at = town_page(**Y2024)
    deputies = at.pills(key="summary_pick_deputies")
    省 = next(n for n in deputies.options if n.endswith("1名"))  # [n] 1名: 省级代表
    at.pills(key="summary_pick_deputies").set_value(int(省.split("]")[0][1:])).run()
    rows = at.dataframe[0].value
    assert list(rows["编号"]) == ["P01"] and list(rows["类别"]) == ["省"]
    assert "联系电话" not in rows.columns


def test_term_summary_and_its_download(town_page):
    at = town_page(**Y2024)
    at.segmented_control(key="summary_kind").set_value("term").run()
    assert not at.exception
    assert at.title[0].value == "沿河镇本届人大工作总结"
    assert any(b.label == "下载工作总结（Word）" for b in at.get("download_button"))


def test_empty_year_says_so_without_zeros(town_page):
    at = town_page(**{"from": "2010-01-01", "to": "2010-12-31"})
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["一、代表工作", "二、活动站建设"]
    assert not any("0次" in md.value for md in at.markdown)


def test_no_term_start_is_a_chinese_warning(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    at = open_page("pages/summary.py", True, {"township": "QH03", **Y2024}, timeout=60)
    at.segmented_control(key="summary_kind").set_value("term").run()
    assert not at.exception
    assert any("本届开始日期" in w.value for w in at.warning)


def test_county_batch_button_builds_a_zip_of_every_briefing(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    query = {"county": "青禾县", "from": "2024-04-01", "to": "2024-06-30"}
    at = open_page("pages/briefing.py", False, query, timeout=240)  # a click survives no page switch
    assert not at.exception
    assert not any(b.label == "下载各乡镇简报（ZIP）" for b in at.get("download_button"))
    at.button(key="briefing_batch").click().run(timeout=240)
    assert not at.exception
    assert any(b.label == "下载各乡镇简报（ZIP）" for b in at.get("download_button"))
    _, data = at.session_state["briefing_batch_zip"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == ["青河镇2024年第二季度人大工作简报.docx", "石桥镇2024年第二季度人大工作简报.docx",
                         "青禾县2024年第二季度人大工作简报.docx"]
        county = Document(io.BytesIO(archive.read(names[-1])))
    paragraphs = [p.text for p in county.paragraphs]
    assert paragraphs[0] == "青禾县2024年第二季度人大工作简报"
    assert county.tables[0].rows[3].cells[1].text == "7条"  # 建议收集数 of QH01 + QH02 (G12 is QH03)


def test_one_township_gets_no_batch_button(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    at = open_page("pages/briefing.py", True, {"township": "QH01", "from": "2024-04-01", "to": "2024-06-30"},
                   timeout=60)
    assert not at.exception
    assert not [b for b in at.button if b.key == "briefing_batch"]
