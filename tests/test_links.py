"""The deputy link tables carry what the queries count a deputy's records by (etl/schema.sql):
each link holds its row's date (and kind, township, campaign), so a province's millions of
links are never joined to their rows on a text key. A file published before then is read
through that join instead, with the same figures."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from etl.loader import SCHEMA_SQL
from queries import deputies, metrics
from tests.conftest import write_csv

Q2 = metrics.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
ALL = metrics.Scope(("QH01", "QH02", "QH03"))
CARRIED = {
    "activity_deputies": ("activities", "activity_id", ["date", "kind", "township_code"]),
    "suggestion_deputies": ("suggestions", "suggestion_id", ["received_on"]),
    "visit_deputies": ("visits", "visit_id", ["date", "campaign"]),
}


@pytest.mark.parametrize("link", list(CARRIED))
def test_every_link_carries_its_rows_columns(con, link):
    table, key, columns = CARRIED[link]
    differing = con.execute(
        f"SELECT count(*) FROM {link} l JOIN {table} t USING ({key}) "
        f"WHERE {' OR '.join(f'l.{c} IS DISTINCT FROM t.{c}' for c in columns)}").fetchall()[0][0]
    assert differing == 0
    assert con.execute(f"SELECT count(*) FROM {link}").fetchall()[0][0] > 0


def test_a_reloaded_row_moves_its_links_with_it(county_db, tmp_path):
    """G05 is re-exported with a new 收集日期: its link follows (delete and insert with the row)."""
    from etl.cli import main
    from tests.conftest import SUGGESTIONS

    rows = [SUGGESTIONS[0], [*SUGGESTIONS[5][:1], "2024-06-02", *SUGGESTIONS[5][2:]]]
    corrected = write_csv(tmp_path / "建议意见登记_更正.csv", rows, "utf-8")
    assert main(["load", str(corrected), "--db", str(county_db)]) == 0
    con = duckdb.connect(str(county_db), read_only=True)
    try:
        assert con.execute("SELECT received_on FROM suggestion_deputies WHERE suggestion_id = 'G05'").fetchall() == [
            (dt.date(2024, 6, 2),)]
    finally:
        con.close()


@pytest.fixture
def older_file(tmp_path, county_db_master):
    """The county as a loader before the carried columns would have published it."""
    db = tmp_path / "older.duckdb"
    shutil.copyfile(county_db_master, db)
    con = duckdb.connect(str(db))
    for link, (_, _, columns) in CARRIED.items():
        for column in columns:
            con.execute(f"ALTER TABLE {link} DROP COLUMN {column}")
    con.close()
    return db


def test_a_file_published_before_reads_the_same_figures(con, older_file):
    older = duckdb.connect(str(older_file), read_only=True)
    try:
        assert metrics.every_metric(older, ALL, Q2) == metrics.every_metric(con, ALL, Q2)
        for scope in (ALL, metrics.Scope(("QH01",))):
            assert (deputies.deputy_records(older, scope, Q2).rows.equals(deputies.deputy_records(con, scope, Q2).rows))
    finally:
        older.close()


def test_the_next_load_gives_an_older_file_its_columns(older_file, con):
    upgraded = duckdb.connect(str(older_file))
    upgraded.execute(SCHEMA_SQL)  # what every load runs first
    for link, (_, key, columns) in CARRIED.items():
        assert upgraded.execute(f"SELECT count(*) FROM {link} WHERE {columns[0]} IS NULL").fetchall()[0][0] == 0
        assert upgraded.execute(f"SELECT * FROM {link} ORDER BY ALL").fetchall() == con.execute(
            f"SELECT {key}, deputy_id, {', '.join(columns)} FROM {link} ORDER BY ALL").fetchall()
    upgraded.close()
