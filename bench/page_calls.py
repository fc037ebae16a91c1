"""Which query-layer calls each page view makes: the pages run in Streamlit's AppTest
against a database, signed in as a 系统管理员, and every call through ui/database is
recorded (after the scope guard, so with the arguments the page really runs it with).

The query benchmark (bench/query_bench.py) replays these calls on a bare connection,
so what it times is exactly what the pages ask for, never a list kept by hand.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from queries.db import PROJECT_ROOT

# Every page of pages/ in the order of the navigation (accounts reads no data file).
PAGES = ["overview", "briefing", "summary", "inspections", "suggestions", "campaign", "stations", "deputies",
         "comparison", "data", "accounts"]


@dataclass
class Call:
    query: Callable
    args: tuple
    seconds: float  # as the page ran it (through the cache, which is cleared before each view)

    @property
    def name(self) -> str:
        return f"{self.query.__module__.split('.')[-1]}.{self.query.__qualname__}"

    def key(self) -> tuple:
        return (self.query, repr(self.args))


@dataclass
class PageView:
    page: str
    scope: str  # "one" or "all"
    calls: list[Call] = field(default_factory=list)
    seconds: float = 0.0  # the whole AppTest run (queries, charts, serialising)
    table_rows: list[int] = field(default_factory=list)  # rows each table on the page received
    exception: str | None = None

    def distinct_calls(self) -> list[Call]:
        """The calls a page view pays for: the same query with the same arguments is a cache hit."""
        seen, kept = set(), []
        for call in self.calls:
            if call.key() not in seen:
                seen.add(call.key())
                kept.append(call)
        return kept


def _environment(db: Path) -> Path:
    """DASHBOARD_DB at `db`, a private accounts store (the benchmark's own 系统管理员)."""
    folder = Path(tempfile.mkdtemp(prefix="query-bench-"))
    os.environ["DASHBOARD_DB"] = str(db)
    os.environ["DASHBOARD_ACCOUNTS_DB"] = str(folder / "accounts.duckdb")
    os.environ["DASHBOARD_SESSION_KEY"] = "query-bench-session-key-0123456789abcdef"
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest outside a server warns on every run
    return folder


def record(db: Path, township: str, pages: list[str] = PAGES, timeout: int = 600) -> list[PageView]:
    """Run every page for one township and for all townships (the default filters otherwise)."""
    _environment(db)
    import streamlit as st

    from tests.apptest import new_app
    from ui import database

    views: list[PageView] = []
    original = database.unguarded

    def recording(query, *args):
        started = time.perf_counter()
        result = original(query, *args)
        views[-1].calls.append(Call(query, args, time.perf_counter() - started))
        return result

    database.unguarded = recording
    try:
        for page in pages:
            for scope, query in (("one", {"township": township}), ("all", {})):
                st.cache_data.clear()
                views.append(PageView(page, scope))
                started = time.perf_counter()
                at = new_app(PROJECT_ROOT / "pages" / f"{page}.py", query, timeout=timeout).run()
                views[-1].seconds = time.perf_counter() - started
                views[-1].table_rows = [len(frame.value) for frame in at.dataframe]
                if at.exception:
                    views[-1].exception = at.exception[0].message
    finally:
        database.unguarded = original
    return views
