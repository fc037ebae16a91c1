"""The pages' result cache (ui/database): bounded, and emptied when a load publishes a new file."""

from __future__ import annotations

import os
import shutil

from queries.metrics import Scope
from ui import database

ASKED: list[str] = []


def township_count(con, scope):
    ASKED.append("asked")
    return con.execute("SELECT count(*) FROM townships").fetchall()[0][0]


def test_a_new_published_file_empties_the_cache(tmp_path, county_db_master, monkeypatch):
    db = tmp_path / "dashboard.duckdb"
    shutil.copyfile(county_db_master, db)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    ASKED.clear()
    assert database.unguarded(township_count, Scope(("QH01",))) == 3
    assert database.unguarded(township_count, Scope(("QH01",))) == 3
    assert len(ASKED) == 1  # the second call is the cache's

    cleared = []
    monkeypatch.setattr(database._cached, "clear", lambda: cleared.append(True))
    staged = tmp_path / "staged.duckdb"
    shutil.copyfile(db, staged)
    os.replace(staged, db)  # what etl/publish.py does: a new file atomically in place
    assert database.unguarded(township_count, Scope(("QH01",))) == 3
    assert len(ASKED) == 2 and cleared == [True]  # read from the new file; the old results dropped
    assert database.unguarded(township_count, Scope(("QH01",))) == 3 and cleared == [True]  # once per publish


def test_the_cache_is_bounded():
    assert database._cached._info.max_entries and database._cached._info.ttl
