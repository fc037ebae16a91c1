"""Loading safely: idempotence, updates by natural key, provenance, the load log,
publishing past a running reader, and a killed load leaving the database intact."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from etl.cli import main
from queries.db import PROJECT_ROOT
from tests.conftest import SUGGESTIONS, write_csv


def query(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_file_is_logged_with_counts(county_db):
    rows = query(county_db, "SELECT file_name, kind, rows_read, rows_accepted, rows_rejected, status "
                            "FROM load_log ORDER BY load_id")
    assert [r[:2] for r in rows] == [
        ("乡镇名册.csv", "townships"), ("活动站名册.xlsx", "stations"), ("代表名册.csv", "deputies"),
        ("脱贫户名册.csv", "households"), ("活动记录.xlsx", "activities"),
        ("建议意见登记.csv", "suggestions"), ("走访记录.csv", "visits"),
    ]
    assert [r[2] for r in rows] == [3, 3, 8, 8, 15, 12, 10]
    assert all(r[2] == r[3] + r[4] and r[5] == "loaded" for r in rows)


def test_fact_rows_carry_their_provenance(county_db):
    # A04 is on the 5th data row of 活动记录.xlsx: title row 1, blank row 2, header row 3.
    assert query(county_db, "SELECT source_file, source_sheet, source_row, township_code, date "
                            "FROM activities WHERE activity_id = 'A04'") == [
        ("活动记录.xlsx", "活动记录", 7, "QH01", __import__("datetime").date(2024, 5, 15))
    ]
    assert query(county_db, "SELECT count(*) FROM activity_deputies WHERE activity_id = 'A04'") == [(3,)]


def test_loading_the_same_file_again_changes_nothing(county_db, county_dir):
    before = digest(county_db)
    code = main(["load", str(county_dir), "--db", str(county_db)])
    assert code == 0
    assert digest(county_db) == before  # not even republished


def test_a_newer_export_updates_suggestions_by_id(county_db, tmp_path):
    later = [row[:] for row in SUGGESTIONS]
    g04 = next(r for r in later if r[0] == "G04")
    g04[10:13] = ["2024-07-20", "已办结", "A"]  # resolved since the last export
    later.append(["G13", "2024-07-02", "QH01", "", "选民意见", "", "其他", "新的意见", "", "", "",
                  "已收集", "", "", ""])
    export = write_csv(tmp_path / "建议意见登记_三季度.csv", later, "gb18030")
    assert main(["load", str(export), "--db", str(county_db)]) == 0
    assert query(county_db, "SELECT status, resolved_on::VARCHAR, outcome, source_file FROM suggestions "
                            "WHERE suggestion_id = 'G04'") == [
        ("已办结", "2024-07-20", "A", "建议意见登记_三季度.csv")]
    assert query(county_db, "SELECT count(*), count(DISTINCT suggestion_id) FROM suggestions") == [(13, 13)]
    # Links are replaced, not duplicated.
    assert query(county_db, "SELECT count(*) FROM suggestion_deputies WHERE suggestion_id = 'G01'") == [(1,)]


def test_strict_loads_nothing_from_a_file_with_rejections(county_db, tmp_path):
    bad = [SUGGESTIONS[0], ["G20", "2024-07-02", "QH01", "", "选民意见", "", "", "好的", "", "", "",
                            "已收集", "", "", ""],
           ["G21", "2024-13-02", "QH01", "", "选民意见", "", "", "坏日期", "", "", "", "已收集", "", "", ""]]
    path = write_csv(tmp_path / "建议意见登记_坏.csv", bad, "utf-8")
    assert main(["load", str(path), "--db", str(county_db), "--strict"]) == 1
    assert query(county_db, "SELECT count(*) FROM suggestions WHERE suggestion_id IN ('G20', 'G21')") == [(0,)]
    assert query(county_db, "SELECT row_no, column_name FROM rejected_rows") == [(3, "收集日期")]
    # Without --strict the good row goes in and the exit code still says rows were rejected.
    assert main(["load", str(path), "--db", str(county_db)]) == 1
    assert query(county_db, "SELECT suggestion_id FROM suggestions WHERE suggestion_id IN ('G20', 'G21')") == [
        ("G20",)]
    rejected_csv = county_db.with_name("rejected_rows.csv")
    assert "2024-13-02" in rejected_csv.read_text(encoding="utf-8-sig")


def test_cli_reports_an_unreadable_file_in_chinese(tmp_path, capsys):
    broken = tmp_path / "活动记录.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    db = tmp_path / "x.duckdb"
    assert main(["load", str(broken), "--db", str(db)]) == 2
    out = capsys.readouterr().out
    assert "活动记录.xlsx" in out and "不是有效的 Excel 工作簿" in out
    assert query(db, "SELECT status FROM load_log") == [("unreadable",)]


def test_cli_names_a_missing_file(tmp_path, capsys):
    assert main(["load", str(tmp_path / "无此文件.csv"), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "找不到文件" in capsys.readouterr().out


def test_every_command_has_chinese_help():
    from etl.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == {"load", "check", "mappings", "demo", "templates", "metrics", "summary", "briefings",
                             "users", "audit", "export-parquet"}
    nested = commands["users"]._subparsers._group_actions[0].choices
    assert set(nested) == {"add", "passwd", "disable", "enable", "unlock", "list", "rankings"}
    for name, sub in [*commands.items(), *nested.items()]:
        assert sub.description, name
        for action in sub._actions:
            if action.dest not in ("help", "action"):
                assert action.help and any("\u4e00" <= ch <= "\u9fff" for ch in action.help), (name, action.dest)


READER = textwrap.dedent("""
    import sys, duckdb
    def count():
        con = duckdb.connect(sys.argv[1], read_only=True)
        n = con.execute("SELECT count(*) FROM suggestions").fetchone()[0]
        return con, n
    con, n = count()
    print(n, flush=True)
    sys.stdin.readline()          # hold the file open until told
    print(con.execute("SELECT count(*) FROM suggestions").fetchone()[0], flush=True)
    con.close()
    print(count()[1], flush=True)  # reopen: the published file is the new one
