"""The environment refusing a load (issue 9, points 6 and 7): a full disk, a read-only
folder or mount, a symlinked or read-only database, another load holding the lock.

Each gets a Chinese message naming the cause, exit code 3 (环境错误), and leaves the
published database exactly as it was. A full disk and a read-only mount are real
(a small tmpfs, mounted when the tests run as root, as CI does); permission errors
run the CLI as an unprivileged user (setpriv); each also has a simulated twin that
runs anywhere (the failing call monkeypatched to raise what the kernel raises).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import duckdb
import pytest

from etl import loader, publish
from etl.cli import EXIT_ENVIRONMENT, main
from etl.loader import ABORTED
from queries.db import PROJECT_ROOT, db_version
from ui import uploads

ROSTER = "乡镇代码,乡镇名称,所属县\r\nT01,青河镇,平安县\r\n"


def activities(rows: int, start: int = 0) -> str:
    lines = ["活动编号,日期,乡镇,活动类型,活动名称,参加人数,地点"]
    lines += [f"A{start + i:06d},2020-06-{1 + i % 28:02d},T01,座谈,座谈会{start + i}号{'议题' * 8},{i % 9},"
              f"青河村{i}" for i in range(rows)]
    return "\r\n".join(lines) + "\r\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM activities").fetchall()[0][0]


def make_db(folder: Path) -> Path:
    """A published database with the roster and two activities."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "乡镇名册.csv").write_text(ROSTER, encoding="utf-8")
    (folder / "活动记录.csv").write_text(activities(2), encoding="utf-8")
    db = folder / "dashboard.duckdb"
    assert main(["load", str(folder / "乡镇名册.csv"), str(folder / "活动记录.csv"), "--db", str(db)]) == 0
    return db


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "3000")


def cli(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["load", *args])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "Traceback" not in out and "cannot rollback" not in out
    return code, out


def assert_untouched(db: Path, before: str, rows: int = 2) -> None:
    assert digest(db) == before
    assert count(db) == rows
    assert not publish.work_path(db).exists()


# ---------------------------------------------------------------- a real tmpfs (root only)


