"""Uploads load in a child process bounded by rows, memory and time (ui/upload_process.py).

Real register files, a real child process and a private copy of the hand-counted county
(fixture county_db). A limit that stops a load must leave the published file byte for
byte as it was and say so in Chinese on every file's report line.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.load_scope import REASON_OUT_OF_SCOPE, LoadScope
from etl.loader import ABORTED, LOADED, UNREADABLE
from etl.mapping import mapping_of
from etl.registers import BY_KIND
from tests.conftest import ACTIVITY_HEADER, SUGGESTIONS, write_csv
from ui import mapping_step, upload_process, uploads
from ui.upload_process import UploadLimits, count_rows


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def activities_csv(rows: int, name: str = "活动记录_大.csv") -> tuple[str, bytes]:
    """An activity register of `rows` valid rows for QH01 (every row loads)."""
    lines = [",".join(ACTIVITY_HEADER)] + [
        f"R{i:07d},2024-05-{i % 28 + 1:02d},QH01,S01,视察,经济建设,视察第{i}次,D01、D02,,,,,青河镇"
        for i in range(rows)]
    return name, ("\r\n".join(lines) + "\r\n").encode("utf-8")


def suggestion_csv(folder: Path) -> tuple[str, bytes]:
    row = ["G90", "2024-08-01", "QH01", "", "选民意见", "", "", "修路", "", "", "", "已收集", "", "", ""]
    path = write_csv(folder / "建议意见登记_八月.csv", [SUGGESTIONS[0], row], "utf-8")
    return path.name, path.read_bytes()


# --- counting rows --------------------------------------------------------------------

def test_csv_rows_leave_out_the_header_and_empty_lines(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("活动编号,日期\r\nA1,2024-01-01\r\n,,,\r\n\r\n  \r\nA2,2024-01-02".encode("gb18030"))
    assert count_rows(path) == [(None, 2)]
    utf16 = tmp_path / "b.csv"
    utf16.write_bytes("活动编号\t日期\r\nA1\t2024-01-01\r\n\t\r\n".encode("utf-16"))
    assert count_rows(utf16) == [(None, 1)]


def test_xlsx_rows_per_sheet_leave_out_formatted_empty_rows(tmp_path):
    path = tmp_path / "活动记录.xlsx"
    book = xlsxwriter.Workbook(str(path))
    bordered = book.add_format({"border": 1})
    sheet = book.add_worksheet("活动记录")
    sheet.write_row(0, 0, ["活动编号", "日期"])
    for row in range(1, 4):
        sheet.write_row(row, 0, [f"A{row}", "2024-01-01"])
    for row in range(4, 500):  # a template's bordered empty rows hold no value
        sheet.write_blank(row, 0, None, bordered)
    other = book.add_worksheet("说明")
    other.write(0, 0, "填写说明")
    book.close()
    assert count_rows(path) == [("活动记录", 3), ("说明", 0)]


def test_a_broken_workbook_counts_as_no_rows_for_the_loader_to_explain(tmp_path):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert count_rows(path) == [(None, 0)]


# --- the limits -------------------------------------------------------------------------

def test_a_file_over_the_row_limit_is_refused_unparsed_and_the_rest_loads(county_db, tmp_path):
    limits = UploadLimits(rows=5)
    uploaded = [activities_csv(6), activities_csv(5, "活动记录_五行.csv")]
    results = uploads.load_uploads(uploaded, county_db, limits=limits)
    assert [(r.path.name, r.status, r.rows_accepted) for r in results] == [
        ("活动记录_五行.csv", LOADED, 5), ("活动记录_大.csv", UNREADABLE, 0)]
    assert results[1].message == (
        "文件「活动记录_大.csv」约有 6 行，超过每个文件 5 行的上限，未导入。"
        "请按乡镇或年度拆分后分别上传；更大的文件可由管理员用命令行 python -m etl load 导入。")


def test_the_stated_row_limit_is_two_hundred_thousand(county_db):
    before = digest(county_db)
    results = uploads.load_uploads([activities_csv(200_001)], county_db)
    assert [(r.status, r.message.split("，")[0]) for r in results] == [
        (UNREADABLE, "文件「活动记录_大.csv」约有 200,001 行")]
    assert "超过每个文件 200,000 行的上限" in results[0].message
    assert digest(county_db) == before


def test_a_file_too_big_for_the_memory_limit_is_not_loaded_and_every_file_says_why(county_db, tmp_path):
    """How a child runs out of room varies from run to run (the reader's MemoryError and the next file
    loading, DuckDB's allocator failing the next file too, a thread that cannot start): whichever way,
    the big file is not loaded, every file's line names it and says memory, and what loaded is whole."""
    before = digest(county_db)
    limits = UploadLimits(memory_bytes=1024**3)  # 200,000 rows take about 3 GB of address space
    big, small = uploads.load_uploads([activities_csv(200_000), suggestion_csv(tmp_path)], county_db, limits=limits)
    assert big.path.name == "活动记录_大.csv" and big.status in (UNREADABLE, ABORTED)
    assert f"「{big.path.name}」" in big.message and "内存" in big.message
    with duckdb.connect(str(county_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM activities WHERE activity_id LIKE 'R%'").fetchall() == [(0,)]
        loaded = con.execute("SELECT count(*) FROM suggestions WHERE suggestion_id = 'G90'").fetchall() == [(1,)]
    if small.status == LOADED:
        assert loaded
    elif small.status == ABORTED:  # the whole load stopped: nothing was published
        assert f"「{small.path.name}」" in small.message and "内存" in small.message
        assert digest(county_db) == before
    else:  # refused on its own (its reader ran out too): none of its rows loaded
        assert f"「{small.path.name}」" in small.message and "内存" in small.message
        assert not loaded


def test_the_memory_limit_stops_the_load_and_changes_nothing(county_db, tmp_path):
    before = digest(county_db)
    limits = UploadLimits(memory_bytes=300 * 1024**2)  # not even room for DuckDB's threads
    (result,) = uploads.load_uploads([suggestion_csv(tmp_path)], county_db, limits=limits)
    assert result.status == ABORTED  # out of memory copying the database or loading the file, said either way
    assert "内存" in result.message and "「建议意见登记_八月.csv」未导入" in result.message, result.message
    assert "/" not in result.message  # the server's paths are left out
    assert digest(county_db) == before


def test_the_time_limit_kills_the_load_and_changes_nothing(county_db):
    """Two files of the most rows a file may hold take about 4 s on 2 idle cores (2.3 s for one,
    the child's start included): a limit of 1 s stops them before anything is published."""
    before = digest(county_db)
    started = time.monotonic()
    files = [activities_csv(200_000), activities_csv(200_000, "活动记录_二.csv")]
    results = uploads.load_uploads(files, county_db, limits=UploadLimits(seconds=1))
    assert time.monotonic() - started < 30
    assert [(r.status, r.message) for r in results] == [(ABORTED, (
        f"文件「{name}」未导入：本次导入超过 1 秒仍未完成，导入已停止，数据库未作改动。"
        "请把文件拆小或分批上传，或请管理员用命令行导入。")) for name in ("活动记录_大.csv", "活动记录_二.csv")]
    assert digest(county_db) == before


def test_progress_is_reported_from_the_child(county_db, tmp_path):
    heard: list[tuple[float, str]] = []
    results = uploads.load_uploads([activities_csv(30_000), suggestion_csv(tmp_path)], county_db,
                                   on_progress=lambda share, text: heard.append((share, text)))
    assert [r.status for r in results] == [LOADED, LOADED]
    assert heard, "no progress was reported"
    shares = [share for share, _ in heard]
    assert shares == sorted(shares) and shares[0] >= 0 and shares[-1] <= 1
    # The page polls the latest stage every 0.25 s: a stage quicker than that may pass unseen.
    assert any(re.match("正在(读取|校验|写入)「活动记录_大.csv」（第 ", text) for _, text in heard), heard


def test_a_load_the_environment_stops_says_why(tmp_path):
    not_a_database = tmp_path / "db"
    not_a_database.mkdir()  # a folder where the database should be
    (result,) = uploads.load_uploads([suggestion_csv(tmp_path)], not_a_database)
    assert result.status == ABORTED
    assert result.message == (
        "导入未完成：复制数据库时这是一个文件夹，不是文件。数据库保持原样，文件「建议意见登记_八月.csv」未导入。")


@pytest.mark.parametrize(("signal_number", "message"), [
    (signal.SIGTERM, upload_process.failed_message),
    (signal.SIGKILL, partial(upload_process.memory_message, UploadLimits())),  # how the kernel's OOM killer ends it
])
def test_a_child_that_dies_says_so_in_chinese_without_details(county_db, tmp_path, signal_number, message):
    before = digest(county_db)
    folder = tmp_path / "uploads"
    folder.mkdir()
    name, content = activities_csv(200_000)
    (folder / name).write_bytes(content)
    child = upload_process.ChildProcess(upload_process.Job(folder, (folder / name,), county_db))
    while "读取" not in child.progress[1]:  # killed while it reads
        assert not child.wait(0.05)
    os.kill(child._process.pid, signal_number)
    assert child.wait(30)
    assert [(r.path.name, r.status, r.message) for r in child.outcome] == [(name, ABORTED, message(name))]
    assert message(name).startswith(f"文件「{name}」未导入：")
    assert digest(county_db) == before and not folder.exists()


@dataclass(frozen=True)
class DiesAfterPublishing(upload_process.Job):
    """A job whose child dies once its load is published, before it can hand back the report."""

    def run(self, emit):
        emit(event="published")
        os._exit(1)


@dataclass(frozen=True)
class DiesForWantOfThreadMemory(upload_process.Job):
    """What glibc does when a new thread's memory cannot be had: a last line and exit code 127."""

    def run(self, emit):
        print("cannot allocate memory for thread-local data: ABORT", file=sys.stderr, flush=True)
        os._exit(127)


@dataclass(frozen=True)
class RunsOutOfMemory(upload_process.Job):
    def run(self, emit):
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 4.0 GiB")


@pytest.mark.parametrize(("job", "message"), [
    (DiesAfterPublishing, upload_process.unreported_message),
    (RunsOutOfMemory, partial(upload_process.memory_message, UploadLimits())),
    (DiesForWantOfThreadMemory, partial(upload_process.memory_message, UploadLimits())),
])
def test_what_the_child_says_before_it_stops_decides_the_report(county_db, tmp_path, job, message):
    folder, files = upload_process.save([("活动记录.csv", b"x"), ("建议意见登记.csv", b"y")])
    outcome = upload_process.run(job(folder, files, county_db))
    assert [(r.path.name, r.status, r.message) for r in outcome] == [
        (name, ABORTED, message(name)) for name in ("活动记录.csv", "建议意见登记.csv")]
    assert not folder.exists()


def test_the_upload_folders_are_removed(county_db, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    uploads.load_uploads([suggestion_csv(tmp_path)], county_db)
    uploads.load_uploads([activities_csv(200_000)], county_db, limits=UploadLimits(seconds=1))
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_limits_are_stated():
    limits = UploadLimits()
    assert (limits.rows, limits.memory_bytes, limits.seconds) == (200_000, 8 * 1024**3, 600)
    assert upload_process.time_message(limits, "a.csv").startswith("文件「a.csv」未导入：本次导入超过 10 分钟仍未完成")


def test_the_child_gets_who_loads_the_scope_the_township_and_the_mapping(county_db):
    """An office's own layout with no 乡镇 anywhere: it loads only with the form's township and the
    confirmed 导入方案, and load_log names the account and its scope."""
    header = ["序号", "履职日期", "履职方式", "履职事项", "到场代表"]
    lines = [header, ["1", "2024-08-05", "视察", "视察敬老院", "D01、D02"],
             ["2", "2024-08-12", "座谈", "代表座谈", "D03"]]
    upload = ("履职台账_8月.csv", "\r\n".join(",".join(line) for line in lines).encode("utf-8"))
    mapping = mapping_of(BY_KIND["activities"], header, {0: "", 1: "date", 2: "kind", 3: "title", 4: "deputy_ids"},
                         name="测试方案")
    (result,) = uploads.load_uploads([upload], county_db, "qh01_admin", LoadScope(townships=("QH01",)),
                                     township="QH01", mappings=(mapping,))
    assert (result.status, result.rows_accepted, result.mapping) == (LOADED, 2, "测试方案")
    with duckdb.connect(str(county_db), read_only=True) as con:
        assert con.execute("SELECT loaded_by, load_scope FROM load_log WHERE file_name = '履职台账_8月.csv'"
                           ).fetchall() == [("qh01_admin", "townships:QH01")]
        assert con.execute("SELECT DISTINCT township_code FROM activities WHERE source_file = '履职台账_8月.csv'"
                           ).fetchall() == [("QH01",)]
        assert con.execute("SELECT name FROM import_mappings").fetchall() == [("测试方案",)]


# --- the mapping step's check ---------------------------------------------------------------

def test_the_check_refuses_a_file_over_the_row_limit_unparsed(county_db):
    huge, small = activities_csv(200_001), activities_csv(3, "活动记录_三行.csv")
    ready, pending, refused = mapping_step.split_uploads([huge, small], county_db, None)
    assert ([name for name, _ in ready], pending) == (["活动记录_三行.csv"], [])
    assert [(r.path.name, r.status, r.message.split("，")[0]) for r in refused] == [
        ("活动记录_大.csv", UNREADABLE, "文件「活动记录_大.csv」约有 200,001 行")]


def test_the_check_is_a_dry_run_in_the_child_under_the_accounts_scope(county_db, tmp_path):
    before = digest(county_db)
    rows = [SUGGESTIONS[0],
            ["G90", "2024-08-01", "QH01", "", "选民意见", "", "", "修路", "", "", "", "已收集", "", "", ""],
            ["G91", "2024-08-01", "QH02", "", "选民意见", "", "", "修桥", "", "", "", "已收集", "", "", ""]]
    path = write_csv(tmp_path / "建议意见登记_八月.csv", rows, "utf-8")
    check = mapping_step.check_upload(path.name, path.read_bytes(), county_db, None,
                                      scope=LoadScope(townships=("QH01",)))
    ((result,),) = [check.results]
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 1, 1)
    assert [r.reason for r in result.rejections] == [f"「乡镇」{REASON_OUT_OF_SCOPE}"]
    assert digest(county_db) == before  # a dry run writes nothing


def test_the_check_sends_the_server_its_counts_and_only_the_first_rejected_rows(county_db, tmp_path):
    from tests.test_rejected_rows import bad_visits

    bad = bad_visits(tmp_path, 500)
    ((result,),) = [mapping_step.check_upload(bad.name, bad.read_bytes(), county_db, None).results]
    assert (result.rows_read, result.rows_rejected) == (500, 500)
    assert [r.row_no for r in result.rejections] == list(range(2, 2 + upload_process.SHOWN_REJECTIONS))


def test_the_check_runs_within_the_memory_limit(county_db, tmp_path):
    """300 MB of address space is not even room for DuckDB's threads: a check in the server would pass."""
    ready, pending, refused = mapping_step.split_uploads(
        [suggestion_csv(tmp_path)], county_db, None, limits=UploadLimits(memory_bytes=300 * 1024**2))
    assert (ready, pending) == ([], [])
    assert [(r.path.name, r.status, r.message) for r in refused] == [("建议意见登记_八月.csv", ABORTED, (
        "文件「建议意见登记_八月.csv」未导入：本次导入所需内存超过上限（300 MB），导入已停止，数据库未作改动。"
        "请把文件拆小或分批上传。"))]


def test_the_check_runs_within_the_time_limit_and_the_file_is_not_loaded_after_it(county_db):
    started = time.monotonic()
    ready, pending, refused = mapping_step.split_uploads(
        [activities_csv(200_000)], county_db, None, limits=UploadLimits(seconds=2))
    assert time.monotonic() - started < 30
    assert (ready, pending) == ([], [])
    assert [(r.status, r.message) for r in refused] == [
        (ABORTED, upload_process.time_message(UploadLimits(seconds=2), "活动记录_大.csv"))]


def test_files_refused_by_size_or_type_are_not_even_checked(county_db, monkeypatch):
    monkeypatch.setattr(upload_process, "run", lambda *args: pytest.fail("a refused file was handed to a child"))
    ready, pending, refused = mapping_step.split_uploads(
        [("说明.docx", b"PK"), ("活动记录.csv", b"x" * (uploads.MAX_UPLOAD_BYTES + 1))], county_db, None)
    assert (ready, pending) == ([], [])
    assert [r.message for r in refused] == [uploads.wrong_type_message("说明.docx"),
                                           uploads.too_large_message("活动记录.csv", uploads.MAX_UPLOAD_BYTES + 1)]
