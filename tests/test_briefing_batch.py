"""The county's briefings in one batch: `python -m etl briefings` and the batch's building blocks.

The hand-counted county (tests/conftest.py): 青禾县 = 青河镇 QH01 + 石桥镇 QH02, 白水县 = 柳林乡 QH03.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil

import pytest
from docx import Document

from etl.cli import main, parse_quarter
from queries.metrics import Period, Scope
from queries.scope import ScopeError
from reports.briefing_batch import CountyBatch, county_batches, file_name

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and os.environ.get("CI") != "true",
    reason="chart images need Debian's chromium (installed by .ci/run)",
)
Q2 = Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))


def test_quarter_is_read_the_way_people_write_it():
    assert parse_quarter("2026Q3") == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert parse_quarter("2024-q2") == Q2
    with pytest.raises(argparse.ArgumentTypeError, match="请按 2026Q3 填写"):
        parse_quarter("2024年二季度")


def test_batches_follow_the_counties_of_the_roster(con):
    assert county_batches(con) == [
        CountyBatch("白水县", (("QH03", "柳林乡"),)),
        CountyBatch("青禾县", (("QH01", "青河镇"), ("QH02", "石桥镇"))),
    ]
    assert [b.name for b in county_batches(con, ["青禾县"])] == ["青禾县"]
    part = county_batches(con, [], Scope(("QH01", "QH03")))  # a scope of two townships in two counties
    assert [(b.name, b.whole) for b in part] == [("白水县", True), ("青禾县所选1个乡镇", False)]
    with pytest.raises(ScopeError, match="乡镇名册中没有「黑水县」的乡镇"):
        county_batches(con, ["黑水县"])
    assert file_name("青河镇", Q2) == "青河镇2024年第二季度人大工作简报.docx"


def test_same_township_name_in_two_counties_gives_two_files(tmp_path, monkeypatch):
    """Township names are unique within a county only: 石桥镇 of each county keeps its own file."""
    import duckdb

    from reports import briefing_batch

    db = duckdb.connect(str(tmp_path / "t.duckdb"))
    db.execute("CREATE TABLE townships (township_code VARCHAR, township_name VARCHAR, county VARCHAR)")
    db.execute("INSERT INTO townships VALUES ('A01', '石桥镇', '甲县'), ('B01', '石桥镇', '乙县'), "
               "('B02', '河口镇', '乙县')")
    monkeypatch.setattr(briefing_batch, "data_freshness", lambda con, scope: {"latest_load": None})
    monkeypatch.setattr(briefing_batch, "briefing_file",
                        lambda con, scope, quarter, name, *rest: "+".join(scope.township_codes).encode())
    written = briefing_batch.write_batch(db, county_batches(db), Q2, tmp_path / "out")
    contents = {str(p.relative_to(tmp_path / "out")): p.read_bytes() for p in written}
    assert contents == {
        "乙县/石桥镇2024年第二季度人大工作简报.docx": b"B01", "乙县/河口镇2024年第二季度人大工作简报.docx": b"B02",
        "乙县/乙县2024年第二季度人大工作简报.docx": b"B01+B02",
        "甲县/石桥镇2024年第二季度人大工作简报.docx": b"A01", "甲县/甲县2024年第二季度人大工作简报.docx": b"A01",
    }
    assert len(list((tmp_path / "out").rglob("*.docx"))) == 5


@needs_chromium
def test_cli_writes_one_briefing_per_township_and_the_countys(county_db_master, tmp_path, capsys):
    out = tmp_path / "简报"
    assert main(["briefings", "--db", str(county_db_master), "--quarter", "2024Q2", "--county", "青禾县",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "青河镇2024年第二季度人大工作简报.docx", "石桥镇2024年第二季度人大工作简报.docx",
        "青禾县2024年第二季度人大工作简报.docx"])
    assert "共 3 份简报" in capsys.readouterr().out
    town = Document(str(out / "青河镇2024年第二季度人大工作简报.docx"))
    assert town.paragraphs[0].text == "青河镇2024年第二季度人大工作简报"
    assert town.tables[0].rows[3].cells[1].text == "5条"  # 建议收集数 of QH01 (tests/test_metrics.py)
    assert len(town.inline_shapes) >= 4
    county = Document(str(out / "青禾县2024年第二季度人大工作简报.docx"))
    assert county.tables[0].rows[3].cells[1].text == "7条"  # QH01 + QH02; G12 is 白水县's


def test_cli_batch_errors_are_chinese(county_db_master, tmp_path, capsys):
    assert main(["briefings", "--db", str(county_db_master), "--quarter", "2024Q2", "--county", "黑水县",
                 "--out", str(tmp_path)]) == 2
    assert "乡镇名册中没有「黑水县」的乡镇" in capsys.readouterr().err
    assert main(["briefings", "--db", str(tmp_path / "none.duckdb"), "--quarter", "2024Q2",
                 "--out", str(tmp_path)]) == 2
    assert "不存在" in capsys.readouterr().err
