"""`etl export-parquet`: the database as Hive-partitioned Parquet, personal data masked,
and the metric functions give the same figures on it as on the database file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from etl.cli import load_paths, main
from etl.export_parquet import open_export
from queries.metrics import Period, all_metrics
from queries.scope import resolve_scope
from tests.conftest import SUGGESTIONS, write_csv

PERIODS = [Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30)), Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
           Period(dt.date(2024, 5, 1), dt.date(2024, 5, 31))]
SCOPES = [((), None), (("QH01",), None), (("石桥镇",), None), ((), "青禾县"), ((), "白水县")]


@pytest.fixture
def exported(county_db, tmp_path) -> tuple[Path, Path]:
    """The county with a phone number typed into a suggestion's 内容摘要, exported."""
    extra = [SUGGESTIONS[0], ["G20", "2024-05-03", "QH01", "", "选民意见", "", "其他", "请回电13912341234王先生",
                              "", "", "", "已收集", "", "", ""]]
    load_paths([write_csv(tmp_path / "建议意见登记_补充.csv", extra, "utf-8")], county_db)
    out = tmp_path / "export"
    assert main(["export-parquet", str(out), "--db", str(county_db)]) == 0
    return county_db, out


def rows(con, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_the_metrics_give_the_same_figures_on_the_parquet_export(exported):
    """Every scope over the quarter, and every period over all townships: each all_metrics on the
    export reads dozens of Parquet globs (about 4 s), so not every pair (CI's time on 2 cores)."""
    db, out = exported
    parquet = open_export(out)
    with duckdb.connect(str(db), read_only=True) as con:
        for index, (townships, county) in enumerate(SCOPES):
            scope = resolve_scope(con, list(townships), county)
            assert resolve_scope(parquet, list(townships), county) == scope
            for period in PERIODS if index == 0 else PERIODS[:1]:
                figures = all_metrics(con, scope, period)
                assert all_metrics(parquet, scope, period) == figures, (townships, county, period)
        assert all_metrics(con, resolve_scope(con), PERIODS[1])["suggestions_collected"] == 12  # G20 included


def test_every_table_is_exported_whole_with_personal_data_masked(exported):
    db, out = exported
    parquet = open_export(out)
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for t, in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        for table in tables:
            if table in ("deputies", "households", "suggestions", "import_mappings"):
                continue
            assert rows(parquet, table) == rows(con, table), table
        masked = {"deputies": "mask_phone(phone) AS phone", "households": "mask_name(head_name) AS head_name"}
        for table, replaced in masked.items():
            assert rows(parquet, table) == con.execute(
                f"SELECT * REPLACE ({replaced}) FROM {table} ORDER BY ALL").fetchall()
        assert len(rows(parquet, "suggestions")) == len(rows(con, "suggestions"))
    assert parquet.execute("SELECT phone FROM deputies WHERE deputy_id = 'D01'").fetchall() == [("139****1234",)]
    assert parquet.execute("SELECT head_name FROM households WHERE household_id = 'H01'").fetchall() == [("陈**",)]
    assert parquet.execute("SELECT summary FROM suggestions WHERE suggestion_id = 'G20'").fetchall() == [
        ("请回电139****1234王先生",)]
    for table, column in parquet.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' "
            "AND schema_name = 'main' AND NOT internal").fetchall():
        assert parquet.execute(f'SELECT count(*) FROM "{table}" WHERE contains("{column}", \'13912341234\') '
                               f'OR contains("{column}", \'陈大明\')').fetchall() == [(0,)], (table, column)


def test_facts_are_partitioned_by_county_and_year_rosters_by_county(exported):
    db, out = exported
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["visits"]["partition_by"] == ["county", "year"]
    assert manifest["visit_deputies"]["partition_by"] == ["county", "year"]
    assert manifest["households"]["partition_by"] == ["county"]
    assert manifest["load_log"]["partition_by"] == []
    partitions = duckdb.sql(
        f"SELECT DISTINCT county, year FROM read_parquet('{out}/activities/**/*.parquet', hive_partitioning = true) "
        "ORDER BY ALL").fetchall()
    assert partitions == [("白水县", 2024), ("青禾县", 2024)]
    one_county = duckdb.sql(  # a reader of one county's folder reads that county alone
        f"SELECT count(*) FROM read_parquet('{out}/visits/county=*/year=2024/*.parquet', hive_partitioning = true) "
        "WHERE county = '青禾县'").fetchall()
    with duckdb.connect(str(db), read_only=True) as con:
        assert one_county == con.execute(
            "SELECT count(*) FROM visits JOIN townships USING (township_code) WHERE county = '青禾县'").fetchall()


def test_exporting_again_replaces_the_tables(exported):
    db, out = exported
    before = {table: open_export(out).execute(f"SELECT count(*) FROM {table}").fetchall() for table in ("visits",)}
    assert main(["export-parquet", str(out), "--db", str(db)]) == 0
    assert open_export(out).execute("SELECT count(*) FROM visits").fetchall() == before["visits"]
    assert not list(out.glob(".*"))  # no half-written table left beside them