@pytest.fixture
def tmpfs():
    """Mount a small tmpfs; yields (folder, remount). Skipped where mounting is not allowed."""
    folder = Path(tempfile.mkdtemp(prefix="tmpfs-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        folder.rmdir()
        pytest.skip("mounting a tmpfs needs root")

    def remount(options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)

    try:
        yield folder, remount
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def test_a_full_disk_stops_the_load_and_leaves_the_database_as_it_was(tmp_path, tmpfs, capsys):
    """Real ENOSPC: the disk holds the database and its copy, not what the load writes."""
    folder, _ = tmpfs
    db = make_db(folder / "data")
    before = digest(db)
    big = tmp_path / "活动记录_全年.csv"
    big.write_text(activities(40_000, start=10), encoding="utf-8")
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    filler = free - db.stat().st_size - 256 * 1024  # room for the copy and little more
    (folder / "填充").write_bytes(b"\0" * filler)
    code, out = cli(capsys, str(big), "--db", str(db))
    assert code == EXIT_ENVIRONMENT
    assert "磁盘空间不足" in out
    assert f"数据库「{db}」保持原样，本次没有导入任何文件。" in out
    assert "│ 活动记录_全年.csv │ —" in out and "未导入（导入已停止）" in out
    assert_untouched(db, before)
    (folder / "填充").unlink()
    assert main(["load", str(big), "--db", str(db)]) == 0  # room again: the same load goes through
    assert count(db) == 40_002


def test_a_read_only_mount_stops_the_load(tmp_path, tmpfs, capsys):
    folder, remount = tmpfs
    db = make_db(folder / "data")
    before = digest(db)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    remount("ro")
    try:
        code, out = cli(capsys, str(more), "--db", str(db))
    finally:
        remount("rw")
    assert code == EXIT_ENVIRONMENT
    assert "所在磁盘是只读的（只读文件系统）" in out
    assert_untouched(db, before)


# ---------------------------------------------------------------- simulated, anywhere


def test_a_full_disk_while_copying_is_simulated_anywhere(tmp_path, capsys, monkeypatch):
    db = make_db(tmp_path / "data")
    before = digest(db)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")

    def no_space(src, dst):
        Path(dst).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish.shutil, "copyfile", no_space)
    code, out = cli(capsys, str(more), "--db", str(db))
    assert code == EXIT_ENVIRONMENT
    assert f"复制数据库（{db}）时磁盘空间不足" in out
    assert_untouched(db, before)


def test_a_full_disk_at_commit_is_not_hidden_by_a_rollback_error(tmp_path, capsys, monkeypatch):
    """DuckDB reports ENOSPC at COMMIT inside a TransactionException, and then has no
    transaction to roll back: the user reads the first error, not "cannot rollback"."""
    db = make_db(tmp_path / "data")
    before = digest(db)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    real = loader._log

    def commit_fails(con, result, digest_, load_id, *who):  # who: loaded_by and scope (issue 10)
        real(con, result, digest_, load_id, *who)
        con.execute("COMMIT")  # ends the transaction, so the loader's own COMMIT and ROLLBACK fail …
        raise duckdb.TransactionException(
            'TransactionContext Error: Failed to commit: Could not write file "x": No space left on device')

    monkeypatch.setattr(loader, "_log", commit_fails)
    code, out = cli(capsys, str(more), "--db", str(db))
    assert code == EXIT_ENVIRONMENT
    assert "导入文件「活动记录_新.csv」时磁盘空间不足，导入已停止" in out
    assert_untouched(db, before)


def test_an_aborted_upload_says_so_for_every_file(county_db, monkeypatch):
    before = digest(county_db)

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish.shutil, "copyfile", no_space)
    content = activities(2).replace("T01", "QH01").encode("utf-8")
    results = uploads.load_uploads([("活动记录_a.csv", content), ("~$活动记录_b.xlsx", b"\0")], county_db)
    assert [(r.path.name, r.status) for r in results] == [("活动记录_a.csv", ABORTED), ("~$活动记录_b.xlsx", "skipped")]
    assert "磁盘空间不足" in results[0].message and "数据库保持原样" in results[0].message
    assert uploads.report_frame(results)["result"].tolist() == ["未导入（导入已停止）", "已跳过"]
    assert digest(county_db) == before


# ---------------------------------------------------------------- the published file keeps its setup


def test_a_symlinked_database_stays_a_link_and_its_target_is_updated(tmp_path, capsys):
    real = make_db(tmp_path / "real")
    link = tmp_path / "dashboard.duckdb"
    link.symlink_to(real)
    version = db_version(link)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    code, _ = cli(capsys, str(more), "--db", str(link))
    assert code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert count(real) == 5 and count(link) == 5  # the two paths never diverge
    assert db_version(link) != version  # the dashboard, reading through the link, sees a new file
    assert (real.parent / "dashboard.duckdb.lock").exists()  # one lock per real file
    assert not (tmp_path / "dashboard.duckdb.loading").exists()


def test_a_dangling_database_link_gets_its_file_created_and_stays_a_link(tmp_path, capsys):
    link = tmp_path / "dashboard.duckdb"
    target = tmp_path / "elsewhere" / "county.duckdb"
    target.parent.mkdir()
    link.symlink_to(target)
    roster = tmp_path / "乡镇名册.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert cli(capsys, str(roster), "--db", str(link))[0] == 0
    assert link.is_symlink() and target.is_file()


def test_a_database_link_loop_is_an_environment_error(tmp_path, capsys):
    (tmp_path / "a.duckdb").symlink_to(tmp_path / "b.duckdb")
    (tmp_path / "b.duckdb").symlink_to(tmp_path / "a.duckdb")
    roster = tmp_path / "乡镇名册.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    code, out = cli(capsys, str(roster), "--db", str(tmp_path / "a.duckdb"))
    assert code == EXIT_ENVIRONMENT
    assert "是循环的符号链接" in out