""")


def test_load_succeeds_while_a_reader_holds_the_database(county_db, tmp_path):
    reader = subprocess.Popen([sys.executable, "-c", READER, str(county_db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "12"
        more = [SUGGESTIONS[0], ["G30", "2024-08-01", "QH01", "", "选民意见", "", "", "新", "", "", "",
                                 "已收集", "", "", ""]]
        assert main(["load", str(write_csv(tmp_path / "建议_新.csv", more, "utf-8")),
                     "--db", str(county_db)]) == 0
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "12"  # its open file is the old version
        assert reader.stdout.readline().strip() == "13"  # reopening sees the load
    finally:
        reader.kill()
        reader.wait()


def big_activity_log(path: Path, rows: int) -> Path:
    lines = ["日期,乡镇,活动类型,活动名称,参加人数"]
    lines += [f"2024-05-{1 + i % 28:02d},QH01,座谈,座谈会{i},{i % 9}" for i in range(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_killed_load_leaves_the_published_database_intact(county_db, tmp_path):
    before = digest(county_db)
    big = big_activity_log(tmp_path / "活动记录_大.csv", 2_000_000)  # seconds of work even for the fast reader
    loader = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(big), "--db", str(county_db)],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    work = county_db.with_name(county_db.name + ".loading")
    deadline = time.monotonic() + 60
    while not work.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert work.exists(), "the load never started writing its copy"
    time.sleep(0.5)  # well inside reading and checking 2,000,000 rows
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    assert loader.returncode == -signal.SIGKILL
    assert digest(county_db) == before
    assert query(county_db, "SELECT count(*) FROM activities") == [(15,)]
    # The next load clears the stray copy and goes through.
    small = big_activity_log(tmp_path / "活动记录_小.csv", 3)
    assert main(["load", str(small), "--db", str(county_db)]) == 0
    assert query(county_db, "SELECT count(*) FROM activities") == [(18,)]
    assert not work.exists()
