"""The 数据 page rendered by AppTest against the hand-counted county (tests/conftest.py).

Each test runs twice: through dashboard.py and its navigation, and the page script on its own.
The upload box itself cannot be driven by AppTest; ui/uploads.py is tested directly in
tests/test_uploads.py, and here its report is rendered from the session state.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from queries.labels import METRICS
from tests.apptest import EMPTY, Q2, chart_specs
from tests.apptest import open_page as open_app
from tests.conftest import VISITS, write_csv
from ui.uploads import load_uploads

PAGE = "pages/data.py"


@pytest.fixture(params=["dashboard", "standalone"])
def open_page(request, monkeypatch):
    def open_(db, session: dict | None = None, **query) -> AppTest:
        monkeypatch.setenv("DASHBOARD_DB", str(db))
        return open_app(PAGE, request.param == "dashboard", query, session, timeout=60)

    return open_


def table(at: AppTest, first_header: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_header)


def test_load_log_counts_grid_and_definitions(open_page, county_db_master):
    at = open_page(county_db_master, township="QH01", **Q2)
    assert not at.exception
    caption = at.caption[0].value
    assert "青河镇" in caption and "2024年第二季度" in caption
    log = table(at, "导入时间")
    assert log["文件"].tolist()[::-1] == [  # newest first; conftest loads rosters first
        "乡镇名册.csv", "活动站名册.xlsx", "代表名册.csv", "脱贫户名册.csv", "活动记录.xlsx", "建议意见登记.csv",
        "走访记录.csv"]
    assert log["读取行数"].tolist()[::-1] == [3, 3, 8, 8, 15, 12, 10]  # the data rows of conftest's registers
    assert log["拒绝行数"].sum() == 0 and set(log["结果"]) == {"已导入"}
    counts = table(at, "乡镇")
    assert counts.iloc[0].to_dict() == {
        "乡镇": "青河镇", "乡镇代码": "QH01", "活动站名册（行）": 2, "代表名册（行）": 4, "脱贫户名册（行）": 5,
        # A01 A02 A04 A05 A07 A09 A10 A11 A13 A14, newest A14 (7-01)
        "活动记录（行）": 10, "活动记录最新日期": "2024-07-01",
        # G01 G02 G03 G04 G06 G08 G09 G11, newest received G04 (5-15)
        "建议意见登记（行）": 8, "建议最新收集日期": "2024-05-15",
        "走访记录（行）": 7, "走访记录最新日期": "2024-06-11",
    }
    # The completeness heatmap of 活动记录 for QH01: April A01 A10, May A02 A04 A07, June A05 A09 A11.
    (grid,) = chart_specs(at)
    assert grid["layout"]["title"]["text"] == "活动记录月度完整性"
    assert grid["data"][0]["text"] == [["2", "3", "3"]]
    assert grid["data"][0]["x"] == ["2024年4月", "2024年5月", "2024年6月"]
    rows = at.dataframe[2].value  # under the heatmap: the register rows behind it
    # A01 A10 A02 A04 A07 A05 A09 A11 by date, named by type and title (no activity id is shown).
    assert "编号" not in rows.columns
    assert rows["行号"].tolist() == [4, 13, 5, 7, 10, 8, 12, 14]
    assert rows["内容"].tolist()[:2] == ["接待选民：四月接待日", "调研：调研农村道路"]
    assert rows["来源文件"].tolist() == ["活动记录.xlsx"] * 8
    assert any("目前没有被拒绝的行" in s.value for s in at.success)
    definitions = table(at, "指标")
    assert len(definitions) == len(METRICS)
    assert definitions.iloc[0].tolist() == ["视察检查次数", "次", "活动类型为视察或执法检查的活动次数"]
    templates = [b for b in at.get("download_button") if b.label.endswith("模板.xlsx")]
    assert len(templates) == 7  # one blank template per register
    assert any(b.label == "下载表格（Excel）" for b in at.get("download_button"))  # every table downloads


def test_completeness_marks_empty_months(open_page, county_db_master):
    at = open_page(county_db_master, township="QH01,QH02", **Q2)
    at.radio(key="data_grid_register").set_value("visits").run()
    assert not at.exception
    (grid,) = chart_specs(at)
    # QH01 visits: none in April (H03's is 3-01), 3 in May, 3 in June; QH02: 6-12 and 6-15 in June.
    assert grid["data"][0]["text"] == [["空", "3", "3"], ["空", "空", "2"]]
    assert grid["data"][0]["y"] == ["青河镇", "石桥镇"]


def test_empty_period_shows_a_note(open_page, county_db_master):
    at = open_page(county_db_master, township="QH01", **EMPTY)
    assert not at.exception
    assert "2010年第一季度" in at.caption[0].value
    assert any("没有代表活动记录" in info.value for info in at.info)
    assert not at.get("plotly_chart")
    assert len(table(at, "导入时间")) == 7  # the load log does not depend on the period


def test_rejected_rows_and_the_upload_report(open_page, county_db, tmp_path):
    bad = write_csv(tmp_path / "走访记录_八月.csv", [
        VISITS[0], ["2024-08-01", "QH01", "东村", "脱贫户", "H99", "", "D01", "", "", "", ""],
        ["2024-08-02", "QH01", "东村", "脱贫户", "H01", "", "D01", "", "", "", ""]], "utf-8")
    results = load_uploads([(bad.name, bad.read_bytes())], county_db)
    at = open_page(county_db, session={"data_load_report": results}, township="QH01", **Q2)
    assert not at.exception
    rejected = next(
        d.value for d in at.dataframe if list(d.value.columns) == ["文件", "工作表", "行号", "列", "值", "原因"])
    reason = "「户编号」户编号不在脱贫户名册中"
    assert rejected.values.tolist() == [["走访记录_八月.csv", "", 2, "户编号", "H99", reason]]
    buttons = [b.label for b in at.get("download_button")]
    assert "下载被拒绝的行（Excel）" in buttons
    assert len([b for b in buttons if b.endswith("模板.xlsx")]) == 7
    report = next(d.value for d in at.dataframe if "说明" in d.value.columns and "导入时间" not in d.value.columns)
    assert report.values.tolist() == [["走访记录_八月.csv", "走访记录", 2, 1, 1, 0, "部分导入（1行被拒绝）", ""]]
    preview = next(d.value for d in at.dataframe if list(d.value.columns) == ["文件", "行号", "列", "值", "原因"])
    assert preview.values.tolist() == [["走访记录_八月.csv", 2, "户编号", "H99", reason]]
    assert table(at, "导入时间")["文件"].iloc[0] == "走访记录_八月.csv"  # the new load, newest first


def test_no_database_still_offers_upload_and_templates(open_page, tmp_path):
    at = open_page(tmp_path / "none.duckdb")
    assert not at.exception
    assert any("还没有数据" in info.value for info in at.info)
    assert len([b for b in at.get("download_button") if b.label.endswith("模板.xlsx")]) == 7
    assert len(table(at, "指标")) == len(METRICS)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_mapping_step_propose_correct_confirm_then_the_layout_loads_alone(monkeypatch, county_db, tmp_path):
    """Issue 8 point 7 on the page: an unrecognised layout is proposed, corrected, confirmed and saved.

    The page script on its own: after `switch_page`, AppTest does not send a file
    uploader's files again on the rerun a button click makes.
    """
    from tests.test_mapping import FIRST, SECOND, ledger

    monkeypatch.setenv("DASHBOARD_DB", str(county_db))
    first = ledger(tmp_path / "青河镇履职台账_8月.xlsx", FIRST)
    at = open_app(PAGE, False, {"township": "QH01", **Q2}, None, timeout=60)
    at.get("file_uploader")[0].set_value((first.name, first.read_bytes(), XLSX))
    at.run()
    at.button(key="data_load").click().run()
    assert not at.exception
    # proposed: the register it resembles, 日期 and 参加代表 by similarity; 方式 and 事项 left for the user
    assert at.selectbox(key="data_map_0_register").value == "activities"
    column = {i: at.selectbox(key=f"data_map_0_0_activities_{i}") for i in range(6)}
    assert [column[i].value for i in range(6)] == ["", "date", "", "", "deputy_ids", ""]
    assert any("仍无法导入" in w.value and "活动类型" in w.value for w in at.warning)  # the dry run says why
    assert query_db(county_db, "SELECT count(*) FROM activities WHERE date >= DATE '2024-08-01'") == 0
    column[2].set_value("kind")
    column[3].set_value("title")
    at.run()
    assert any("可导入 2 行，拒绝 0 行，跳过 0 行" in i.value for i in at.info)  # recomputed, still nothing written
    assert query_db(county_db, "SELECT count(*) FROM activities WHERE date >= DATE '2024-08-01'") == 0
    at.button(key="data_map_0_confirm").click().run()
    assert not at.exception
    report = next(d.value for d in at.dataframe if "跳过行数" in d.value.columns and "导入时间" not in d.value.columns)
    assert report[["文件", "登记表", "读取行数", "导入行数", "结果"]].values.tolist() == [
        ["青河镇履职台账_8月.xlsx", "活动记录", 2, 2, "已导入"]]
    assert query_db(county_db, "SELECT count(*) FROM activities WHERE date >= DATE '2024-08-01'") == 2
    assert query_db(county_db, "SELECT register FROM import_mappings") == "activities"
    # the next file of that layout: no mapping step, loaded at once
    second = ledger(tmp_path / "青河镇履职台账_9月.xlsx", SECOND)
    at.get("file_uploader")[0].set_value((second.name, second.read_bytes(), XLSX))
    at.run()
    at.button(key="data_load").click().run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key and s.key.startswith("data_map_")]
    report = next(d.value for d in at.dataframe if "跳过行数" in d.value.columns and "导入时间" not in d.value.columns)
    assert report[["文件", "导入行数", "结果"]].values.tolist() == [["青河镇履职台账_9月.xlsx", 1, "已导入"]]
    assert "导入方案" in report["说明"][0]
    assert query_db(county_db, "SELECT title FROM activities WHERE date = DATE '2024-09-03'") == "视察学校"


def query_db(db, sql: str):
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]
