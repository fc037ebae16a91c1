"""Rows carry what the queries count them by (etl/schema.sql): each deputy link holds its row's
date (and kind, township, campaign), and each visit its household's roster township, so a
province's millions of links and visits are never joined to their rows or roster on a text key.
A file published before then is read through that join instead, with the same figures."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from etl.loader import apply_schema
from queries import campaign, comparison, deputies, metrics, trace
from tests.conftest import write_csv

Q2 = metrics.Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
ALL = metrics.Scope(("QH01", "QH02", "QH03"))
CARRIED = {
    "activity_deputies": ("activities", "activity_id", ["date", "kind", "township_code"]),
    "suggestion_deputies": ("suggestions", "suggestion_id", ["received_on"]),
    "visit_deputies": ("visits", "visit_id", ["date", "campaign", "township_code"]),
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


@pytest.mark.parametrize("cell", ["Ｄ０２，D01、D02", "、".join(["D01", "D02"] * 40)], ids=["short", "80 ids"])
def test_a_deputy_written_twice_in_a_cell_is_linked_once(county_db, tmp_path, cell):
    """「Ｄ０２，D01、D02」 names two deputies: two links (the insert relies on typed's lists).
    So do 80 ids naming two deputies (a list that long is made distinct another way)."""
    from etl.cli import main
    from tests.conftest import SUGGESTIONS

    twice = [*SUGGESTIONS[1][:5], cell, *SUGGESTIONS[1][6:]]
    written = write_csv(tmp_path / "建议意见登记_更正.csv", [SUGGESTIONS[0], twice], "utf-8")
    assert main(["load", str(written), "--db", str(county_db)]) == 0
    con = duckdb.connect(str(county_db), read_only=True)
    try:
        assert con.execute("SELECT deputy_id FROM suggestion_deputies WHERE suggestion_id = 'G01' "
                           "ORDER BY deputy_id").fetchall() == [("D01",), ("D02",)]
    finally:
        con.close()


# Each older form of the links, by what a loader of its time did not write yet.
LATER_COLUMNS = {
    "undated": {link: [*columns, "deputy_township"] for link, (_, _, columns) in CARRIED.items()},
    "dated": {**{link: ["deputy_township"] for link in CARRIED},
              "visit_deputies": ["deputy_township", "township_code"]},
    "placed": {"visit_deputies": ["township_code"]},
}


@pytest.fixture(params=list(LATER_COLUMNS))
def older_file(request, tmp_path, county_db_master):
    """The county as a loader before the links carried their rows' columns (undated), their
    deputy's township (dated) or their visit's township (placed) would have published it."""
    db = tmp_path / "older.duckdb"
    shutil.copyfile(county_db_master, db)
    con = duckdb.connect(str(db))
    for link, columns in LATER_COLUMNS[request.param].items():
        for column in columns:
            con.execute(f"ALTER TABLE {link} DROP COLUMN {column}")
    con.close()
    return db


def test_a_file_published_before_reads_the_same_figures(con, older_file):
    older = duckdb.connect(str(older_file), read_only=True)
    try:
        assert metrics.every_metric(older, ALL, Q2) == metrics.every_metric(con, ALL, Q2)
        for scope in (ALL, metrics.Scope(("QH01",))):
            for listed in (deputies.deputy_records, deputies.inactive_deputies):
                assert listed(older, scope, Q2).rows.equals(listed(con, scope, Q2).rows)
            assert campaign.participation_by_township(older, scope, CAMPAIGN).equals(
                campaign.participation_by_township(con, scope, CAMPAIGN))
            assert comparison.township_metrics(older, scope, Q2, window=CAMPAIGN).equals(
                comparison.township_metrics(con, scope, Q2, window=CAMPAIGN))
            assert campaign.visit_rows(older, scope, Q2).rows.equals(campaign.visit_rows(con, scope, Q2).rows)
            for figure in ("enterprises_visited", "problems_solved"):  # its visits, with their deputies
                assert trace.figure_rows(older, figure, None, scope, Q2).rows.equals(
                    trace.figure_rows(con, figure, None, scope, Q2).rows)
        for deputy in ("D01", "D05"):
            assert deputies.kind_mix(older, ALL, deputy, Q2).equals(deputies.kind_mix(con, ALL, deputy, Q2))
            assert deputies.deputy_deeds(older, ALL, deputy, Q2).rows.equals(
                deputies.deputy_deeds(con, ALL, deputy, Q2).rows)
    finally:
        older.close()


def test_the_next_load_gives_an_older_file_its_columns(older_file, con):
    upgraded = duckdb.connect(str(older_file))
    apply_schema(upgraded)  # what every load runs first
    for link, (_, key, columns) in CARRIED.items():
        assert upgraded.execute(f"SELECT count(*) FROM {link} WHERE {columns[0]} IS NULL").fetchall()[0][0] == 0
        every = f"SELECT {key}, deputy_id, {', '.join(columns)}, deputy_township FROM {link} ORDER BY ALL"
        assert upgraded.execute(every).fetchall() == con.execute(every).fetchall()
    upgraded.close()


# --- a visit carries its household's roster township (etl/loader.py ROSTER_COPIES) ------------

CAMPAIGN = metrics.CoverageWindow(dt.date(2024, 5, 6), dt.date(2024, 6, 15), "2024代表行动")
TOWNSHIPS = ("QH01", "QH02", "QH03")


def _visited(con) -> dict[str, tuple[int, int]]:
    """(households visited, households on the roster) in the campaign, per township."""
    return {town: (figures["campaign_households_visited"], figures["households_total"])
            for town in TOWNSHIPS
            for figures in [metrics.window_coverage(con, metrics.Scope((town,)), CAMPAIGN)]}


def _by_township(con) -> dict[str, tuple[int, int]]:
    frame = campaign.coverage_by_township(con, ALL, CAMPAIGN)
    return {row.township_code: (row.households_visited, row.households_total) for row in frame.itertuples()}


# Counted by hand from tests/conftest.py: the campaign visited H01, H02, H04 (青河镇) and H06 (石桥镇).
HAND_COUNT = {"QH01": (3, 5), "QH02": (1, 2), "QH03": (0, 1)}


def _copies_differing(con) -> int:
    """Visits whose roster township or number is not their household's."""
    return con.execute(
        "SELECT count(*) FROM visits v LEFT JOIN households h USING (household_id) "
        "WHERE v.household_township IS DISTINCT FROM h.township_code "
        "OR v.household_key IS DISTINCT FROM h.household_key").fetchall()[0][0]


def test_every_visit_carries_its_households_township(con):
    assert _copies_differing(con) == 0
    assert con.execute("SELECT count(DISTINCT household_key) = count(*) FROM households").fetchall() == [(True,)]
    assert _visited(con) == HAND_COUNT == _by_township(con)


def test_a_household_moved_to_another_township_takes_its_visits_coverage_along(county_db, tmp_path):
    """H06 (visited in the campaign) is moved from 石桥镇 to 柳林乡 by a reloaded 脱贫户名册."""
    from etl.cli import main
    from tests.conftest import HOUSEHOLDS

    moved = [row if row[0] != "H06" else ["H06", "马志强", "QH03", "北村", "2019"] for row in HOUSEHOLDS]
    assert main(["load", str(write_csv(tmp_path / "脱贫户名册.csv", moved, "utf-8")), "--db", str(county_db)]) == 0
    con = duckdb.connect(str(county_db), read_only=True)
    try:
        assert _copies_differing(con) == 0
        expected = {"QH01": (3, 5), "QH02": (0, 1), "QH03": (1, 2)}
        assert _visited(con) == expected == _by_township(con)
        not_visited = campaign.households_not_visited(con, metrics.Scope(("QH03",)), CAMPAIGN)
        assert not_visited.total == 1  # 柳林乡's other household; H06 came visited
        counties = campaign.coverage_by_county(con, ALL, CAMPAIGN)
        assert {row.county: (row.households_visited, row.households_total) for row in counties.itertuples()} == {
            "青禾县": (3, 6), "白水县": (1, 2)}
    finally:
        con.close()


def test_a_household_written_again_keeps_its_number(county_db, tmp_path):
    """The 脱贫户名册 reloaded (other bytes, H06 moved, H10 new): the others' numbers, and so
    their visits and any export holding them, stay as they were; H10 draws a new one."""
    from etl.cli import main
    from tests.conftest import HOUSEHOLDS

    numbers = "SELECT household_id, household_key FROM households ORDER BY household_id"

    def numbered() -> dict[str, int]:
        con = duckdb.connect(str(county_db), read_only=True)
        try:
            return dict(con.execute(numbers).fetchall())
        finally:
            con.close()

    before = numbered()
    rows = [row if row[0] != "H06" else ["H06", "马志强", "QH03", "北村", "2019"] for row in HOUSEHOLDS]
    rows.append(["H10", "林小燕", "QH01", "东村", "2020"])
    assert main(["load", str(write_csv(tmp_path / "脱贫户名册.csv", rows, "gb18030")), "--db", str(county_db)]) == 0
    after = numbered()
    assert {household: after[household] for household in before} == before
    assert after["H10"] not in before.values()
    con = duckdb.connect(str(county_db), read_only=True)
    try:
        assert _copies_differing(con) == 0
    finally:
        con.close()


def _load_all_but(tmp_path, county_dir, roster: str) -> str:
    """A new database holding every register of the county except `roster` (a file name)."""
    from etl.cli import main

    db = str(tmp_path / "dashboard.duckdb")
    assert main(["load", *(str(p) for p in sorted(county_dir.iterdir()) if p.name != roster), "--db", db]) == 0
    return db


def test_visits_loaded_before_their_roster_count_once_it_arrives(tmp_path, county_dir):
    """The 走访记录 loaded first (no roster to check 户编号 against), then the 脱贫户名册."""
    from etl.cli import main

    db = _load_all_but(tmp_path, county_dir, "脱贫户名册.csv")
    before = duckdb.connect(db, read_only=True)
    try:
        assert before.execute("SELECT count(*) FROM visits WHERE household_township IS NOT NULL").fetchall() == [(0,)]
    finally:
        before.close()
    assert main(["load", str(county_dir / "脱贫户名册.csv"), "--db", db]) == 0
    con = duckdb.connect(db, read_only=True)
    try:
        assert _copies_differing(con) == 0
        assert _visited(con) == HAND_COUNT == _by_township(con)
        days = campaign.cumulative_coverage(con, ALL, CAMPAIGN)
        assert days.set_index("day").loc[[dt.date(2024, 5, 6), dt.date(2024, 6, 2), dt.date(2024, 6, 15)],
                                         "households_visited"].tolist() == [2, 3, 4]
    finally:
        con.close()


# The columns a file published before each generation of the visits' copies lacks.
OLDER_VISIT_COLUMNS = {
    "before townships": [("visits", "household_township"), ("visits", "household_key"),
                         ("households", "household_key")],
    "before numbers": [("visits", "household_key"), ("households", "household_key")],
}


@pytest.fixture(params=list(OLDER_VISIT_COLUMNS))
def file_without_household_township(request, tmp_path, county_db_master):
    db = tmp_path / "older.duckdb"
    shutil.copyfile(county_db_master, db)
    con = duckdb.connect(str(db))
    for table, column in OLDER_VISIT_COLUMNS[request.param]:
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.close()
    return db


def test_a_file_without_household_townships_reads_the_same_coverage(con, file_without_household_township):
    older = duckdb.connect(str(file_without_household_township), read_only=True)
    try:
        assert _visited(older) == HAND_COUNT == _by_township(older)
        days = campaign.cumulative_coverage(older, ALL, CAMPAIGN)
        assert days.equals(campaign.cumulative_coverage(con, ALL, CAMPAIGN))
        assert metrics.every_metric(older, ALL, Q2) == metrics.every_metric(con, ALL, Q2)
    finally:
        older.close()


def test_the_next_load_gives_an_older_file_its_household_townships(con, file_without_household_township):
    upgraded = duckdb.connect(str(file_without_household_township))
    try:
        apply_schema(upgraded)  # what every load runs first
        query = "SELECT visit_id, household_township FROM visits ORDER BY ALL"
        assert upgraded.execute(query).fetchall() == con.execute(query).fetchall()
        numbered = ("SELECT count(*) FROM visits v LEFT JOIN households h USING (household_id) "
                    "WHERE v.household_key IS DISTINCT FROM h.household_key")
        assert upgraded.execute(numbered).fetchall() == [(0,)]
        numbers = "SELECT count(DISTINCT household_key) = count(*) FROM households"
        assert upgraded.execute(numbers).fetchall() == [(True,)]
    finally:
        upgraded.close()


# --- a deputy link carries its deputy's roster township (etl/loader.py ROSTER_COPIES) ---------

def _deputies_visiting(con) -> dict[str, tuple[int, int]]:
    """(deputies visiting, deputies on the roster) in the campaign, per township."""
    return {town: (figures["campaign_deputies_visiting"], figures["deputies_total"])
            for town in TOWNSHIPS
            for figures in [metrics.window_coverage(con, metrics.Scope((town,)), CAMPAIGN)]}


# Counted by hand: the campaign's visits name D01–D04 (青河镇), D05 and D06 (石桥镇).
DEPUTIES_HAND_COUNT = {"QH01": (4, 4), "QH02": (2, 3), "QH03": (0, 1)}


@pytest.mark.parametrize("link", list(CARRIED))
def test_every_link_carries_its_deputys_township(con, link):
    differing = con.execute(
        f"SELECT count(*) FROM {link} l LEFT JOIN deputies d USING (deputy_id) "
        "WHERE l.deputy_township IS DISTINCT FROM d.township_code").fetchall()[0][0]
    assert differing == 0
    assert _deputies_visiting(con) == DEPUTIES_HAND_COUNT


def test_a_deputy_moved_to_another_township_takes_their_links_along(county_db, tmp_path):
    """D05 (on a campaign visit) is moved from 石桥镇 to 柳林乡 by a reloaded 代表名册."""
    from etl.cli import main
    from tests.conftest import DEPUTIES

    moved = [row if row[0] != "D05" else ["D05", "钱七", "乡镇", "QH03", "", "第1代表组", "", "男", "", "", "", "", ""]
             for row in DEPUTIES]
    assert main(["load", str(write_csv(tmp_path / "代表名册.csv", moved, "gb18030")), "--db", str(county_db)]) == 0
    con = duckdb.connect(str(county_db), read_only=True)
    try:
        assert _deputies_visiting(con) == {"QH01": (4, 4), "QH02": (1, 2), "QH03": (1, 2)}
        records = deputies.deputy_records(con, metrics.Scope(("QH03",)), Q2).rows
        assert records.set_index("deputy_id").loc["D05", "visits"] == 1
    finally:
        con.close()


def test_links_written_before_their_deputies_roster_count_once_it_arrives(tmp_path, county_dir):
    from etl.cli import main

    db = _load_all_but(tmp_path, county_dir, "代表名册.csv")
    assert main(["load", str(county_dir / "代表名册.csv"), "--db", db]) == 0
    con = duckdb.connect(db, read_only=True)
    try:
        assert _deputies_visiting(con) == DEPUTIES_HAND_COUNT
    finally:
        con.close()


def test_a_file_as_large_as_its_roster_is_joined_built_on_the_roster(county_db):
    """DuckDB builds a hash join on the side with fewer rows, however wide (etl/loader.py): a file
    with at least as many rows as its roster gets the hint while it is inserted, a smaller one and
    a register copying nothing do not, and the hint never outlives the insert, a failed one either."""
    from etl.loader import IN_FILE_ORDER, JOIN_SIDE_HINT, _joins_built_on_rosters, _rollback

    con = duckdb.connect(str(county_db))
    try:
        def hint() -> str:
            return con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]

        households = con.execute("SELECT count(*) FROM households").fetchall()[0][0]
        with _joins_built_on_rosters(con, "visits", households) as order:
            assert (hint(), order) == (JOIN_SIDE_HINT, "")
        assert hint() == ""
        for table, rows in (("visits", households - 1), ("activities", 10**9)):
            with _joins_built_on_rosters(con, table, rows) as order:
                assert (hint(), order) == ("", IN_FILE_ORDER)
        con.execute("BEGIN TRANSACTION")
        with pytest.raises(duckdb.CatalogException), _joins_built_on_rosters(con, "visit_deputies", 10**9):
            con.execute("SELECT * FROM no_such_table")
        _rollback(con)
        assert hint() == ""
    finally:
        con.close()


