"""The dashboard's reader follows published versions without a restart."""

from __future__ import annotations

from etl.cli import main
from queries.db import ReadOnlyDatabase, db_path
from tests.conftest import SUGGESTIONS, write_csv


def count(database: ReadOnlyDatabase) -> int:
    cursor = database.cursor()
    try:
        return cursor.execute("SELECT count(*) FROM suggestions").fetchall()[0][0]
    finally:
        cursor.close()


def test_reader_reopens_when_a_load_publishes(county_db, tmp_path):
    database = ReadOnlyDatabase(county_db)
    assert count(database) == 12
    version = database.version
    new_row = ["G40", "2024-08-01", "QH01", "", "选民意见", "", "", "新", "", "", "", "已收集", "", "", ""]
    extra = [SUGGESTIONS[0], new_row]
    assert main(["load", str(write_csv(tmp_path / "建议_新.csv", extra, "utf-8")), "--db", str(county_db)]) == 0
    assert database.version != version
    assert count(database) == 13


def test_db_path_prefers_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "x.duckdb"))
    assert db_path() == tmp_path / "x.duckdb"
    assert db_path(tmp_path / "y.duckdb") == tmp_path / "y.duckdb"
