"""Copy, load, publish: how a load writes without ever blocking the dashboard.

DuckDB will not let a process write a file that another process holds open,
even read-only (see platform-notes). So a load copies the published file,
writes into the copy and atomically renames it over the published path. A
running dashboard keeps reading the old file until it notices the new one; a
load killed half-way leaves only a stray copy, which the next load removes.
One load at a time, by an exclusive lock on a lock file beside the database.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.loader import apply_schema


def work_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".loading")


@contextmanager
def exclusive_lock(db_path: Path) -> Iterator[None]:
    """Serialise loads: a second load waits here until the first has published."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Publication:
    """A writable copy of the database; `changed` decides whether it is published."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.changed = False


@contextmanager
def publishing(db_path: Path, fresh: bool = False) -> Iterator[Publication]:
    """Yield a copy of `db_path` to load into; publish it atomically if it changed.

    `fresh` starts from an empty database instead (the demo), still published atomically.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(db_path):
        work = work_path(db_path)
        _remove(work)
        if db_path.exists() and not fresh:
            shutil.copyfile(db_path, work)
        con = duckdb.connect(str(work))
        publication = Publication(con)
        try:
            apply_schema(con)
            publication.changed = fresh or not db_path.exists()
            yield publication
            con.execute("CHECKPOINT")
            con.close()
        except BaseException:
            con.close()
            _remove(work)
            raise
        if publication.changed:
            _fsync(work)
            os.replace(work, db_path)
            _fsync(db_path.parent)
        else:
            _remove(work)


def _remove(work: Path) -> None:
    for path in (work, work.with_name(work.name + ".wal")):
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