def test_a_link_insert_is_judged_by_its_links_not_by_the_files_rows(tmp_path, county_dir, monkeypatch):
    """An activity log with fewer rows than the deputies roster may still have more links."""
    from etl import loader
    from etl.cli import main

    db = _load_all_but(tmp_path, county_dir, "活动记录.xlsx")
    judged = []
    real = loader._joins_built_on_rosters

    def watched(con, table, rows):
        judged.append((table, rows))
        return real(con, table, rows)

    monkeypatch.setattr(loader, "_joins_built_on_rosters", watched)
    assert main(["load", str(county_dir / "活动记录.xlsx"), "--db", db]) == 0
    con = duckdb.connect(db, read_only=True)
    try:
        rows, links = (con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                       for t in ("activities", "activity_deputies"))
    finally:
        con.close()
    assert links != rows
    assert judged == [("activities", rows), ("activity_deputies", links)]


@pytest.mark.parametrize("visits", [4, 10], ids=["fewer than the roster", "as many as the roster"])
def test_visits_and_their_links_are_stored_in_the_files_row_order(tmp_path, county_dir, visits):
    """Written in the file's order (a township's rows lie together), whichever side the roster
    joins are built on: a file smaller than the households (7) and deputies (8) rosters is sorted
    back into it, a larger one streams through in it. The file lists its visits last first."""
    from etl.cli import main
    from tests.conftest import VISITS

    db = _load_all_but(tmp_path, county_dir, "走访记录.csv")
    backwards = [VISITS[0], *reversed(VISITS[1:visits + 1])]
    assert main(["load", str(write_csv(tmp_path / "走访记录.csv", backwards, "utf-8")), "--db", db]) == 0
    con = duckdb.connect(db, read_only=True)
    try:
        stored = [r for (r,) in con.execute("SELECT source_row FROM visits ORDER BY rowid").fetchall()]
        linked = [r for (r,) in con.execute("SELECT v.source_row FROM visit_deputies l JOIN visits v "
                                            "USING (visit_id) ORDER BY l.rowid").fetchall()]
    finally:
        con.close()
    assert stored == list(range(2, visits + 2))
    assert linked == sorted(linked) and len(linked) > len(stored)
