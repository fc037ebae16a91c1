"""The pages' only door to the data: one cached reader, cached query results.

Results are cached per (query, parameters, database version), so a new
published database is picked up on the next rerun without restarting. Every
call passes the scope guard first (ui/access.py): the parameters a query runs
with, and so its cache key, carry the signed-in account's effective scope.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from queries.db import ReadOnlyDatabase, db_path


@st.cache_resource(max_entries=4)
def _database(path: str) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(path)


def database() -> ReadOnlyDatabase:
    return _database(str(db_path()))


def fetch(query: Callable, *args):
    """Run a query-layer function on a fresh cursor, cached by its arguments after the scope guard."""
    from ui import access

    return unguarded(query, *access.guard(query, args))


def unguarded(query: Callable, *args):
    """The same without the guard: only for the guard itself (the account's own townships)."""
    db = database()
    version = db.version
    if _SEEN.setdefault(str(db.path), version) != version:  # a load published a new file
        _SEEN[str(db.path)] = version
        _cached.clear()  # the old file's results are never asked for again: free them now
    return _cached(query, f"{query.__module__}.{query.__qualname__}", db.path, version, args)


# The file version each database's cached results were made from (one process, all sessions).
_SEEN: dict[str, tuple | None] = {}


# Bounded: every result is small (aggregates, and one page of a list, queries/paging.py), at
# most this many are kept, none longer than the ttl, and all go when a new file is published.
@st.cache_data(ttl=1800, max_entries=512, show_spinner=False)
def _cached(_query: Callable, name: str, path, version, args: tuple):
    with _database(str(path)).reading() as cursor:
        return _query(cursor, *args)
