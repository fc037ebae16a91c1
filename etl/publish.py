"""Copy, load, publish: how a load writes without ever blocking the dashboard.

DuckDB will not let a process write a file that another process holds open,
even read-only (see platform-notes). So a load copies the published file,
writes into the copy and atomically renames it over the published path. A
running dashboard keeps reading the old file until it notices the new one; a
load killed half-way leaves only a stray copy, which the next load removes.
One load at a time, by an exclusive lock on a lock file beside the database.

The copy is a reflink where the file system can share the blocks (XFS, Btrfs:
the copy then costs no time and no space until the load writes), else a full
copy. A load whose files were all loaded before (load_paths checks the
published file first) makes no copy at all. DuckDB gets LOAD_MEMORY_LIMIT and
spills what does not fit to a folder beside the copy, removed with it.

The published file keeps what its owner set up: a database path that is a
symbolic link stays a link (the file it points to is replaced), and the new
file keeps the old one's permissions and owner. A read-only database file is
never replaced. Whatever the environment refuses (a full disk, a read-only
folder, a lock held too long) stops the load as LoadAborted, with the
published file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.errors import LoadAborted, environment_cause, os_cause
from etl.loader import apply_schema
from etl.safe_text import visible

LOCK_WAIT_SECONDS = 600  # how long a load waits for another load before giving up
# What DuckDB may hold in memory while loading; the rest of a province's million-row file
# spills to disk. With Python's share this keeps a load under 1.5 GB.
LOAD_MEMORY_LIMIT = "1GB"
FICLONE = 0x40049409  # linux/fs.h: share the source file's blocks (reflink)
LOCK_POLL_SECONDS = 0.2
WAITING = "另一个导入正在进行，等待中…（最多等待 {seconds} 秒）"
GAVE_UP = "另一个导入进行了 {seconds} 秒仍未结束，本次导入已放弃，请稍后重试"
READ_ONLY_DATABASE = ("数据库文件「{path}」是只读的（权限 {mode}），本次导入不会改动它。"
                      "如需导入，请先把它改为可写（如 chmod u+w）后重试")


def work_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".loading")


def published_file(db_path: Path) -> Path:
    """The file a load replaces: the target of a symbolic link, so the link stays a link."""
    db_path = Path(db_path)
    if not os.path.islink(db_path):
        return db_path
    try:
        os.stat(db_path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadAborted(f"数据库路径「{visible(db_path)}」是循环的符号链接（{os_cause(exc)}）") from exc
    return Path(os.path.realpath(db_path))


@contextmanager
def exclusive_lock(
    db_path: Path, wait_seconds: float = LOCK_WAIT_SECONDS, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Serialise loads: a second load says it is waiting, and gives up after `wait_seconds`."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        # Read-only is enough for flock: a lock file another user made still serves.
        lock = os.fdopen(os.open(lock_path, os.O_RDONLY | os.O_CREAT, 0o666))
    except OSError as exc:
        raise LoadAborted(f"无法在「{visible(lock_path.parent)}」中建立导入锁文件：{os_cause(exc)}") from exc
    with lock:
        if not _try_lock(lock):
            if on_wait:
                on_wait(WAITING.format(seconds=_seconds(wait_seconds)))
            deadline = time.monotonic() + wait_seconds
            while not _try_lock(lock):
                if time.monotonic() >= deadline:
                    raise LoadAborted(GAVE_UP.format(seconds=_seconds(wait_seconds)))
                time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _try_lock(lock) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _seconds(value: float) -> str:
    return f"{value:g}"


class Publication:
    """A writable copy of the database; `changed` decides whether it is published."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.changed = False


@contextmanager
def publishing(
    db_path: Path,
    fresh: bool = False,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Publication]:
    """Yield a copy of `db_path` to load into; publish it atomically if it changed.

    `fresh` starts from an empty database instead (the demo), still published atomically.
    """
    target = published_file(db_path)
    _refuse_read_only(target)
    with _environment("准备数据库文件夹", target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(target, wait_seconds, on_wait):
        work = work_path(target)
        try:
            with _environment("复制数据库", target):
                _remove(work)
                if target.exists() and not fresh:
                    copy_database(target, work)
                con = duckdb.connect(str(work), config={"memory_limit": LOAD_MEMORY_LIMIT})
                con.execute("SET enable_progress_bar = false")  # the load shows its own, per file
        except LoadAborted:
            with contextlib.suppress(OSError):  # a partial copy would keep the disk full
                _remove(work)
            raise
        publication = Publication(con)
        try:
            with _environment("写入数据库", target):
                apply_schema(con)
            publication.changed = fresh or not target.exists()
            with _environment("导入", target):
                yield publication
            with _environment("写入数据库", target):
                con.execute("CHECKPOINT")
                con.close()
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.close()
            with contextlib.suppress(OSError):
                _remove(work)
            raise
        if publication.changed:
            try:
                with _environment("发布数据库", target):
                    _keep_mode(target, work)
                    _fsync(work)
                    os.replace(work, target)
            except LoadAborted:
                with contextlib.suppress(OSError):
                    _remove(work)
                raise
            with contextlib.suppress(OSError):  # published already: the folder's fsync is best effort
                _fsync(target.parent)
        else:
            _remove(work)


@contextmanager
def _environment(step: str, where: Path) -> Iterator[None]:
    """An environment failure in `step` (disk full, read-only, no permission) as LoadAborted."""
    try:
        yield
    except (OSError, duckdb.Error) as exc:
        cause = environment_cause(exc)
        if cause is None:
            raise
        raise LoadAborted(f"{step}（{visible(where)}）时{cause}") from exc


def _refuse_read_only(target: Path) -> None:
    """A database file without any write permission was made read-only on purpose: keep it."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LoadAborted(f"无法读取数据库文件「{visible(target)}」：{os_cause(exc)}") from exc
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise LoadAborted(READ_ONLY_DATABASE.format(path=visible(target), mode=stat.filemode(mode)[1:]))


def _keep_mode(target: Path, work: Path) -> None:
    """The new file gets the published file's permissions, and its owner where allowed."""
    try:
        old = os.stat(target)
    except FileNotFoundError:
        return
    os.chmod(work, stat.S_IMODE(old.st_mode))
    with contextlib.suppress(PermissionError):
        os.chown(work, old.st_uid, old.st_gid)


def copy_database(source: Path, copy: Path) -> None:
    """`copy` with `source`'s content: a reflink where the file system shares blocks, else a copy."""
    with open(source, "rb") as src, open(copy, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
            return
        except OSError:
            pass  # ext4, tmpfs, another file system: copy the bytes
    shutil.copyfile(source, copy)


def _remove(work: Path) -> None:
    """The copy, its write-ahead log, and the folder DuckDB spilled to."""
    for path in (work, work.with_name(work.name + ".wal")):
        path.unlink(missing_ok=True)
    spill = work.with_name(work.name + ".tmp")
    if spill.is_dir():
        shutil.rmtree(spill, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
