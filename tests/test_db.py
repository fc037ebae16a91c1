"""The dashboard's reader follows published versions without a restart, and a publish
never pulls a connection from under a query that is still running."""

from __future__ import annotations

import threading
import time

from etl.cli import load_paths, main
from queries.db import ReadOnlyDatabase, db_path
from tests.conftest import SUGGESTIONS, write_csv

PUBLISHES = 20
READERS = 4


def count(database: ReadOnlyDatabase) -> int:
    with database.reading() as cursor:
        return suggestions(cursor)


def suggestions(cursor) -> int:
    return cursor.execute("SELECT count(*) FROM suggestions").fetchall()[0][0]


def new_suggestion(folder, number: int):
    """A register file with one more suggestion, G1xx, so each publish adds exactly one row."""
    row = [f"G{100 + number}", "2024-08-01", "QH01", "", "选民意见", "", "", f"新{number}", "", "", "", "已收集",
           "", "", ""]
    return write_csv(folder / f"建议意见登记_{number}.csv", [SUGGESTIONS[0], row], "utf-8")


def test_reader_reopens_when_a_load_publishes(county_db, tmp_path):
    database = ReadOnlyDatabase(county_db)
    assert count(database) == 12
    version = database.version
    assert main(["load", str(new_suggestion(tmp_path, 1)), "--db", str(county_db)]) == 0
    assert database.version != version
    assert count(database) == 13


def test_a_cursor_keeps_its_version_across_a_publish(county_db, tmp_path):
    database = ReadOnlyDatabase(county_db)
    with database.reading() as old:
        assert suggestions(old) == 12
        load_paths([new_suggestion(tmp_path, 1)], county_db)
        with database.reading() as new:  # DuckDB's per-path cache would hand back the old file here
            assert suggestions(new) == 13
        assert database.open_versions == 2
        assert suggestions(old) == 12  # still open, still the version it started on
    assert database.open_versions == 1  # the old one closed with its last cursor
    assert count(database) == 13


def test_readers_in_threads_while_publishing_twenty_times(county_db, tmp_path):
    """Several sessions query without pause while loads publish; not one query may fail."""
    database = ReadOnlyDatabase(county_db)
    stop = threading.Event()
    failures: list[BaseException] = []
    seen: list[list[int]] = [[] for _ in range(READERS)]

    def read(mine: list[int]) -> None:
        while not stop.is_set():
            try:
                with database.reading() as cursor:
                    # Several statements on one cursor, like a page's query function.
                    cursor.execute("SELECT count(*) FROM suggestions_of(['QH01', 'QH02', 'QH03'])").fetchall()
                    mine.append(suggestions(cursor))
            except BaseException as exc:  # noqa: BLE001 - every failure is counted
                failures.append(exc)

    threads = [threading.Thread(target=read, args=(seen[i],)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        for number in range(1, PUBLISHES + 1):
            load_paths([new_suggestion(tmp_path, number)], county_db)
            time.sleep(0.02)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    for mine in seen:
        assert mine == sorted(mine)  # a reader never goes back to an older version
        assert set(mine) <= set(range(12, 12 + PUBLISHES + 1))
    assert len({n for mine in seen for n in mine}) > PUBLISHES // 2  # the readers did run across the publishes
    assert count(database) == 12 + PUBLISHES
    assert database.open_versions == 1


def test_db_path_prefers_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "x.duckdb"))
    assert db_path() == tmp_path / "x.duckdb"
    assert db_path(tmp_path / "y.duckdb") == tmp_path / "y.duckdb"
