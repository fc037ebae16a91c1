"""What a load costs the published file: nothing when nothing changed, one copy (or a
reflink) when something did, and a progress bar for every file while it runs."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import duckdb
import pytest

from etl import bulk_csv, cli, publish
from etl.cli import load_paths, main
from etl.loader import LOADED, UNCHANGED, load_file_parts
from queries.db import db_version
from tests.conftest import write_csv


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def copies(monkeypatch) -> list[tuple[Path, Path]]:
    """Every copy of a published database a load makes."""
    made: list[tuple[Path, Path]] = []
    real = publish.copy_database

    def watched(source, copy):
        made.append((Path(source), Path(copy)))
        real(source, copy)

    monkeypatch.setattr(publish, "copy_database", watched)
    return made


def visits_csv(path: Path, day: int) -> Path:
    return write_csv(path, [["日期", "乡镇", "对象类型", "户编号", "走访代表"],
                            [f"2024-08-{day:02d}", "QH01", "脱贫户", "H01", "D01"]], "utf-8")


def test_a_reload_of_unchanged_files_copies_nothing_and_publishes_nothing(county_db, county_dir, copies):
    version = db_version(county_db)
    assert main(["load", str(county_dir), "--db", str(county_db)]) == 0
    assert copies == []
    assert db_version(county_db) == version  # the same file: a dashboard has nothing to reopen
    assert not publish.work_path(county_db).exists()


def test_new_files_among_unchanged_ones_cost_one_copy_and_keep_their_order(county_db, county_dir, tmp_path, copies):
    new = visits_csv(tmp_path / "走访记录_八月.csv", 8)
    files = [county_dir / "乡镇名册.csv", new, county_dir / "走访记录.csv"]
    results = load_paths(files, county_db)
    assert [(r.path.name, r.status) for r in results] == [
        ("乡镇名册.csv", UNCHANGED), ("走访记录_八月.csv", LOADED), ("走访记录.csv", UNCHANGED)]
    assert copies == [(county_db, publish.work_path(county_db))]
    assert query(county_db, "SELECT count(*) FROM visits WHERE date = DATE '2024-08-08'") == [(1,)]


def test_a_file_changed_while_the_load_waited_is_hashed_again(county_db, tmp_path, monkeypatch):
    """The content hash taken before waiting for the lock is used only for the very same file."""
    path = visits_csv(tmp_path / "走访记录_八月.csv", 8)
    real = publish.exclusive_lock

    def edited_while_waiting(*args, **kwargs):
        visits_csv(path, 9)  # another day, another size or time: another file
        return real(*args, **kwargs)

    monkeypatch.setattr(publish, "exclusive_lock", edited_while_waiting)
    [result] = load_paths([path], county_db)
    assert result.status == LOADED
    logged = query(county_db, "SELECT content_hash FROM load_log WHERE file_name = '走访记录_八月.csv'")
    assert logged == [(publish_hash(path),)]
    assert query(county_db, "SELECT count(*) FROM visits WHERE date = DATE '2024-08-09'") == [(1,)]


def publish_hash(path: Path) -> str:
    from etl.loader import content_hash

    return content_hash(path)


def test_the_copy_is_a_reflink_where_the_file_system_shares_blocks(tmp_path, monkeypatch):
    source = tmp_path / "a.duckdb"
    source.write_bytes(os.urandom(300_000))
    cloned = []

    def clone(fd, request, arg):
        assert request == publish.FICLONE
        os.sendfile(fd, arg, 0, os.fstat(arg).st_size)  # what the kernel's reflink gives: the same bytes
        cloned.append(True)

    monkeypatch.setattr(publish.fcntl, "ioctl", clone)
    monkeypatch.setattr(publish.shutil, "copyfile", lambda *a: pytest.fail("copied although cloned"))
    publish.copy_database(source, tmp_path / "b.duckdb")
    assert cloned and (tmp_path / "b.duckdb").read_bytes() == source.read_bytes()


def test_the_copy_falls_back_to_copying_where_reflinks_are_refused(tmp_path, monkeypatch):
    source = tmp_path / "a.duckdb"
    source.write_bytes(os.urandom(300_000))

    def refused(fd, request, arg):
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")  # ext4, tmpfs

    monkeypatch.setattr(publish.fcntl, "ioctl", refused)
    publish.copy_database(source, tmp_path / "b.duckdb")
    assert (tmp_path / "b.duckdb").read_bytes() == source.read_bytes()


def test_each_file_reports_its_stages_and_how_far_it_is(county_db, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_csv, "BLOCK_BYTES", 4096)  # decoding reports after every block
    rows = [["日期", "乡镇", "活动类型", "活动名称", "参加代表"]]
    rows += [[f"2024-08-{1 + i % 28:02d}", "QH01", "座谈", f"座谈会{i}", f"D0{1 + i % 4}"] for i in range(3000)]
    path = write_csv(tmp_path / "活动记录_大.csv", rows, "gb18030")
    heard: list[tuple[str, float]] = []
    with publish.publishing(county_db) as publication:
        [result] = load_file_parts(publication.con, path, on_stage=lambda stage, done: heard.append((stage, done)))
        publication.changed = True
    assert result.status == LOADED and result.rows_accepted == 3000
    fractions = [done for _, done in heard]
    assert fractions == sorted(fractions) and fractions[-1] >= 0.8
    reading = [done for stage, done in heard if stage == "读取"]
    assert len({round(d, 3) for d in reading if 0 < d < 0.3}) >= 5  # the bar moves while the file is decoded
    assert [stage for stage, _ in heard][-1] == "写入"
    assert {"读取", "校验", "写入"} == {stage for stage, _ in heard}


def test_the_command_line_gives_every_file_a_bar_that_ends_full(county_db, tmp_path, monkeypatch):
    bars: dict[int, list[tuple[str, float]]] = {}

    class Recorded(cli.Progress):
        def update(self, task_id, **kwargs):
            super().update(task_id, **kwargs)
            task = self._tasks[task_id]
            bars.setdefault(task_id, []).append((task.description, task.completed))

    monkeypatch.setattr(cli, "Progress", Recorded)
    files = [visits_csv(tmp_path / f"走访记录_{day}.csv", day) for day in (10, 11)]
    assert main(["load", *map(str, files), "--db", str(county_db)]) == 0
    per_file = [updates for updates in bars.values() if "走访记录_" in updates[0][0]]
    assert len(per_file) == 2
    for updates in per_file:
        assert [done for _, done in updates] == sorted(done for _, done in updates)
        assert updates[-1] == (updates[-1][0], 1.0) and updates[-1][0].startswith("完成")
        assert any(description.startswith("校验") for description, _ in updates)


def test_a_file_decoded_ahead_and_then_found_unchanged_leaves_no_copy(county_db, tmp_path, monkeypatch):
    """The second file (GB18030, so decoding writes a UTF-8 copy) is decoded while the first
    loads; it holds the first's content, so it is unchanged and its copy is removed."""
    monkeypatch.setattr(bulk_csv.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    rows = [["日期", "乡镇", "活动类型", "活动名称"], ["2024-08-01", "QH01", "座谈", "八月座谈"]]
    first = write_csv(tmp_path / "活动记录_八月.csv", rows, "gb18030")
    second = write_csv(tmp_path / "活动记录_八月_副本.csv", rows, "gb18030")
    decoded = []
    real = bulk_csv.DecodeAhead.start
    monkeypatch.setattr(bulk_csv.DecodeAhead, "start",
                        lambda self, path, *args: (decoded.append(path.name), real(self, path, *args)))
    results = load_paths([first, second], county_db)
    assert [r.status for r in results] == [LOADED, UNCHANGED]
    assert decoded == [second.name]
    assert list((tmp_path / "tmp").iterdir()) == []
