"""Where the database is, and how readers open it.

Readers open the published file read-only; loads never write it in place
(etl/publish.py), so a reader notices a new version by the file's identity.
"""

from __future__ import annotations

import os
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
