"""Where the database is, and how readers open it.

Readers open the published file read-only; loads never write it in place
(etl/publish.py), so a reader notices a new version by the file's identity.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "dashboard.duckdb"


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


class ReadOnlyDatabase:
    """The published database, reopened whenever a load publishes a new version.

    DuckDB caches open databases per process by path, so the old connection is
    closed before the new one is opened; otherwise `connect` would hand back the
    old file. Each query runs on its own cursor: connections are not shared
    across Streamlit's session threads.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: tuple | None = None

    @property
    def version(self) -> tuple | None:
        return db_version(self.path)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the newest published version; raises FileNotFoundError if none."""
        version = self.version
        with self._lock:
            if version != self._version or self._con is None:
                if self._con is not None:
                    self._con.close()
                    self._con = None
                if version is None:
                    raise FileNotFoundError(self.path)
                self._con = connect_readonly(self.path)
                self._version = version
            return self._con.cursor()