def test_the_new_file_keeps_the_published_files_mode_and_owner(tmp_path, capsys):
    db = make_db(tmp_path / "data")
    os.chmod(db, 0o640)
    if os.geteuid() == 0:
        os.chown(db, 1234, 4321)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    assert cli(capsys, str(more), "--db", str(db))[0] == 0
    after = os.stat(db)
    assert stat.S_IMODE(after.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (after.st_uid, after.st_gid) == (1234, 4321)
    assert count(db) == 5


def test_a_read_only_database_file_is_left_alone(tmp_path, capsys):
    db = make_db(tmp_path / "data")
    os.chmod(db, 0o444)
    before = digest(db)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    code, out = cli(capsys, str(more), "--db", str(db))
    assert code == EXIT_ENVIRONMENT
    assert f"数据库文件「{db}」是只读的（权限 r--r--r--），本次导入不会改动它。" in out
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o444
    assert_untouched(db, before)


# ---------------------------------------------------------------- as an unprivileged user


def run_as_nobody(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "etl", "load", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "3000"}, timeout=120,
    )


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root to switch to an unprivileged user")
    if not all(folder.stat().st_mode & stat.S_IXOTH for folder in [PROJECT_ROOT, *PROJECT_ROOT.parents]):
        pytest.skip(f"an unprivileged user cannot reach the project at {PROJECT_ROOT} (a private folder above it)")
    folder = Path(tempfile.mkdtemp(prefix="nobody-"))
    os.chmod(folder, 0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            with_write = stat.S_IMODE(path.lstat().st_mode) | 0o700
            if not path.is_symlink():
                os.chmod(path, with_write)
        shutil.rmtree(folder)


def test_a_read_only_folder_and_an_unreadable_file_as_an_ordinary_user(shared_dir):
    data = shared_dir / "data"
    db = make_db(data)
    os.chmod(db, 0o666)
    os.chmod(data, 0o555)  # the folder is read-only: no copy, no lock file can be made there
    before = digest(db)
    more = shared_dir / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    os.chmod(more, 0o644)
    done = run_as_nobody(str(more), "--db", str(db))
    assert done.returncode == EXIT_ENVIRONMENT, done.stdout + done.stderr
    assert "没有访问权限" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert digest(db) == before

    os.chmod(data, 0o777)
    os.chmod(more, 0o000)  # a register the user may not read
    done = run_as_nobody(str(more), "--db", str(db))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "无法读取文件「活动记录_新.csv」：没有访问权限。" in done.stdout.replace("\n", "")


# ---------------------------------------------------------------- 7. waiting for another load


def hold_lock(db: Path):
    handle = open(db.with_name(db.name + ".lock"), "a")  # noqa: SIM115
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def test_a_load_waits_for_another_and_gives_up_after_the_stated_time(tmp_path, capsys):
    db = make_db(tmp_path / "data")
    before = digest(db)
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    held = hold_lock(db)
    try:
        code, out = cli(capsys, str(more), "--db", str(db), "--wait", "1")
    finally:
        held.close()
    assert code == EXIT_ENVIRONMENT
    assert "另一个导入正在进行，等待中…（最多等待 1 秒）" in out
    assert "另一个导入进行了 1 秒仍未结束，本次导入已放弃，请稍后重试" in out
    assert_untouched(db, before)


def test_a_waiting_load_goes_on_once_the_other_finishes(tmp_path, capsys):
    db = make_db(tmp_path / "data")
    more = tmp_path / "活动记录_新.csv"
    more.write_text(activities(3, start=10), encoding="utf-8")
    held = hold_lock(db)
    threading.Timer(0.6, held.close).start()
    code, out = cli(capsys, str(more), "--db", str(db), "--wait", "30")
    assert code == 0
    assert "另一个导入正在进行，等待中…（最多等待 30 秒）" in out
    assert count(db) == 5


def test_the_readme_states_exit_code_3():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "3 环境错误（磁盘空间不足" in readme
