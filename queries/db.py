"""Where the database is, and how readers open it.

Readers open the published file read-only; loads never write it in place
(etl/publish.py), so a reader notices a new version by the file's identity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "dashboard.duckdb"
PUBLISHED = "published"  # the catalog name a reader's cursors query


def db_path(override: str | os.PathLike | None = None) -> Path:
    """--db, else DASHBOARD_DB, else data/dashboard.duckdb under the project."""
    chosen = override or os.environ.get("DASHBOARD_DB")
    return Path(chosen) if chosen else DEFAULT_DB


def db_version(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever a load publishes a new file (a new inode by atomic rename)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


class _Version:
    """One published file, open in its own DuckDB instance, and how many cursors still read it.

    `duckdb.connect(path)` hands back the instance DuckDB already holds open for
    that path, which after an atomic rename is the *old* file. So each version
    gets a fresh in-memory instance with the file attached read-only: two
    versions of one path can then be open side by side.
    """

    def __init__(self, path: Path, stamp: tuple):
        self.stamp = stamp
        self.readers = 0
        self.retired = False
        self.con = duckdb.connect(":memory:")
        try:
            self.con.execute(f"ATTACH $path AS {PUBLISHED} (READ_ONLY)", {"path": str(path)})
        except BaseException:
            self.con.close()
            raise

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self.con.cursor()
        cursor.execute(f"USE {PUBLISHED}")  # a cursor starts in the in-memory catalog
        return cursor

    def close(self) -> None:
        self.con.close()


class ReadOnlyDatabase:
    """The published database, reopened whenever a load publishes a new version.

    A query runs on its own cursor inside `reading()` (connections are not shared
    across Streamlit's session threads). A new version is opened beside the old
    one; the old one is closed when its last cursor is done, so a publish never
    pulls the connection from under another session's running query.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: _Version | None = None
        self._open: set[_Version] = set()

    @property
    def version(self) -> tuple | None:
        return db_version(self.path)

    @property
    def open_versions(self) -> int:
        """How many published versions are still open (the newest, and older ones still being read)."""
        with self._lock:
            return len(self._open)

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the newest published version; raises FileNotFoundError if none.

        The file is identified before it is opened, so what a cursor reads is never
        older than `version` said: a result cached under a version is of that
        version or a newer one.
        """
        version, cursor = self._acquire()
        try:
            yield cursor
        finally:
            self._release(version, cursor)

    def _acquire(self) -> tuple[_Version, duckdb.DuckDBPyConnection]:
        with self._lock:  # stat under the lock too: a slow thread must not reopen an older stamp
            stamp = self.version
            current = self._current
            if current is None or current.stamp != stamp:
                if stamp is None:
                    raise FileNotFoundError(self.path)
                current = _Version(self.path, stamp)
                self._retire(self._current)
                self._current = current
                self._open.add(current)
            cursor = current.cursor()
            current.readers += 1
            return current, cursor

    def _release(self, version: _Version, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            cursor.close()
            version.readers -= 1
            if version.retired and version.readers == 0:
                self._close(version)

    def _retire(self, version: _Version | None) -> None:
        """Called with the lock held: an old version closes now, or when its last reader is done."""
        if version is None:
            return
        version.retired = True
        if version.readers == 0:
            self._close(version)

    def _close(self, version: _Version) -> None:
        self._open.discard(version)
        version.close()
