"""Hand-written DuckDB queries, one per query-layer call a page makes, each returning the same
figures (bench/query_bench.py compares them with the call's result and times both).

Written as an analyst would for the one figure, straight on the tables: FILTER aggregates
for several periods in one scan, LIMIT for a list's first page, the link tables' own date
columns. They share nothing with queries/ but the vocabulary (the kinds, the statuses) and
the as-of rules that define a figure (coverage windows, the day open suggestions count at).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from etl.registers import ACTIVITY_KINDS, ENTERPRISE_TARGET
from queries.metrics import (
    INSPECTION_KINDS,
    MOTION_SOURCE,
    RECEPTION_KIND,
    REPORTING_KIND,
    RESOLVED,
    SATISFIED,
    SUPERVISION_KINDS,
    CoverageWindow,
    Period,
)
from queries.paging import Page

PAGE = 50


@dataclass(frozen=True)
class Baseline:
    run: Callable  # (con, *the call's arguments) -> result
    same: Callable  # (the call's result, the baseline's) -> bool


BASELINES: dict[str, Baseline] = {}


def baseline(name: str, same: Callable | None = None):
    def register(run: Callable) -> Callable:
        BASELINES[name] = Baseline(run, same or _equal)
        return run
    return register


def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b)))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b


def _equal(product, expected) -> bool:
    """Same figures: dicts by their shared keys, frames and lists by length and values."""
    if isinstance(expected, dict):
        return all(_close(_value(product, key), value) for key, value in expected.items())
    if isinstance(expected, list | tuple):
        items = list(product) if not isinstance(product, pd.DataFrame) else product.to_dict("records")
        return len(items) == len(expected) and all(_equal(p, e) for p, e in zip(items, expected, strict=True))
    return _close(product, expected)


def _value(holder, key):
    return holder.get(key) if isinstance(holder, dict) else getattr(holder, key, None)


def _towns(scope) -> list[str]:
    return list(scope.township_codes)


def _rows(con, sql: str, params: dict) -> list[tuple]:
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    return con.execute(sql, used).fetchall()


def _one(con, sql: str, params: dict):
    return _rows(con, sql, params)[0]


def _listing(total: int, keys: list) -> dict:
    return {"total": total, "keys": keys}


def _same_listing(column: str):
    """A page of a list: the same length, and the same rows on the first page (by `column`)."""
    def same(product, expected) -> bool:
        shown = list(product.rows[column]) if len(product.rows) else []
        return product.total == expected["total"] and [str(v) for v in shown] == [str(v) for v in expected["keys"]]
    return same


def _cell(value) -> str:
    """A shown value as text; NULL (None, NaN, pandas' NA) apart from the empty text."""
    return "<NULL>" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else str(value)


def _same_shown(columns: list[str]):
    """A page of a list as its table shows it: the same length, and the same first page, every
    one of `columns` (the baseline's rows: lists in that order)."""
    def same(product, expected) -> bool:
        rows = product.rows[list(columns)].values.tolist() if len(product.rows) else []
        return product.total == expected["total"] and [[_cell(v) for v in r] for r in rows] == [
            [_cell(v) for v in r] for r in expected["rows"]]
    return same


def _same_grid(columns: list[str]):
    """A grid as the page reads it: the same rows in the same order, every one of `columns` (a
    month by its day; the baseline's rows are lists in that order)."""
    def shown(row) -> list[str]:
        return [str(v)[:10] if name == "month" else _cell(v) for name, v in zip(columns, row, strict=True)]

    def same(product, expected) -> bool:
        return [shown(row) for row in product[columns].values.tolist()] == [shown(row) for row in expected]
    return same


# --- the as-of rules (definitions, not SQL shape) --------------------------------

def _data_as_of(con, scope, today) -> dt.date:
    latest = _one(con, "SELECT max(loaded_at) FROM load_log WHERE status = 'loaded' AND len(township_codes) > 0 "
                       "AND list_has_any($t, township_codes)", {"t": _towns(scope)})[0]
    if latest is None:
        latest = _one(con, "SELECT max(loaded_at) FROM load_log WHERE status = 'loaded'", {})[0]
    today = today or dt.date.today()
    return min(latest.date(), today) if latest else today


def _campaigns(con, scope) -> list[tuple]:
    return _rows(con, """
        SELECT campaign, min(date), max(date) FROM visits
        WHERE campaign IS NOT NULL AND township_code IN (
            SELECT township_code FROM townships WHERE county IN (
                SELECT county FROM townships WHERE township_code IN (SELECT unnest($t))))
        GROUP BY campaign ORDER BY 2, 1""", {"t": _towns(scope)})


def _window(campaigns, period: Period, as_of: dt.date) -> CoverageWindow:
    found = [(n, f, last) for n, f, last in campaigns if f <= min(period.end, as_of) and last >= period.start]
    if not found:
        return CoverageWindow(dt.date(as_of.year, 1, 1), as_of)
    name, first, last = found[-1]
    return CoverageWindow(first, min(last, as_of), name, last < as_of)


def _coverage(con, scope, window) -> dict:
    visited, visiting, households, deputies = _one(con, """
        SELECT
          (SELECT count(DISTINCT household_key) FROM visits WHERE date BETWEEN $s AND $e
             AND ($c::VARCHAR IS NULL OR campaign = $c::VARCHAR) AND household_township IN (SELECT unnest($t))),
          (SELECT count(DISTINCT deputy_id) FROM visit_deputies WHERE date BETWEEN $s AND $e
             AND ($c::VARCHAR IS NULL OR campaign = $c::VARCHAR) AND deputy_township IN (SELECT unnest($t))),
          (SELECT count(*) FROM households WHERE township_code IN (SELECT unnest($t))),
          (SELECT count(*) FROM deputies WHERE township_code IN (SELECT unnest($t)))
    """, {"s": window.start, "e": window.end, "c": window.campaign, "t": _towns(scope)})
    return {"campaign_households_visited": visited, "campaign_deputies_visiting": visiting,
            "campaign_household_coverage": visited / households if households else None,
            "campaign_deputy_participation": visiting / deputies if deputies else None}


# --- the tiles of 总览, 建议办理 and the briefing -----------------------------------------

def _headline(con, scope, periods, settings, today) -> list[dict]:
    day = _data_as_of(con, scope, today)
    as_ofs = [min(p.end, day) for p in periods]
    t = _towns(scope)
    p = {"t": t, "first": min(x.start for x in periods), "last": max(x.end for x in periods), "limit":
         settings.time_limit_days, "window": settings.due_soon_days, "insp": INSPECTION_KINDS, "sup": SUPERVISION_KINDS,
         "rec": RECEPTION_KIND, "rep": REPORTING_KIND, "done": RESOLVED, "ok": SATISFIED, "motion": MOTION_SOURCE}
    for i, (period, as_of) in enumerate(zip(periods, as_ofs, strict=True)):
        p |= {f"s{i}": period.start, f"e{i}": period.end, f"a{i}": as_of}
    newest = _one(con, "SELECT max(greatest(received_on, coalesce(referred_on, received_on), coalesce(resolved_on, "
                       "received_on))) FROM suggestions WHERE township_code IN (SELECT unnest($t))", p)[0]
    standing = min(day, newest) if newest else day
    for i, period in enumerate(periods[1:], start=1):
        p[f"by{i}"] = period.start + (standing - periods[0].start)
    n = range(len(periods))
    acts = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND list_contains($insp, kind)), "
        f"count(*) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND list_contains($sup, kind)), "
        f"count(*) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND kind = $rec), "
        f"coalesce(sum(voters_received) FILTER (WHERE date BETWEEN $s{i} AND $e{i}), 0)" for i in n)
        + " FROM activities WHERE date BETWEEN $first AND $last AND township_code IN (SELECT unnest($t))", p)
    sugg = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE received_on BETWEEN $s{i} AND $e{i}), "
        f"count(*) FILTER (WHERE resolved_on BETWEEN $s{i} AND $e{i}), "
        f"count(*) FILTER (WHERE received_on BETWEEN $s{i} AND $e{i} AND status = $done"
        + (f" AND resolved_on <= $by{i}" if i else "") + "), "
        f"count(*) FILTER (WHERE status <> $done AND received_on <= $a{i} AND $a{i} - received_on > $limit), "
        f"count(*) FILTER (WHERE status <> $done AND received_on + $limit > $a{i} "
        f"AND received_on + $limit <= $a{i} + $window), "
        f"count(*) FILTER (WHERE resolved_on BETWEEN $s{i} AND $e{i} AND satisfaction IS NOT NULL), "
        f"count(*) FILTER (WHERE resolved_on BETWEEN $s{i} AND $e{i} AND list_contains($ok, satisfaction)), "
        f"median(resolved_on - received_on) FILTER (WHERE resolved_on BETWEEN $s{i} AND $e{i})" for i in n)
        + " FROM suggestions WHERE township_code IN (SELECT unnest($t))", p)
    own = _one(con, """SELECT count(DISTINCT enterprise), coalesce(sum(problems_solved), 0) FROM visits
                       WHERE date BETWEEN $s0 AND $e0 AND township_code IN (SELECT unnest($t))""", p)
    reporting = _one(con, "SELECT " + ", ".join(
        f"count(DISTINCT deputy_id) FILTER (WHERE date BETWEEN $s{i} AND $e{i})" for i in n)
        + " FROM activity_deputies WHERE kind = $rep AND date BETWEEN $first AND $last "
          "AND township_code IN (SELECT unnest($t))", p)
    campaigns = _campaigns(con, scope)
    figures = []
    for i, (period, as_of) in enumerate(zip(periods, as_ofs, strict=True)):
        a, s = acts[4 * i:4 * i + 4], sugg[8 * i:8 * i + 8]
        row = {"inspections": a[0], "supervision": a[1], "reception_days": a[2], "voter_contacts": a[3],
               "suggestions_collected": s[0], "suggestions_resolved": s[1],
               "resolution_rate": s[2] / s[0] if s[0] else None, "overdue": s[3], "due_soon": s[4],
               "satisfaction_rate": s[6] / s[5] if s[5] else None, "median_days_to_resolve": s[7],
               "reporting_deputies": reporting[i]}
        if i == 0:
            row |= {"enterprises_visited": own[0], "problems_solved": own[1]}
        if i != 1:
            row |= _coverage(con, scope, _window(campaigns, period, as_of))
        figures.append(row)
    return figures


@baseline("metrics.compared_headline")
def compared_headline(con, scope, periods, settings, today=None):
    return _headline(con, scope, periods, settings, today)


@baseline("briefing.briefing_figures", same=lambda product, expected: all(
    _equal(getattr(product, part), figures)
    for part, figures in zip(("now", "previous", "last_year"), expected, strict=True)))
def briefing_figures(con, scope, period, today=None):
    from queries.metrics import Settings
    from queries.periods import previous_period, same_period_last_year

    return _headline(con, scope, [period, previous_period(period), same_period_last_year(period)], Settings(), today)


# --- page furniture: the sidebar, the header, the stamp -------------------------------

@baseline("scope.account_townships")
def account_townships(con, everything, county, township):
    return [c for (c,) in _rows(con, "SELECT township_code FROM townships "
                                     "WHERE $a OR county = $c OR township_code = $w ORDER BY 1",
                                {"a": everything, "c": county, "w": township})]


@baseline("data.township_roster")
def township_roster(con, scope):
    return [list(r) for r in _rows(con, "SELECT township_code, township_name, county, term_start FROM townships "
                                        "WHERE township_code IN (SELECT unnest($t)) ORDER BY county, township_code",
                                   {"t": _towns(scope)})]


@baseline("data.station_roster")
def station_roster(con, scope):
    return [list(r) for r in _rows(con, "SELECT station_id, station_name FROM stations WHERE township_code IN "
                                        "(SELECT unnest($t)) ORDER BY 1", {"t": _towns(scope)})]


@baseline("data.latest_record_date")
def latest_record_date(con, scope):
    return _one(con, """SELECT greatest(
        (SELECT max(date) FROM activities WHERE township_code IN (SELECT unnest($t))),
        (SELECT max(received_on) FROM suggestions WHERE township_code IN (SELECT unnest($t))),
        (SELECT max(date) FROM visits WHERE township_code IN (SELECT unnest($t))))""", {"t": _towns(scope)})[0]


@baseline("metrics.as_of_date")
def as_of_date(con, period, today=None, scope=None):
    return min(period.end, _data_as_of(con, scope, today))


@baseline("frames.data_freshness", same=lambda product, expected: product["records"] == expected["records"]
          and product["latest_load"] == expected["latest_load"])
def data_freshness(con, scope):
    t = {"t": _towns(scope)}
    latest = _one(con, "SELECT max(loaded_at) FROM load_log WHERE status = 'loaded' AND len(township_codes) > 0 "
                       "AND list_has_any($t, township_codes)", t)[0]
    a, s, v = _one(con, """SELECT (SELECT max(date) FROM activities WHERE township_code IN (SELECT unnest($t))),
                                  (SELECT max(received_on) FROM suggestions WHERE township_code IN (SELECT unnest($t))),
                                  (SELECT max(date) FROM visits WHERE township_code IN (SELECT unnest($t)))""", t)
    return {"latest_load": latest, "records": {"活动记录": a, "建议意见登记": s, "走访记录": v}}


def _months(period: Period) -> list[dt.date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _frame_equal(columns: list[str]):
    def same(product, expected) -> bool:
        return len(product) == len(expected) and all(
            _close(got, want) for row, wanted in zip(product.to_dict("records"), expected, strict=True)
            for got, want in ((row[c], wanted[c]) for c in columns))
    return same


@baseline("frames.monthly_trend", same=_frame_equal(["activities", "suggestions_collected", "suggestions_resolved"]))
def monthly_trend(con, scope, period):
    p = {"t": _towns(scope), "s": period.start, "e": period.end}
    acts = dict(_rows(con, "SELECT date_trunc('month', date)::DATE, count(*) FROM activities WHERE date BETWEEN $s "
                           "AND $e AND township_code IN (SELECT unnest($t)) GROUP BY 1", p))
    got = _rows(con, """SELECT date_trunc('month', d)::DATE, count(*) FILTER (WHERE kind = 'c'),
                              count(*) FILTER (WHERE kind = 'r') FROM (
                          SELECT received_on AS d, 'c' AS kind FROM suggestions WHERE received_on BETWEEN $s AND $e
                            AND township_code IN (SELECT unnest($t))
                          UNION ALL SELECT resolved_on, 'r' FROM suggestions WHERE resolved_on BETWEEN $s AND $e
                            AND township_code IN (SELECT unnest($t))) GROUP BY 1""", p)
    sugg = {m: (c, r) for m, c, r in got}
    return [{"activities": acts.get(m, 0), "suggestions_collected": sugg.get(m, (0, 0))[0],
             "suggestions_resolved": sugg.get(m, (0, 0))[1]} for m in _months(period)]


# --- 监督视察 ---------------------------------------------------------------------

@baseline("inspections.headline_over")
def inspections_headline(con, scope, periods):
    p = {"t": _towns(scope), "i": INSPECTION_KINDS, "v": SUPERVISION_KINDS}
    for n, period in enumerate(periods):
        p |= {f"s{n}": period.start, f"e{n}": period.end}
    row = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE date BETWEEN $s{n} AND $e{n} AND list_contains($i, kind)), "
        f"count(*) FILTER (WHERE date BETWEEN $s{n} AND $e{n} AND list_contains($v, kind)), "
        f"count(DISTINCT evaluated_unit) FILTER (WHERE date BETWEEN $s{n} AND $e{n} AND kind = '评议')"
        for n in range(len(periods))) + " FROM activities WHERE township_code IN (SELECT unnest($t))", p)
    return [{"inspections": row[3 * n], "supervision": row[3 * n + 1], "evaluated_units": row[3 * n + 2]}
            for n in range(len(periods))]


@baseline("inspections.supervision_by_month", same=_frame_equal(["activities"]))
def supervision_by_month(con, scope, period):
    counts = {(m, k): n for m, k, n in _rows(con, """
        SELECT date_trunc('month', date)::DATE, kind, count(*) FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND list_contains($v, kind)
        GROUP BY ALL""", {"t": _towns(scope), "s": period.start, "e": period.end, "v": SUPERVISION_KINDS})}
    return [{"activities": counts.get((m, k), 0)} for k in SUPERVISION_KINDS for m in _months(period)]


@baseline("inspections.inspections_by_theme", same=_frame_equal(["theme", "inspections"]))
def inspections_by_theme(con, scope, period):
    return [{"theme": t, "inspections": n} for t, n in _rows(con, """
        SELECT coalesce(theme, '未填写') AS theme, count(*) AS n FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND list_contains($i, kind)
        GROUP BY 1 ORDER BY n DESC, theme""", {"t": _towns(scope), "s": period.start, "e": period.end,
                                               "i": INSPECTION_KINDS})]


def _shown_page(con, rows: str, order: str, shown: str, params: dict) -> dict:
    """A list's length and its first page as a table shows it: `rows` (the list, unordered) cut by
    `order` (over `p`, the list) before `shown` (a SELECT over the page `p`, in the table's columns)
    names its rows."""
    total = _one(con, f"SELECT count(*) FROM ({rows})", params)[0]
    page = _rows(con, f"WITH p AS (SELECT * FROM ({rows}) p ORDER BY {order} LIMIT {PAGE}) {shown} ORDER BY {order}",
                 params)
    return {"total": total, "rows": [list(r) for r in page]}


def _page_of(con, sql: str, params: dict, key: str) -> dict:
    """A list's length and its first page's keys: `sql` selects `key` AS k, ordered, unlimited."""
    total = _one(con, f"SELECT count(*) FROM ({sql})", params)[0]
    return _listing(total, [k for (k,) in _rows(con, f"SELECT k FROM ({sql}) LIMIT {PAGE}", params)])


SUPERVISION_COLUMNS = ["date", "township", "station", "kind", "theme", "title", "evaluated_unit", "attendees",
                       "source_file", "source_row"]


@baseline("inspections.supervision_activities", same=_same_shown(SUPERVISION_COLUMNS))
def supervision_activities(con, scope, period, cells, page=None):
    _first_page(page)
    params = {"t": _towns(scope), "s": period.start, "e": period.end, "v": SUPERVISION_KINDS, "c": list(cells)}
    rows = """SELECT * FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND list_contains($v, kind)
          AND (len($c::VARCHAR[]) = 0 OR list_contains($c::VARCHAR[], strftime(date, '%Y-%m') || '|' || kind))"""
    return _shown_page(con, rows, "p.date, p.source_file, p.source_row", """
        SELECT strftime(p.date, '%Y-%m-%d'), coalesce(t.township_name, p.township_code),
               coalesce(s.station_name, p.station_id), p.kind, p.theme, p.title, p.evaluated_unit, p.attendees,
               p.source_file, p.source_row
        FROM p LEFT JOIN townships t ON t.township_code = p.township_code
        LEFT JOIN stations s ON s.station_id = p.station_id""", params)


EVALUATED_COLUMNS = ["evaluated_unit", "evaluations", "dates", "townships"]


@baseline("inspections.evaluated_units", same=_same_shown(EVALUATED_COLUMNS))
def evaluated_units(con, scope, period, page=None):
    _first_page(page)
    params = {"t": _towns(scope), "s": period.start, "e": period.end}
    units = """SELECT * FROM activities WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
               AND kind = '评议' AND evaluated_unit IS NOT NULL"""
    total = _one(con, f"SELECT count(DISTINCT evaluated_unit) FROM ({units})", params)[0]
    shown = _rows(con, f"""
        SELECT a.evaluated_unit, count(*) AS n, string_agg(strftime(a.date, '%Y-%m-%d'), '、' ORDER BY a.date),
               string_agg(DISTINCT coalesce(t.township_name, a.township_code), '、'
                          ORDER BY coalesce(t.township_name, a.township_code))
        FROM ({units}) a LEFT JOIN townships t ON t.township_code = a.township_code
        GROUP BY a.evaluated_unit ORDER BY n DESC, a.evaluated_unit LIMIT {PAGE}""", params)
    return {"total": total, "rows": [list(r) for r in shown]}


# --- 建议办理 --------------------------------------------------------------------

def _sp(scope, period, **extra) -> dict:
    return {"t": _towns(scope), "s": period.start, "e": period.end, **extra}


@baseline("suggestions.source_split", same=_frame_equal(["source", "suggestions"]))
def source_split(con, scope, period):
    return [{"source": s, "suggestions": n} for s, n in _rows(con, """
        SELECT source, count(*) AS n FROM suggestions WHERE received_on BETWEEN $s AND $e
          AND township_code IN (SELECT unnest($t)) GROUP BY source ORDER BY n DESC, source""", _sp(scope, period))]


@baseline("suggestions.monthly_flow", same=_frame_equal(["suggestions_collected", "suggestions_resolved",
                                                         "open_backlog"]))
def monthly_flow(con, scope, period):
    months = _months(period)
    ends = [min((m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), period.end)
            for m in months]
    starts = [max(m, period.start) for m in months]
    p = _sp(scope, period) | {f"s{i}": s for i, s in enumerate(starts)} | {f"e{i}": e for i, e in enumerate(ends)}
    row = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE received_on BETWEEN $s{i} AND $e{i}), "
        f"count(*) FILTER (WHERE resolved_on BETWEEN $s{i} AND $e{i}), "
        f"count(*) FILTER (WHERE received_on <= $e{i} AND (resolved_on IS NULL OR resolved_on > $e{i}))"
        for i in range(len(months))) + " FROM suggestions WHERE township_code IN (SELECT unnest($t))", p)
    return [{"suggestions_collected": row[3 * i], "suggestions_resolved": row[3 * i + 1],
             "open_backlog": row[3 * i + 2]} for i in range(len(months))]


@baseline("suggestions.days_to_resolve_distribution", same=_frame_equal(["suggestions"]))
def days_to_resolve(con, scope, period):
    row = _one(con, """SELECT count(*) FILTER (WHERE d <= 15), count(*) FILTER (WHERE d BETWEEN 16 AND 30),
                              count(*) FILTER (WHERE d BETWEEN 31 AND 60), count(*) FILTER (WHERE d BETWEEN 61 AND 90),
                              count(*) FILTER (WHERE d >= 91)
                       FROM (SELECT resolved_on - received_on AS d FROM suggestions
                             WHERE resolved_on BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)))""",
               _sp(scope, period))
    return [{"suggestions": n} for n in row]


# A handling unit is its township's (named with it when the page has several townships).
HANDLER = ("CASE WHEN $n > 1 THEN coalesce(handler, '未填写') || '（' || t.township_name || '）' "
           "ELSE coalesce(handler, '未填写') END")


def _rates(con, scope, period, label: str) -> list[dict]:
    return [{"label": g, "collected": c, "resolved_now": r} for g, c, r in _rows(con, f"""
        SELECT {label} AS label, count(*) AS c, count(*) FILTER (WHERE status = '已办结') AS r
        FROM suggestions s JOIN townships t USING (township_code)
        WHERE received_on BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
        GROUP BY 1 ORDER BY round(100.0 * r / c, 1), c DESC, label""", _sp(scope, period, n=len(_towns(scope))))]


@baseline("suggestions.resolution_by_category", same=_frame_equal(["label", "collected", "resolved_now"]))
def resolution_by_category(con, scope, period):
    return _rates(con, scope, period, "coalesce(category, '未填写')")


@baseline("suggestions.resolution_by_handler", same=_frame_equal(["label", "collected", "resolved_now"]))
def resolution_by_handler(con, scope, period):
    return _rates(con, scope, period, HANDLER)


@baseline("suggestions.outcome_split", same=_frame_equal(["outcome", "suggestions"]))
def outcome_split(con, scope, period):
    counts = dict(_rows(con, """SELECT outcome, count(*) FROM suggestions WHERE resolved_on BETWEEN $s AND $e
                                  AND outcome IS NOT NULL AND township_code IN (SELECT unnest($t)) GROUP BY 1""",
                        _sp(scope, period)))
    return [{"outcome": letter, "suggestions": counts.get(letter, 0)} for letter in "ABCD"]


@baseline("suggestions.satisfaction_split", same=_frame_equal(["satisfaction", "suggestions"]))
def satisfaction_split(con, scope, period):
    counts = dict(_rows(con, """SELECT satisfaction, count(*) FROM suggestions WHERE resolved_on BETWEEN $s AND $e
                                  AND satisfaction IS NOT NULL AND township_code IN (SELECT unnest($t)) GROUP BY 1""",
                        _sp(scope, period)))
    return [{"satisfaction": a, "suggestions": counts.get(a, 0)} for a in ("满意", "基本满意", "不满意")]


# A page of suggestions as its table shows it: the first page of `rows` (the register's columns,
# filtered, sorted by `order` over `p`), the deputies' names and the township's joined to those
# rows only, and the list's length counted apart.
SUGGESTION_PAGE = """
    WITH p AS (SELECT * FROM ({rows}) p ORDER BY {order} LIMIT {limit}),
    named AS (
        SELECT sd.suggestion_id, string_agg(coalesce(d.name, sd.deputy_id), '、' ORDER BY sd.deputy_id) AS names
        FROM suggestion_deputies sd LEFT JOIN deputies d USING (deputy_id)
        WHERE sd.suggestion_id IN (SELECT suggestion_id FROM p) GROUP BY sd.suggestion_id)
    SELECT p.suggestion_id, CAST(p.received_on AS VARCHAR) AS received_on,
           coalesce(t.township_name, p.township_code) AS township, coalesce(p.category, '未填写') AS category,
           p.summary, coalesce(p.handler, '未填写') AS handler, coalesce(n.names, '') AS deputy_names, p.status,
           {extra} p.source_file, p.source_row
    FROM p LEFT JOIN townships t ON t.township_code = p.township_code
    LEFT JOIN named n ON n.suggestion_id = p.suggestion_id
    ORDER BY {order}
"""
SHOWN_SUGGESTION = ["suggestion_id", "received_on", "township", "category", "summary", "handler", "deputy_names",
                    "status"]
OPEN_COLUMNS = [*SHOWN_SUGGESTION, "days_open", "due_on", "source_file", "source_row"]
COLLECTED_COLUMNS = [*SHOWN_SUGGESTION, "resolved_on", "outcome", "satisfaction", "source_file", "source_row"]


def _first_page(page) -> None:
    """These baselines build the first page in the list's own order: the pages ask for no other
    by default (another sort takes another path in the product, which they do not mirror)."""
    if page not in (None, Page()):
        raise ValueError("a baseline for the first page in the list's own order only")


def _suggestion_page(con, rows: str, order: str, extra: str, params: dict) -> dict:
    """The list's length and its first page as shown (the columns of SUGGESTION_PAGE, in order)."""
    total = _one(con, f"SELECT count(*) FROM ({rows})", params)[0]
    shown = _rows(con, SUGGESTION_PAGE.format(rows=rows, order=order, extra=extra, limit=PAGE), params)
    return {"total": total, "rows": [list(row) for row in shown]}


def _open_list(con, scope, period, settings, today, condition: str, order: str) -> dict:
    as_of = min(period.end, _data_as_of(con, scope, today))
    return _suggestion_page(
        con, f"""SELECT * FROM suggestions
        WHERE township_code IN (SELECT unnest($t)) AND status <> '已办结' AND {condition}""", order,
        "$a - p.received_on AS days_open, CAST(p.received_on + $limit AS VARCHAR) AS due_on,",
        _sp(scope, period, a=as_of, limit=settings.time_limit_days, w=settings.due_soon_days))


@baseline("suggestions.overdue_list", same=_same_shown(OPEN_COLUMNS))
def overdue_list(con, scope, period, settings, today=None, page=None):
    _first_page(page)
    return _open_list(con, scope, period, settings, today, "received_on <= $a AND $a - received_on > $limit",
                      "$a - p.received_on DESC, p.suggestion_id")


@baseline("suggestions.due_soon_list", same=_same_shown(OPEN_COLUMNS))
def due_soon_list(con, scope, period, settings, today=None, page=None):
    _first_page(page)
    return _open_list(con, scope, period, settings, today,
                      "received_on + $limit > $a AND received_on + $limit <= $a + $w",
                      "p.received_on + $limit, p.suggestion_id")


@baseline("suggestions.collected_rows", same=_same_shown(COLLECTED_COLUMNS))
def collected_rows(con, scope, period, categories=(), handlers=(), page=None):
    _first_page(page)
    return _suggestion_page(
        con, f"""SELECT s.* FROM suggestions s JOIN townships t USING (township_code)
        WHERE received_on BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
          AND (len($c::VARCHAR[]) = 0 OR list_contains($c::VARCHAR[], coalesce(category, '未填写')))
          AND (len($h::VARCHAR[]) = 0 OR list_contains($h::VARCHAR[], {HANDLER}))""", "p.received_on, p.suggestion_id",
        "coalesce(CAST(p.resolved_on AS VARCHAR), '') AS resolved_on, coalesce(p.outcome, '') AS outcome, "
        "coalesce(p.satisfaction, '') AS satisfaction,",
        _sp(scope, period, c=list(categories), h=list(handlers), n=len(_towns(scope))))


# --- 代表行动 --------------------------------------------------------------------

def _wp(scope, window, **extra) -> dict:
    return {"t": _towns(scope), "s": window.start, "e": window.end, "c": window.campaign, **extra}


IN_WINDOW = "date BETWEEN $s AND $e AND ($c::VARCHAR IS NULL OR campaign = $c::VARCHAR)"


@baseline("metrics.coverage_windows", same=lambda product, expected: [
    (w.start, w.end, w.campaign) for w in product] == expected)
def coverage_windows(con, scope, period, today=None):
    as_of = min(period.end, _data_as_of(con, scope, today))
    found = [(n, f, last) for n, f, last in _campaigns(con, scope) if f <= min(period.end, as_of) and last >= period.start]
    if not found:
        return [(dt.date(as_of.year, 1, 1), as_of, None)]
    return [(f, min(last, as_of), n) for n, f, last in found]


@baseline("metrics.window_coverage")
def window_coverage(con, scope, window):
    return _coverage(con, scope, window)


@baseline("campaign.tile_figures_over")
def campaign_tiles(con, scope, periods):
    p = {"t": _towns(scope), "motion": MOTION_SOURCE, "first": min(x.start for x in periods),
         "last": max(x.end for x in periods)}
    for i, period in enumerate(periods):
        p |= {f"s{i}": period.start, f"e{i}": period.end}
    n = range(len(periods))
    visits = _one(con, "SELECT " + ", ".join(
        f"coalesce(sum(problems_found) FILTER (WHERE date BETWEEN $s{i} AND $e{i}), 0), "
        f"coalesce(sum(problems_solved) FILTER (WHERE date BETWEEN $s{i} AND $e{i}), 0), "
        f"count(DISTINCT household_id) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND consoled), "
        f"count(DISTINCT enterprise) FILTER (WHERE date BETWEEN $s{i} AND $e{i}), "
        f"min(date) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND campaign IS NOT NULL), "
        f"max(date) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND campaign IS NOT NULL)" for i in n)
        + " FROM visits WHERE date BETWEEN $first AND $last AND township_code IN (SELECT unnest($t))", p)
    for i in n:
        p |= {f"f{i}": visits[6 * i + 4], f"l{i}": visits[6 * i + 5]}
    sugg = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE received_on BETWEEN $s{i} AND $e{i} AND campaign IS NOT NULL AND source <> $motion), "
        f"count(*) FILTER (WHERE received_on BETWEEN $s{i} AND $e{i} AND source = $motion AND (campaign IS NOT NULL "
        f"OR received_on BETWEEN $f{i} AND $l{i}))" for i in n)
        + " FROM suggestions WHERE township_code IN (SELECT unnest($t))", p)
    return [{"problems_found": visits[6 * i], "problems_solved": visits[6 * i + 1],
             "households_consoled": visits[6 * i + 2], "enterprises_visited": visits[6 * i + 3],
             "campaign_suggestions": sugg[2 * i], "campaign_motions": sugg[2 * i + 1]} for i in n]


@baseline("campaign.cumulative_coverage", same=lambda product, expected: list(product["households_visited"]) == expected)
def cumulative_coverage(con, scope, window):
    return [n for (n,) in _rows(con, f"""
        WITH firsts AS (SELECT min(date) AS day FROM visits WHERE {IN_WINDOW}
                        AND household_township IN (SELECT unnest($t)) GROUP BY household_key),
        per_day AS (SELECT day, count(*) AS n FROM firsts GROUP BY day)
        SELECT sum(coalesce(p.n, 0)) OVER (ORDER BY d.day)
        FROM (SELECT unnest(generate_series($s::DATE, $e::DATE, INTERVAL 1 DAY))::DATE AS day) d
        LEFT JOIN per_day p USING (day) ORDER BY d.day""", _wp(scope, window))]


def _shares(con, scope, window, unit: str, order: str) -> list[dict]:
    return [{"households_visited": v, "households_total": n} for v, n in _rows(con, f"""
        SELECT count(v.household_key), count(*) FROM households h JOIN townships t USING (township_code)
        LEFT JOIN (SELECT DISTINCT household_key FROM visits WHERE {IN_WINDOW}
                   AND household_township IN (SELECT unnest($t))) v USING (household_key)
        WHERE h.township_code IN (SELECT unnest($t)) GROUP BY {unit}
        ORDER BY round(100.0 * count(v.household_key) / count(*), 1), count(*) DESC, {order}""",
                                                                                    _wp(scope, window))]


@baseline("campaign.coverage_by_village", same=_frame_equal(["households_visited", "households_total"]))
def coverage_by_village(con, scope, window):
    return _shares(con, scope, window, "h.township_code, h.village", "h.township_code, h.village")


@baseline("campaign.coverage_by_township", same=_frame_equal(["households_visited", "households_total"]))
def coverage_by_township(con, scope, window):
    return _shares(con, scope, window, "h.township_code", "h.township_code")


@baseline("campaign.coverage_by_county", same=_frame_equal(["households_visited", "households_total"]))
def coverage_by_county(con, scope, window):
    return _shares(con, scope, window, "t.county", "t.county")


def _participation(con, scope, window, unit: str, order: str) -> list[dict]:
    return [{"deputies_visiting": v, "deputies_total": n} for v, n in _rows(con, f"""
        SELECT count(v.deputy_id), count(*) FROM deputies d JOIN townships t USING (township_code)
        LEFT JOIN (SELECT DISTINCT deputy_id FROM visit_deputies WHERE {IN_WINDOW}
                   AND deputy_township IN (SELECT unnest($t))) v USING (deputy_id)
        WHERE d.township_code IN (SELECT unnest($t)) GROUP BY {unit}
        ORDER BY round(100.0 * count(v.deputy_id) / count(*), 1), count(*) DESC, {order}""", _wp(scope, window))]


@baseline("campaign.participation_by_group", same=_frame_equal(["deputies_visiting", "deputies_total"]))
def participation_by_group(con, scope, window):
    return _participation(con, scope, window, "d.township_code, coalesce(d.group_name, '未填写')",
                          "d.township_code, coalesce(d.group_name, '未填写')")


@baseline("campaign.participation_by_team", same=_frame_equal(["deputies_visiting", "deputies_total"]))
def participation_by_team(con, scope, window):
    return _participation(con, scope, window, "d.township_code, coalesce(d.team_name, '未填写')",
                          "d.township_code, coalesce(d.team_name, '未填写')")


@baseline("campaign.participation_by_township", same=_frame_equal(["deputies_visiting", "deputies_total"]))
def participation_by_township(con, scope, window):
    return _participation(con, scope, window, "d.township_code, t.township_name", "d.township_code")


@baseline("campaign.participation_by_county", same=_frame_equal(["deputies_visiting", "deputies_total"]))
def participation_by_county(con, scope, window):
    return _participation(con, scope, window, "t.county", "t.county")


@baseline("campaign.households_not_visited",
          same=_same_shown(["household_id", "head_name", "township_name", "village", "source_file", "source_row"]))
def households_not_visited(con, scope, window, villages=(), page=None):
    _first_page(page)
    return _shown_page(con, f"""SELECT h.*, t.township_name FROM households h JOIN townships t USING (township_code)
        WHERE township_code IN (SELECT unnest($t))
          AND household_key NOT IN (SELECT household_key FROM visits WHERE {IN_WINDOW}
                                    AND household_township IN (SELECT unnest($t)) AND household_key IS NOT NULL)
          AND (len($v::VARCHAR[]) = 0 OR list_contains($v::VARCHAR[], CASE WHEN len($t) > 1
               THEN village || '（' || t.township_name || '）' ELSE village END))""",
                       "township_code, village, household_id",
                       "SELECT household_id, mask_name(head_name), township_name, village, source_file, source_row FROM p",
                       _wp(scope, window, v=list(villages)))


VISIT_COLUMNS = ["date", "township_name", "village", "target_kind", "household_id", "enterprise", "deputy_names",
                 "problems_found", "problems_solved", "consoled", "source_file", "source_row"]


@baseline("campaign.visit_rows", same=_same_shown(VISIT_COLUMNS))
def visit_rows(con, scope, period, villages=(), page=None):
    _first_page(page)
    rows = """SELECT v.*, coalesce(h.village, v.village, '未填写') AS village_name,
               coalesce(t.township_name, v.township_code) AS township_name
        FROM visits v LEFT JOIN households h USING (household_id)
        LEFT JOIN townships t ON t.township_code = v.township_code
        WHERE v.date BETWEEN $s AND $e AND v.township_code IN (SELECT unnest($t))
          AND (len($v::VARCHAR[]) = 0 OR list_contains($v::VARCHAR[], CASE WHEN len($t) > 1
               THEN coalesce(h.village, v.village, '未填写') || '（' || t.township_name || '）'
               ELSE coalesce(h.village, v.village, '未填写') END))"""
    params = _sp(scope, period, v=list(villages))
    counted = rows if villages else ("SELECT 1 FROM visits v WHERE v.date BETWEEN $s AND $e "
                                     "AND v.township_code IN (SELECT unnest($t))")  # no village picked: no join
    total = _one(con, f"SELECT count(*) FROM ({counted})", params)[0]
    shown = _rows(con, f"""
        WITH p AS ({rows} ORDER BY v.date, v.source_file, v.source_row LIMIT {PAGE}),
        named AS (SELECT l.visit_id, string_agg(coalesce(d.name, l.deputy_id), '、' ORDER BY l.deputy_id) AS names
                  FROM visit_deputies l LEFT JOIN deputies d USING (deputy_id)
                  WHERE l.date BETWEEN (SELECT min(date) FROM p) AND (SELECT max(date) FROM p)
                    AND l.township_code IN (SELECT township_code FROM p)
                    AND l.visit_id IN (SELECT visit_id FROM p) GROUP BY l.visit_id)
        SELECT CAST(p.date AS VARCHAR), p.township_name, p.village_name, p.target_kind, coalesce(p.household_id, ''),
               coalesce(p.enterprise, ''), coalesce(n.names, ''), coalesce(p.problems_found, 0),
               coalesce(p.problems_solved, 0), CASE WHEN p.consoled THEN '是' WHEN NOT p.consoled THEN '否' ELSE '' END,
               p.source_file, p.source_row
        FROM p LEFT JOIN named n ON n.visit_id = p.visit_id
        ORDER BY p.date, p.source_file, p.source_row""", params)
    return {"total": total, "rows": [list(r) for r in shown]}


@baseline("campaign.deputies_not_visiting", same=_same_shown(["deputy_id", "name", "level", "township_name",
                                                               "group_name", "team_name", "phone", "source_file",
                                                               "source_row"]))
def deputies_not_visiting(con, scope, window, groups=(), teams=(), page=None):
    _first_page(page)
    return _shown_page(con, f"""SELECT d.*, t.township_name FROM deputies d JOIN townships t USING (township_code)
        WHERE township_code IN (SELECT unnest($t))
          AND deputy_id NOT IN (SELECT deputy_id FROM visit_deputies WHERE {IN_WINDOW}
                                AND deputy_township IN (SELECT unnest($t)))
          AND (len($g::VARCHAR[]) = 0 OR list_contains($g::VARCHAR[], CASE WHEN len($t) > 1 THEN
               coalesce(group_name, '未填写') || '（' || t.township_name || '）' ELSE coalesce(group_name, '未填写') END))
          AND (len($m::VARCHAR[]) = 0 OR list_contains($m::VARCHAR[], CASE WHEN len($t) > 1 THEN
               coalesce(team_name, '未填写') || '（' || t.township_name || '）' ELSE coalesce(team_name, '未填写') END))""",
                       "township_code, deputy_id",
                       "SELECT deputy_id, name, level, township_name, coalesce(group_name, '未填写'), "
                       "coalesce(team_name, '未填写'), mask_phone(phone), source_file, source_row FROM p",
                       _wp(scope, window, g=list(groups), m=list(teams)))


# --- 活动站 ----------------------------------------------------------------------

def _stp(scope, period, station=None, as_of=dt.date.max, **extra) -> dict:
    return _sp(scope, period, st=station, a=as_of, rec=RECEPTION_KIND, **extra)


STATION_GRID = """
    WITH named AS (  -- the stations the scope's activities name, each with a township they were held in
        SELECT station_id, any_value(township_code) AS township_code FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND station_id IS NOT NULL
          AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)
        GROUP BY station_id
    ),
    shown AS (  -- the scope's roster stations and those named; a station on a roster keeps its own township
        SELECT l.station_id, coalesce(r.township_code, n.township_code) AS township_code, r.established_on
        FROM (SELECT station_id FROM stations
              WHERE township_code IN (SELECT unnest($t)) AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)
              UNION SELECT station_id FROM named) l
        LEFT JOIN stations r ON r.station_id = l.station_id LEFT JOIN named n ON n.station_id = l.station_id
    ),
    months AS (SELECT unnest(generate_series(date_trunc('month', $s::DATE), date_trunc('month', $e::DATE),
                                             INTERVAL 1 MONTH))::DATE AS month),
    counted AS (
        SELECT station_id, date_trunc('month', date)::DATE AS month, count(*) AS n,
               count(*) FILTER (WHERE kind = $rec) AS r
        FROM activities WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND station_id IS NOT NULL
          AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)
        GROUP BY ALL
    ),
    grid AS (
        SELECT s.station_id, s.township_code, t.county, t.township_name, m.month, coalesce(c.n, 0) AS activities,
               coalesce(c.r, 0) AS reception_days,
               m.month >= $s AND last_day(m.month) <= $e AND last_day(m.month) <= $a
                 AND (s.established_on IS NULL OR s.established_on <= m.month) AS judged
        FROM shown s CROSS JOIN months m LEFT JOIN counted c ON c.station_id = s.station_id AND c.month = m.month
        LEFT JOIN townships t ON t.township_code = s.township_code
    )
"""


STATION_MONTH_COLUMNS = ["station_id", "station_label", "township_code", "township_name", "month", "activities",
                         "reception_days", "judged", "reception_missed", "reception_text", "activities_text", "cell",
                         "cell_name"]


@baseline("stations.station_months", same=_same_grid(STATION_MONTH_COLUMNS))
def station_months(con, scope, period, station=None, as_of=dt.date.max):
    return _rows(con, STATION_GRID + """
        SELECT g.station_id, coalesce(s.station_name, g.station_id) || '（' || g.station_id || '）' AS label,
               g.township_code, coalesce(g.township_name, g.township_code), g.month, g.activities, g.reception_days,
               g.judged, g.judged AND g.reception_days = 0,
               CASE WHEN g.judged AND g.reception_days = 0 THEN '缺'
                    WHEN g.reception_days > 0 THEN CAST(g.reception_days AS VARCHAR) ELSE '' END,
               CAST(g.activities AS VARCHAR), g.station_id || '|' || strftime(g.month, '%Y-%m'),
               label || ' ' || year(g.month) || '年' || month(g.month) || '月'
        FROM grid g LEFT JOIN stations s ON s.station_id = g.station_id
        ORDER BY g.station_id, g.month""", _stp(scope, period, station, as_of))


UNIT_MONTH_COLUMNS = ["township_code", "township_name", "month", "activities", "stations", "stations_judged",
                      "stations_missed", "activities_per_station", "reception_share", "activities_text",
                      "reception_text"]


@baseline("stations.township_months", same=_same_grid(UNIT_MONTH_COLUMNS))
def township_months(con, scope, period, as_of=dt.date.max, by="township"):
    code, name = ("county", "county") if by == "county" else ("township_code", "coalesce(township_name, township_code)")
    return _rows(con, STATION_GRID + f"""
        SELECT {code}, {name}, month, sum(activities)::INTEGER, count(*), count(*) FILTER (WHERE judged) AS judged_n,
               count(*) FILTER (WHERE judged AND reception_days = 0) AS missed_n, sum(activities) / count(*),
               CASE WHEN judged_n = 0 THEN NULL ELSE 1 - missed_n / judged_n END,
               sum(activities)::VARCHAR || '次',
               CASE WHEN judged_n = 0 THEN '' WHEN missed_n = 0 THEN '全部开展' ELSE '缺' || missed_n || '站' END
        FROM grid GROUP BY ALL ORDER BY 1, month""", _stp(scope, period, None, as_of))


def _quarters(period, as_of) -> list[tuple[dt.date, dt.date]]:
    found, day = [], dt.date(period.start.year, 3 * ((period.start.month - 1) // 3) + 1, 1)
    while day <= period.end:
        end = (dt.date(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 1) - dt.timedelta(days=1))
        if day >= period.start and end <= min(period.end, as_of):
            found.append((day, end))
        day = end + dt.timedelta(days=1)
    return found


QUARTER_GRID = """
    WITH shown AS (
        SELECT station_id, any_value(township_code) AS township_code, any_value(established_on) AS established_on
        FROM (SELECT station_id, township_code, established_on, 0 AS o FROM stations
              WHERE township_code IN (SELECT unnest($t)) AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)
              UNION ALL SELECT station_id, township_code, NULL, 1 FROM activities
              WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND station_id IS NOT NULL
                AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR) ORDER BY o)
        GROUP BY station_id),
    quarters AS (SELECT unnest($qs::DATE[]) AS q0, unnest($qe::DATE[]) AS q1),
    grid AS (
        SELECT s.station_id, s.township_code, t.county, q.q0,
               (SELECT count(*) FROM activities a WHERE a.station_id = s.station_id AND a.date BETWEEN q.q0 AND q.q1
                  AND a.township_code IN (SELECT unnest($t))) AS activities
        FROM shown s CROSS JOIN quarters q LEFT JOIN townships t ON t.township_code = s.township_code
        WHERE s.established_on IS NULL OR s.established_on <= q.q0)
"""


def _qp(scope, period, station, as_of) -> dict:
    quarters = _quarters(period, as_of)
    return _stp(scope, period, station, as_of, qs=[q for q, _ in quarters], qe=[e for _, e in quarters])


@baseline("stations.station_quarters", same=_frame_equal(["activities"]))
def station_quarters(con, scope, period, station=None, as_of=dt.date.max):
    return [{"activities": n} for (n,) in _rows(con, QUARTER_GRID + "SELECT activities FROM grid ORDER BY station_id, q0",
                                                 _qp(scope, period, station, as_of))]


@baseline("stations.township_quarters", same=_frame_equal(["stations", "stations_passed"]))
def township_quarters(con, scope, period, as_of=dt.date.max, by="township"):
    unit = "county" if by == "county" else "township_code"
    return [{"stations": n, "stations_passed": k} for n, k in _rows(con, QUARTER_GRID + f"""
        SELECT count(*), count(*) FILTER (WHERE activities >= 2) FROM grid GROUP BY {unit}, q0 ORDER BY {unit}, q0""",
                                                                     _qp(scope, period, None, as_of))]


VOTERS = """
    WITH shown AS (
        SELECT station_id, any_value(township_code) AS township_code
        FROM (SELECT station_id, township_code, 0 AS o FROM stations
              WHERE township_code IN (SELECT unnest($t)) AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)
              UNION ALL SELECT station_id, township_code, 1 FROM activities
              WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND station_id IS NOT NULL
                AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR) ORDER BY o)
        GROUP BY station_id),
    joined AS (
        SELECT s.station_id, s.township_code, t.county,
               coalesce((SELECT sum(voters_received) FROM activities a WHERE a.station_id = s.station_id
                          AND a.date BETWEEN $s AND $e AND a.township_code IN (SELECT unnest($t))), 0) AS voters,
               (SELECT count(*) FROM deputies d WHERE d.station_id = s.station_id) AS deputies
        FROM shown s LEFT JOIN townships t ON t.township_code = s.township_code)
"""


@baseline("stations.station_voters", same=_frame_equal(["voters_received", "deputies"]))
def station_voters(con, scope, period, station=None, as_of=dt.date.max):
    return [{"voters_received": v, "deputies": d} for v, d in _rows(
        con, VOTERS + "SELECT voters, deputies FROM joined ORDER BY station_id", _stp(scope, period, station, as_of))]


@baseline("stations.township_voters", same=_frame_equal(["voters_received", "deputies"]))
def township_voters(con, scope, period, as_of=dt.date.max, by="township"):
    unit = "county" if by == "county" else "township_code"
    return [{"voters_received": v, "deputies": d} for v, d in _rows(
        con, VOTERS + f"SELECT sum(voters), sum(deputies) FROM joined GROUP BY {unit} ORDER BY {unit}",
        _stp(scope, period, None, as_of))]


@baseline("stations.headline_over")
def stations_headline(con, scope, periods, station=None, as_of=dt.date.max):
    figures = []
    for period in periods:
        row = _one(con, STATION_GRID + """
            SELECT (SELECT count(*) FILTER (WHERE kind = $rec) FROM activities WHERE date BETWEEN $s AND $e
                      AND township_code IN (SELECT unnest($t)) AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)),
                   (SELECT coalesce(sum(voters_received), 0) FROM activities WHERE date BETWEEN $s AND $e
                      AND township_code IN (SELECT unnest($t)) AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)),
                   count(DISTINCT station_id), count(*) FILTER (WHERE judged AND reception_days = 0)
            FROM grid""", _stp(scope, period, station, as_of))
        figures.append(dict(zip(("reception_days", "voter_contacts", "stations_total", "reception_months_missed"),
                                row, strict=True)))
    return figures


@baseline("stations.building_figures_over")
def building_figures(con, scope, periods):
    figures = []
    for period in periods:
        p = _sp(scope, period, rec=RECEPTION_KIND)
        row = _one(con, """
            SELECT (SELECT count(*) FROM stations WHERE township_code IN (SELECT unnest($t))
                      AND (established_on IS NULL OR established_on <= $e)),
                   (SELECT count(*) FROM stations WHERE township_code IN (SELECT unnest($t))
                      AND established_on BETWEEN $s AND $e),
                   (SELECT min(n) FROM (SELECT s.station_id, count(a.station_id) AS n FROM stations s
                      LEFT JOIN activities a ON a.station_id = s.station_id AND a.date BETWEEN $s AND $e
                        AND a.township_code IN (SELECT unnest($t))
                      WHERE s.township_code IN (SELECT unnest($t)) AND (s.established_on IS NULL OR s.established_on <= $e)
                      GROUP BY s.station_id)),
                   (SELECT round(avg(n), 1) FROM (SELECT activity_id, count(*) AS n FROM activity_deputies
                      WHERE kind = $rec AND date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
                      GROUP BY activity_id)),
                   (SELECT coalesce(sum(voters_received), 0) FROM activities WHERE date BETWEEN $s AND $e
                      AND township_code IN (SELECT unnest($t)))
                   + (SELECT count(*) FROM visits WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
                      AND target_kind <> '帮扶企业')""", p)
        figures.append(dict(zip(("stations_on_roster", "stations_established", "station_activities_min",
                                 "deputies_per_reception", "voter_contacts_with_visits"), row, strict=True)))
    return figures


STATION_ACTIVITY_COLUMNS = ["date", "township", "station", "kind", "theme", "title", "attendees", "voters_received",
                            "source_file", "source_row"]


@baseline("stations.station_activities", same=_same_shown(STATION_ACTIVITY_COLUMNS))
def station_activities(con, scope, period, station=None, cells=(), page=None):
    _first_page(page)
    rows = """SELECT * FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND station_id IS NOT NULL
          AND ($st::VARCHAR IS NULL OR station_id = $st::VARCHAR)
          AND (len($c::VARCHAR[]) = 0 OR list_contains($c::VARCHAR[], station_id || '|' || strftime(date, '%Y-%m')))"""
    return _shown_page(con, rows, "p.date, p.source_file, p.source_row", """
        SELECT strftime(p.date, '%Y-%m-%d'), coalesce(t.township_name, p.township_code),
               coalesce(s.station_name, p.station_id), p.kind, p.theme, p.title, p.attendees, p.voters_received,
               p.source_file, p.source_row
        FROM p LEFT JOIN townships t ON t.township_code = p.township_code
        LEFT JOIN stations s ON s.station_id = p.station_id""", _stp(scope, period, station, c=list(cells)))


@baseline("stations.station_tally", same=_frame_equal(["activities"]))
def station_tally(con, scope, period):
    return [{"activities": n} for (n,) in _rows(con, """
        SELECT count(a.station_id) AS n FROM stations s LEFT JOIN activities a ON a.station_id = s.station_id
          AND a.date BETWEEN $s AND $e AND a.township_code IN (SELECT unnest($t))
        WHERE s.township_code IN (SELECT unnest($t)) AND (s.established_on IS NULL OR s.established_on <= $e)
        GROUP BY s.station_id ORDER BY n, s.station_id""", _sp(scope, period))]


@baseline("stations.missed_reception", same=_same_shown(["township_name", "station_label", "months"]))
def missed_reception(con, scope, period, as_of=dt.date.max, page=None):
    _first_page(page)
    params = _stp(scope, period, None, as_of)
    missed = """SELECT g.station_id, coalesce(g.township_name, g.township_code) AS township_name,
                       coalesce(s.station_name, g.station_id) || '（' || g.station_id || '）' AS station_label,
                       string_agg(month(g.month) || '月', '、' ORDER BY g.month) AS months
                FROM grid g LEFT JOIN stations s USING (station_id) WHERE g.judged AND g.reception_days = 0
                GROUP BY ALL"""
    shown = _rows(con, STATION_GRID + f"""
        SELECT township_name, station_label, months, count(*) OVER () AS total
        FROM ({missed}) ORDER BY station_id LIMIT {PAGE}""", params)  # the grid once: counted as it is cut
    return {"total": shown[0][-1] if shown else 0, "rows": [list(r[:-1]) for r in shown]}


@baseline("summary.term_period", same=lambda product, expected: (product.start, product.end) == expected)
def term_period(con, scope, as_of):
    start = _one(con, "SELECT min(term_start) FROM townships WHERE township_code IN (SELECT unnest($t))",
                 {"t": _towns(scope)})[0]
    try:
        end = start.replace(year=start.year + 5) - dt.timedelta(days=1)
    except ValueError:
        end = start.replace(year=start.year + 5, day=28) - dt.timedelta(days=1)
    return start, min(end, as_of)


# --- 代表履职 --------------------------------------------------------------------

@baseline("deputies.work_figures_over")
def work_figures(con, scope, periods):
    p = {"t": _towns(scope), "rep": REPORTING_KIND}
    for i, period in enumerate(periods):
        p |= {f"s{i}": period.start, f"e{i}": period.end}
    n = range(len(periods))
    roster = _one(con, """SELECT count(*), count(DISTINCT (township_code, group_name)) FILTER (WHERE group_name IS NOT NULL),
                                 count(DISTINCT (township_code, coalesce(group_name, ''), team_name)) FILTER (WHERE team_name IS NOT NULL)
                          FROM deputies WHERE township_code IN (SELECT unnest($t))""", p)
    acts = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND kind = '会议'), "
        f"count(*) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND kind = '学习培训'), "
        f"coalesce(sum(attendees) FILTER (WHERE date BETWEEN $s{i} AND $e{i} AND kind = '学习培训'), 0)" for i in n)
        + " FROM activities WHERE township_code IN (SELECT unnest($t))", p)
    reporting = _one(con, "SELECT " + ", ".join(
        f"count(DISTINCT deputy_id) FILTER (WHERE date BETWEEN $s{i} AND $e{i})" for i in n)
        + " FROM activity_deputies WHERE kind = $rep AND township_code IN (SELECT unnest($t))", p)
    return [{"deputies_total": roster[0], "deputy_groups": roster[1], "action_teams": roster[2],
             "reporting_deputies": reporting[i], "meetings": acts[3 * i], "trainings": acts[3 * i + 1],
             "training_attendance": acts[3 * i + 2]} for i in n]


def _split(con, scope, column: str) -> dict[str, int]:
    return dict(_rows(con, f"SELECT coalesce({column}, '未填写'), count(*) FROM deputies WHERE township_code IN "
                           f"(SELECT unnest($t)) GROUP BY 1", {"t": _towns(scope)}))


def _same_split(product, expected) -> bool:
    return dict(zip(product.iloc[:, 0], product.iloc[:, 1], strict=True)) == expected


@baseline("deputies.level_split", same=_same_split)
def level_split(con, scope, period):
    return _split(con, scope, "level")


@baseline("deputies.composition", same=_same_split)
def composition(con, scope, period, dimension):
    if dimension == "年龄":
        return dict(_rows(con, """SELECT CASE WHEN birth_year IS NULL THEN '未填写' WHEN $y - birth_year <= 35 THEN '35岁及以下'
                                              WHEN $y - birth_year <= 55 THEN '36至55岁' ELSE '56岁及以上' END, count(*)
                                  FROM deputies WHERE township_code IN (SELECT unnest($t)) GROUP BY 1""",
                          {"t": _towns(scope), "y": period.end.year}))
    return _split(con, scope, {"性别": "gender", "学历": "education", "职业": "occupation"}[dimension])


@baseline("deputies.reporting_split", same=_same_split)
def reporting_split(con, scope, period):
    return dict(_rows(con, """SELECT coalesce(d.level, '未填写'), count(*) FROM (
                                 SELECT DISTINCT deputy_id FROM activity_deputies WHERE kind = $rep
                                 AND date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))) r
                              LEFT JOIN deputies d USING (deputy_id) GROUP BY 1""",
                      _sp(scope, period, rep=REPORTING_KIND)))


@baseline("deputies.filter_options", same=lambda product, expected: {k: sorted(v) for k, v in product.items()} == expected)
def filter_options(con, scope):
    levels, groups, stations = _one(con, """
        SELECT list(DISTINCT level) FILTER (WHERE level IS NOT NULL), list(DISTINCT group_name) FILTER (WHERE group_name IS NOT NULL),
               list(DISTINCT station_id) FILTER (WHERE station_id IS NOT NULL)
        FROM deputies WHERE township_code IN (SELECT unnest($t))""", {"t": _towns(scope)})
    return {"levels": sorted(levels or []), "groups": sorted(groups or []), "stations": sorted(stations or [])}


@baseline("deputies.deputy_township")
def deputy_township(con, scope, deputy_id):
    found = _rows(con, "SELECT township_code FROM deputies WHERE deputy_id = $d AND township_code IN (SELECT unnest($t))",
                  {"d": deputy_id, "t": _towns(scope)})
    return found[0][0] if found else None


@baseline("deputies.deputy_roster")
def deputy_roster(con, scope):
    return [list(r) for r in _rows(con, "SELECT deputy_id, name FROM deputies WHERE township_code IN (SELECT unnest($t)) "
                                        "ORDER BY township_code, deputy_id", {"t": _towns(scope)})]


def _record_filter() -> str:
    return """township_code IN (SELECT unnest($t))
          AND (len($l::VARCHAR[]) = 0 OR list_contains($l::VARCHAR[], level))
          AND (len($g::VARCHAR[]) = 0 OR list_contains($g::VARCHAR[], group_name))
          AND (len($st::VARCHAR[]) = 0 OR list_contains($st::VARCHAR[], station_id))"""


RECORD_COLUMNS = ["deputy_id", "name", "level", "township_name", "station_name", "group_name", "team_name", "phone",
                  "activities", "visits", "suggestions", "reports_to_voters", "last_active_on", "inactive",
                  "source_file", "source_row"]


# A page of deputies as the tables show it: `page` (the deputies, ordered by `order` over `p` and cut
# by the CTEs before it) with the period's counts, the last active day and the roster's names.
DEPUTY_PAGE = """
    WITH {ctes}
    a AS (SELECT deputy_id, count(*) FILTER (WHERE date >= $s) AS n,
                 count(*) FILTER (WHERE date >= $s AND kind = $r) AS reports, max(date) AS d
          FROM activity_deputies WHERE date <= $e AND deputy_id IN (SELECT deputy_id FROM page) GROUP BY 1),
    v AS (SELECT deputy_id, count(*) FILTER (WHERE date >= $s) AS n, max(date) AS d FROM visit_deputies
          WHERE date <= $e AND deputy_id IN (SELECT deputy_id FROM page) GROUP BY 1),
    g AS (SELECT deputy_id, count(*) AS n FROM suggestion_deputies WHERE received_on BETWEEN $s AND $e
          AND deputy_id IN (SELECT deputy_id FROM page) GROUP BY 1)
    SELECT p.deputy_id, p.name, p.level, coalesce(t.township_name, p.township_code),
           coalesce(s.station_name, p.station_id, ''), coalesce(p.group_name, ''), coalesce(p.team_name, ''),
           coalesce(mask_phone(p.phone), ''), coalesce(a.n, 0), coalesce(v.n, 0), coalesce(g.n, 0),
           coalesce(a.reports, 0), coalesce(CAST(greatest(a.d, v.d) AS VARCHAR), '无记录'),
           greatest(a.d, v.d) IS NULL OR greatest(a.d, v.d) <= $q, p.source_file, p.source_row
    FROM page p LEFT JOIN a USING (deputy_id) LEFT JOIN v USING (deputy_id) LEFT JOIN g USING (deputy_id)
    LEFT JOIN townships t ON t.township_code = p.township_code LEFT JOIN stations s ON s.station_id = p.station_id
    ORDER BY {order}
"""


def _deputy_params(scope, period, levels, groups, stations) -> dict:
    return _sp(scope, period, l=list(levels), g=list(groups), st=list(stations), r=REPORTING_KIND,
               q=(period.end - pd.DateOffset(months=6)).date())


@baseline("deputies.deputy_records", same=_same_shown(RECORD_COLUMNS))
def deputy_records(con, scope, period, levels=(), groups=(), stations=(), page=None):
    _first_page(page)
    p = _deputy_params(scope, period, levels, groups, stations)
    total = _one(con, f"SELECT count(*) FROM deputies WHERE {_record_filter()}", p)[0]
    rows = _rows(con, DEPUTY_PAGE.format(
        ctes=f"page AS (SELECT * FROM deputies WHERE {_record_filter()} ORDER BY township_code, deputy_id "
             f"LIMIT {PAGE}),", order="p.township_code, p.deputy_id"), p)
    return {"total": total, "rows": [list(r) for r in rows]}


@baseline("deputies.inactive_deputies", same=_same_shown(RECORD_COLUMNS))
def inactive_deputies(con, scope, period, levels=(), groups=(), stations=(), page=None):
    _first_page(page)
    p = _deputy_params(scope, period, levels, groups, stations)
    quiet = f"""scoped AS (SELECT * FROM deputies WHERE {_record_filter()}),
        quiet AS (SELECT * FROM scoped WHERE deputy_id NOT IN (
                    SELECT deputy_id FROM activity_deputies
                    WHERE date > $q AND date <= $e AND deputy_township IN (SELECT unnest($t))
                    UNION SELECT deputy_id FROM visit_deputies
                    WHERE date > $q AND date <= $e AND deputy_township IN (SELECT unnest($t)))),
        last AS (SELECT deputy_id, max(date) AS d FROM (
                   SELECT deputy_id, date FROM activity_deputies WHERE date <= $e AND deputy_id IN (SELECT deputy_id FROM quiet)
                   UNION ALL SELECT deputy_id, date FROM visit_deputies WHERE date <= $e AND deputy_id IN (SELECT deputy_id FROM quiet))
                 GROUP BY deputy_id),"""
    total = _one(con, f"WITH {quiet[:quiet.index('last AS')].rstrip().rstrip(',')} SELECT count(*) FROM quiet", p)[0]
    rows = _rows(con, DEPUTY_PAGE.format(
        ctes=quiet + f"""
        page AS (SELECT q.*, l.d AS last_day FROM quiet q LEFT JOIN last l USING (deputy_id)
                 ORDER BY l.d NULLS FIRST, q.township_code, q.deputy_id LIMIT {PAGE}),""",
        order="p.last_day NULLS FIRST, p.township_code, p.deputy_id"), p)
    return {"total": total, "rows": [list(r) for r in rows]}


DEEDS = """
    WITH deeds AS (
        SELECT a.date, a.kind, a.title, a.township_code, a.source_file, a.source_row FROM activities a
        WHERE a.date BETWEEN $s AND $e AND a.township_code IN (SELECT unnest($t)) AND a.activity_id IN (
            SELECT activity_id FROM activity_deputies WHERE deputy_id = $d AND date BETWEEN $s AND $e)
        UNION ALL
        SELECT v.date, '走访记录', v.target_kind || '：' || coalesce(v.household_id, v.enterprise, v.village, ''),
               v.township_code, v.source_file, v.source_row FROM visits v
        WHERE v.date BETWEEN $s AND $e AND v.township_code IN (SELECT unnest($t)) AND v.visit_id IN (
            SELECT visit_id FROM visit_deputies WHERE deputy_id = $d AND date BETWEEN $s AND $e))
"""


def _on_roster(con, scope, deputy_id) -> bool:
    return bool(_rows(con, "SELECT 1 FROM deputies WHERE deputy_id = $d AND township_code IN (SELECT unnest($t))",
                      {"d": deputy_id, "t": _towns(scope)}))


DEED_COLUMNS = ["date", "kind", "title", "township_name", "source_file", "source_row"]


@baseline("deputies.deputy_deeds", same=_same_shown(DEED_COLUMNS))
def deputy_deeds(con, scope, deputy_id, period, kinds=(), page=None):
    _first_page(page)
    if not _on_roster(con, scope, deputy_id):
        return {"total": 0, "rows": []}
    params = _sp(scope, period, d=deputy_id, k=list(kinds))
    picked = "WHERE len($k::VARCHAR[]) = 0 OR list_contains($k::VARCHAR[], kind)"
    total = _one(con, DEEDS + f"SELECT count(*) FROM deeds {picked}", params)[0]
    shown = _rows(con, DEEDS + f"""
        SELECT CAST(p.date AS VARCHAR), p.kind, p.title, coalesce(t.township_name, p.township_code), p.source_file,
               p.source_row
        FROM (SELECT * FROM deeds {picked} ORDER BY date, source_file, source_row LIMIT {PAGE}) p
        LEFT JOIN townships t ON t.township_code = p.township_code
        ORDER BY p.date, p.source_file, p.source_row""", params)
    return {"total": total, "rows": [list(r) for r in shown]}


CALENDAR_COLUMNS = ["month", "kind", "activities", "cell_text"]


@baseline("deputies.deputy_calendar", same=_same_grid(CALENDAR_COLUMNS))
def deputy_calendar(con, scope, deputy_id, period):
    if not _on_roster(con, scope, deputy_id):
        return []
    return _rows(con, DEEDS + """
        SELECT m.month, k.kind, count(d.kind), CASE WHEN count(d.kind) > 0 THEN CAST(count(d.kind) AS VARCHAR) ELSE '' END
        FROM (SELECT unnest(generate_series(date_trunc('month', $s::DATE), date_trunc('month', $e::DATE),
                                            INTERVAL 1 MONTH))::DATE AS month) m
        CROSS JOIN (SELECT DISTINCT kind FROM deeds) k
        LEFT JOIN deeds d ON date_trunc('month', d.date) = m.month AND d.kind = k.kind
        GROUP BY m.month, k.kind ORDER BY coalesce(list_position($k::VARCHAR[], k.kind), 99), k.kind, m.month""",
                 _sp(scope, period, d=deputy_id, k=list(ACTIVITY_KINDS)))


@baseline("deputies.kind_mix", same=lambda product, expected: dict(zip(product["kind"], product["deputy_count"],
                                                                        strict=True)) == expected)
def kind_mix(con, scope, deputy_id, period):
    if not _on_roster(con, scope, deputy_id):
        return {}
    found = _rows(con, """
        WITH me AS (SELECT township_code, level FROM deputies WHERE deputy_id = $d),
        peers AS (SELECT d.deputy_id FROM deputies d JOIN me USING (township_code, level) WHERE d.deputy_id <> $d)
        SELECT kind, count(*) FILTER (WHERE deputy_id = $d) FROM activity_deputies
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
          AND (deputy_id = $d OR deputy_id IN (SELECT deputy_id FROM peers))
        GROUP BY kind""", _sp(scope, period, d=deputy_id))
    return dict(found)


# --- 乡镇对比 --------------------------------------------------------------------

UNIT_PARTS = ["activities_total", "inspections", "supervision", "reception_days", "voter_contacts",
              "suggestions_collected", "collected_resolved", "overdue", "households_total", "households_visited",
              "deputies_total", "deputies_visiting", "stations_total", "campaign_households_visited",
              "campaign_deputies_visiting", "reception_months_due", "reception_months_held"]
# Each compared metric from the parts: (numerator, denominator, scale); a count is its part.
UNIT_RATIOS = {
    "resolution_rate": ("collected_resolved", "suggestions_collected", 1),
    "household_coverage": ("households_visited", "households_total", 1),
    "deputy_participation": ("deputies_visiting", "deputies_total", 1),
    "campaign_household_coverage": ("campaign_households_visited", "households_total", 1),
    "campaign_deputy_participation": ("campaign_deputies_visiting", "deputies_total", 1),
    "reception_compliance": ("reception_months_held", "reception_months_due", 1),
    "supervision_per_100_deputies": ("supervision", "deputies_total", 100),
    "suggestions_per_100_deputies": ("suggestions_collected", "deputies_total", 100),
    "activities_per_station": ("activities_total", "stations_total", 1),
    "reception_days_per_station": ("reception_days", "stations_total", 1),
    "voter_contacts_per_station": ("voter_contacts", "stations_total", 1),
}

UNIT_FIGURES_SQL = """
    WITH towns AS (
        SELECT township_code, county, CASE WHEN count(*) OVER (PARTITION BY township_name) > 1
                                           THEN township_name || '（' || county || '）' ELSE township_name END AS name
        FROM townships WHERE township_code IN (SELECT unnest($t))),
    acts AS (SELECT township_code, count(*) AS activities_total,
                    count(*) FILTER (WHERE list_contains($insp, kind)) AS inspections,
                    count(*) FILTER (WHERE list_contains($sup, kind)) AS supervision,
                    count(*) FILTER (WHERE kind = $rec) AS reception_days, coalesce(sum(voters_received), 0) AS voter_contacts
             FROM activities WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) GROUP BY 1),
    sugg AS (SELECT township_code, count(*) FILTER (WHERE received_on BETWEEN $s AND $e) AS suggestions_collected,
                    count(*) FILTER (WHERE received_on BETWEEN $s AND $e AND status = $done) AS collected_resolved,
                    count(*) FILTER (WHERE status <> $done AND received_on <= $a AND $a - received_on > $limit) AS overdue
             FROM suggestions WHERE township_code IN (SELECT unnest($t)) GROUP BY 1),
    hh AS (SELECT township_code, count(*) AS households_total FROM households
           WHERE township_code IN (SELECT unnest($t)) GROUP BY 1),
    hv AS (SELECT household_township AS township_code,
                  count(DISTINCT household_key) FILTER (WHERE date BETWEEN $s AND $e) AS households_visited,
                  count(DISTINCT household_key) FILTER (WHERE date BETWEEN $ws AND $we
                      AND ($wc::VARCHAR IS NULL OR campaign = $wc::VARCHAR)) AS campaign_households_visited
           FROM visits WHERE (date BETWEEN $s AND $e OR date BETWEEN $ws AND $we)
             AND household_township IN (SELECT unnest($t)) GROUP BY 1),
    dd AS (SELECT township_code, count(*) AS deputies_total FROM deputies
           WHERE township_code IN (SELECT unnest($t)) GROUP BY 1),
    dv AS (SELECT deputy_township AS township_code,
                  count(DISTINCT deputy_id) FILTER (WHERE date BETWEEN $s AND $e) AS deputies_visiting,
                  count(DISTINCT deputy_id) FILTER (WHERE date BETWEEN $ws AND $we
                      AND ($wc::VARCHAR IS NULL OR campaign = $wc::VARCHAR)) AS campaign_deputies_visiting
           FROM visit_deputies WHERE (date BETWEEN $s AND $e OR date BETWEEN $ws AND $we)
             AND deputy_township IN (SELECT unnest($t)) GROUP BY 1),
    st AS (SELECT township_code, count(*) AS stations_total FROM stations
           WHERE township_code IN (SELECT unnest($t)) GROUP BY 1),
    due AS (  -- station-months due a reception day: whole months of the period, ended by the as-of day
        SELECT s.township_code, s.station_id, m.month
        FROM stations s, (SELECT unnest(generate_series(date_trunc('month', $s::DATE), date_trunc('month', $e::DATE),
                                                        INTERVAL 1 MONTH))::DATE AS month) m
        WHERE s.township_code IN (SELECT unnest($t)) AND m.month >= $s AND last_day(m.month) <= least($e, $a)
          AND (s.established_on IS NULL OR s.established_on <= m.month)),
    held AS (SELECT DISTINCT station_id, date_trunc('month', date)::DATE AS month FROM activities
             WHERE kind = $rec AND station_id IS NOT NULL AND date BETWEEN $s AND $e
               AND township_code IN (SELECT unnest($t))),
    rc AS (SELECT d.township_code, count(*) AS reception_months_due, count(h.station_id) AS reception_months_held
           FROM due d LEFT JOIN held h USING (station_id, month) GROUP BY 1)
    SELECT {unit}, {name}, {parts}
    FROM towns t LEFT JOIN acts USING (township_code) LEFT JOIN sugg USING (township_code)
    LEFT JOIN hh USING (township_code) LEFT JOIN hv USING (township_code) LEFT JOIN dd USING (township_code)
    LEFT JOIN dv USING (township_code) LEFT JOIN st USING (township_code) LEFT JOIN rc USING (township_code)
    GROUP BY ALL ORDER BY 1
"""


def _unit_figures(con, scope, period, settings, today, window, by) -> list[dict]:
    """Every compared figure per township (or county): its parts added up per unit, its ratios
    pooled from them."""
    as_of = min(period.end, _data_as_of(con, scope, today))
    window = window or coverage_windows_window(con, scope, period, today)
    unit, name = ("t.county", "t.county") if by == "county" else ("t.township_code", "t.name")
    p = _sp(scope, period, a=as_of, limit=settings.time_limit_days, insp=INSPECTION_KINDS, sup=SUPERVISION_KINDS,
            rec=RECEPTION_KIND, done=RESOLVED, ws=window.start, we=window.end, wc=window.campaign)
    sql = UNIT_FIGURES_SQL.format(unit=unit, name=name,
                                  parts=", ".join(f"sum(coalesce({part}, 0))" for part in UNIT_PARTS))
    figures = []
    for code, shown, *parts in _rows(con, sql, p):
        row = {"township_code": code, "township_name": shown, **dict(zip(UNIT_PARTS, parts, strict=True))}
        for metric, (numerator, denominator, scale) in UNIT_RATIOS.items():
            row[metric] = scale * row[numerator] / row[denominator] if row[denominator] else None
        figures.append(row)
    return figures


UNIT_RATES = {"resolution_rate", "household_coverage", "deputy_participation", "campaign_household_coverage",
              "campaign_deputy_participation", "reception_compliance"}  # shown in percent
UNIT_COUNTS = ["inspections", "supervision", "suggestions_collected", "overdue", "reception_days", "voter_contacts"]


def _standing(units: list[dict], own: str, metric: str) -> dict:
    """One metric of the standing: the township's value, the county's pooled average, its rank
    (best first, fewest first for 超期未办结, a figure that cannot be computed last)."""
    percent = 100 if metric in UNIT_RATES else 1
    values = [None if u[metric] is None else u[metric] * percent for u in units]
    if metric in UNIT_RATIOS:
        numerator, denominator, scale = UNIT_RATIOS[metric]
        total = sum(u[denominator] for u in units)
        average = scale * percent * sum(u[numerator] for u in units) / total if total else None
    else:
        average = sum(values) / len(values)
    mine = values[[u["township_code"] for u in units].index(own)]
    better = [v for v in values if v is not None and (v < mine if metric == "overdue" else v > mine)]
    rank = 1 + len(better) if mine is not None else 1 + sum(v is not None for v in values)
    value = None if mine is None else int(mine) if metric in UNIT_COUNTS else round(float(mine), 1)
    return {"metric": metric, "value": value, "average": None if average is None else round(average, 1),
            "rank": rank, "townships": len(units)}


def coverage_windows_window(con, scope, period, today) -> CoverageWindow:
    as_of = min(period.end, _data_as_of(con, scope, today))
    return _window(_campaigns(con, scope), period, as_of)


@baseline("comparison.township_metrics")
def township_metrics(con, scope, period, settings=None, today=None, window=None, by="township"):
    from queries.metrics import Settings

    return _unit_figures(con, scope, period, settings or Settings(), today, window, by)


@baseline("comparison.township_trend", same=lambda product, expected: len(product) == expected)
def township_trend(con, scope, period, metric, by="month", today=None, unit="township"):
    from queries.comparison import buckets_of
    from queries.metrics import Settings

    for bucket in buckets_of(period, by):
        _unit_figures(con, scope, bucket, Settings(), today, None, unit)
    return len(buckets_of(period, by))


@baseline("comparison.metric_rows", same=lambda product, expected: product.total == expected)
def metric_rows(con, scope, period, metric, today=None, page=None):
    from queries.comparison import drill_register

    register = drill_register(metric)
    p = _sp(scope, period, a=min(period.end, _data_as_of(con, scope, today)))
    if register == "活动记录":
        kinds = {"inspections": INSPECTION_KINDS, "supervision": SUPERVISION_KINDS}.get(metric)
        condition = "list_contains($k, kind)" if kinds else ("kind = $rec" if "reception" in metric else (
            "voters_received IS NOT NULL" if "voter" in metric else "true"))
        return _one(con, f"SELECT count(*) FROM activities WHERE date BETWEEN $s AND $e AND township_code IN "
                         f"(SELECT unnest($t)) AND {condition}", p | {"k": kinds, "rec": RECEPTION_KIND})[0]
    if register == "建议意见登记":
        condition = ("status <> '已办结' AND received_on <= $a AND $a - received_on > 90" if metric == "overdue"
                     else "received_on BETWEEN $s AND $e")
        return _one(con, f"SELECT count(*) FROM suggestions WHERE township_code IN (SELECT unnest($t)) AND {condition}",
                    p)[0]
    table = "households" if register == "脱贫户名册" else "deputies"
    return _one(con, f"SELECT count(*) FROM {table} WHERE township_code IN (SELECT unnest($t))", p)[0]


@baseline("comparison.township_standing")
def township_standing(con, own, peers, period, settings=None, today=None):
    from queries.comparison import COMPARED
    from queries.metrics import Scope, Settings

    code = own.township_codes[0]
    county = _rows(con, "SELECT township_code FROM townships WHERE township_code IN (SELECT unnest($p)) AND county = "
                        "(SELECT county FROM townships WHERE township_code = $c)",
                   {"p": list(peers.township_codes), "c": code})
    codes = tuple(dict.fromkeys([*(c for (c,) in county), code]))
    units = _unit_figures(con, Scope(codes), period, settings or Settings(), today, None, "township")
    return [_standing(units, code, metric) for metric in COMPARED]


# --- 数据 ------------------------------------------------------------------------

def _visible(scope, viewer) -> dict:
    return {"t": _towns(scope), "w": viewer.username, "all": viewer.everything}


VISIBLE = "($all OR l.loaded_by = $w OR (len(l.township_codes) > 0 AND list_has_all($t, l.township_codes)))"


@baseline("data.load_history", same=_same_listing("file_name"))
def load_history(con, scope, viewer, page=None):
    return _page_of(con, f"SELECT file_name AS k FROM load_log l WHERE {VISIBLE} ORDER BY loaded_at DESC, load_id DESC",
                    _visible(scope, viewer), "file_name")


@baseline("data.load_warnings", same=_same_listing("record_id"))
def load_warnings(con, scope, viewer, page=None):
    return _page_of(con, f"""SELECT w.record_id AS k FROM load_warnings w
        WHERE w.load_id IN (SELECT max(load_id) FROM load_log WHERE status = 'loaded' GROUP BY file_name)
          AND w.load_id IN (SELECT l.load_id FROM load_log l WHERE {VISIBLE})
        ORDER BY w.load_id, w.row_no, w.file_name, w.record_id""", _visible(scope, viewer), "record_id")


@baseline("data.rejections_frame", same=lambda product, expected: len(product) == expected)
def rejections_frame(con, scope, viewer):
    return _one(con, f"""SELECT count(*) FROM rejected_rows r
        WHERE r.load_id IN (SELECT max(load_id) FROM load_log WHERE status IN ('loaded', 'strict_refused') GROUP BY file_name)
          AND r.load_id IN (SELECT l.load_id FROM load_log l WHERE {VISIBLE})""", _visible(scope, viewer))[0]


REGISTER_COUNT_COLUMNS = ["township_code", "township_name", "stations", "deputies", "households", "activities",
                          "activities_latest", "suggestions", "suggestions_latest", "visits", "visits_latest"]


@baseline("data.register_counts", same=_same_shown(REGISTER_COUNT_COLUMNS))
def register_counts(con, scope, page=None):
    _first_page(page)
    total = _one(con, "SELECT count(*) FROM townships WHERE township_code IN (SELECT unnest($t))", {"t": _towns(scope)})[0]
    shown = _rows(con, f"""
        WITH towns AS (SELECT township_code, township_name, county FROM townships
                       WHERE township_code IN (SELECT unnest($t)) ORDER BY county, township_code LIMIT {PAGE})
        SELECT t.township_code, t.township_name,
               (SELECT count(*) FROM stations s WHERE s.township_code = t.township_code),
               (SELECT count(*) FROM deputies d WHERE d.township_code = t.township_code),
               (SELECT count(*) FROM households h WHERE h.township_code = t.township_code),
               a.n, CAST(a.latest AS VARCHAR), g.n, CAST(g.latest AS VARCHAR), v.n, CAST(v.latest AS VARCHAR)
        FROM towns t,
             LATERAL (SELECT count(*) AS n, max(date) AS latest FROM activities x
                      WHERE x.township_code = t.township_code) a,
             LATERAL (SELECT count(*) AS n, max(received_on) AS latest FROM suggestions x
                      WHERE x.township_code = t.township_code) g,
             LATERAL (SELECT count(*) AS n, max(date) AS latest FROM visits x WHERE x.township_code = t.township_code) v
        ORDER BY t.county, t.township_code""", {"t": _towns(scope)})
    return {"total": total, "rows": [list(r) for r in shown]}


GRID_COLUMNS = ["register", "township_code", "township_name", "month", "records", "cell_text"]


@baseline("data.completeness", same=_same_grid(GRID_COLUMNS))
def completeness(con, scope, period, by="township"):
    code, name = ("t.county", "t.county") if by == "county" else ("t.township_code", "t.township_name")
    return _rows(con, f"""
        WITH counted AS (
            SELECT 'activities' AS register, township_code, date_trunc('month', date)::DATE AS month, count(*) AS n
            FROM activities WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) GROUP BY ALL
            UNION ALL
            SELECT 'suggestions', township_code, date_trunc('month', received_on)::DATE, count(*) FROM suggestions
            WHERE received_on BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) GROUP BY ALL
            UNION ALL
            SELECT 'visits', township_code, date_trunc('month', date)::DATE, count(*) FROM visits
            WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) GROUP BY ALL)
        SELECT g.register, {code}, {name}, m.month, coalesce(sum(c.n), 0),
               CASE WHEN count(c.n) = 0 THEN '空' ELSE CAST(sum(c.n) AS VARCHAR) END
        FROM (VALUES ('activities', 1), ('suggestions', 2), ('visits', 3)) g(register, o)
        CROSS JOIN (SELECT * FROM townships WHERE township_code IN (SELECT unnest($t))) t
        CROSS JOIN (SELECT unnest(generate_series(date_trunc('month', $s::DATE), date_trunc('month', $e::DATE),
                                                  INTERVAL 1 MONTH))::DATE AS month) m
        LEFT JOIN counted c ON c.register = g.register AND c.township_code = t.township_code AND c.month = m.month
        GROUP BY g.register, g.o, t.county, {code}, {name}, m.month
        ORDER BY g.o, t.county, {code}, m.month""", _sp(scope, period))


@baseline("data.register_rows", same=_same_listing("source_row"))
def register_rows(con, scope, period, kind, page=None):
    table, day = {"activities": ("activities", "date"), "suggestions": ("suggestions", "received_on"),
                  "visits": ("visits", "date")}[kind]
    return _page_of(con, f"""SELECT source_row AS k FROM {table} WHERE {day} BETWEEN $s AND $e
        AND township_code IN (SELECT unnest($t)) ORDER BY {day}, township_code, source_file, source_row""",
                    _sp(scope, period), "source_row")


# --- 季度简报, 工作总结: the figures they are written from ----------------------------------

@baseline("briefing.attention_items", same=lambda product, expected: [i.count for i in product][:2] == expected[:2])
def attention_items(con, scope, period, now, today=None):
    from queries.metrics import Settings

    overdue = overdue_list(con, scope, period, Settings(), today)["total"]
    missed = missed_reception(con, scope, period, min(period.end, _data_as_of(con, scope, today)))["total"]
    absent = deputies_not_visiting(con, scope, now["coverage_window"])["total"]
    if len(scope.township_codes) > 1:
        counties = _one(con, "SELECT count(DISTINCT county) FROM townships WHERE township_code IN (SELECT unnest($t))",
                        {"t": _towns(scope)})[0]
        _unit_figures(con, scope, period, Settings(), today, now["coverage_window"],
                      "county" if counties > 1 else "township")
    return [n for n in (overdue, missed, absent) if n]


_CHART_FRAMES = {"trend": "frames.monthly_trend", "supervision": "inspections.supervision_by_month",
                 "flow": "suggestions.monthly_flow", "outcomes": "suggestions.outcome_split"}


def _same_chart_frames(product, expected) -> bool:
    """Each frame the charts draw is its own baseline's figures (a left-out chart is not compared)."""
    return all(getattr(product, name) is None or BASELINES[query].same(getattr(product, name), expected[name])
               for name, query in _CHART_FRAMES.items() if name in expected)


@baseline("briefing_charts.chart_frames", same=_same_chart_frames)
def chart_frames(con, scope, period, now):
    shown = {"trend": monthly_trend(con, scope, period), "supervision": supervision_by_month(con, scope, period),
             "flow": monthly_flow(con, scope, period)}
    if now["suggestions_resolved"]:
        shown["outcomes"] = outcome_split(con, scope, period)
    return shown


@baseline("briefing_batch.county_batches", same=lambda product, expected: len(product) == expected)
def county_batches(con, counties=(), scope=None):
    return _one(con, "SELECT count(DISTINCT county) FROM townships WHERE township_code IN (SELECT unnest($t))",
                {"t": _towns(scope)})[0]


def _in(i: int, column: str = "date") -> str:
    return f"{column} BETWEEN $s{i} AND $e{i}"


def _as_dict(value) -> dict:
    return dict(value or {})


def _by_period(con, sql: str, p: dict, n: range, empty: tuple) -> list[tuple]:
    """`sql`'s aggregates grouped by {period} (which of the disjoint periods a row's date is in),
    one tuple per period, `empty` for a period without rows."""
    period = "CASE " + " ".join(f"WHEN {_in(i)} THEN {i}" for i in n) + " END"
    found = {row[0]: row[1:] for row in _rows(con, sql.format(period=period), p)}
    return [found.get(i, empty) for i in n]


def _summary_activities(con, p: dict, n: range) -> list[dict]:
    """Every activity figure of each period: one scan of the scope's activities grouped by period
    (a summary's periods, a year or term and the one before it, do not overlap)."""
    meeting_type = ("CASE WHEN contains(title, '人民代表大会') OR contains(title, '人代会') THEN '人民代表大会会议' "
                    "WHEN contains(title, '主席团') THEN '主席团会议' ELSE '其他会议' END")
    rows = _by_period(con, f"""
        SELECT {{period}}, count(*), count(*) FILTER (WHERE list_contains($insp, kind)),
               histogram(coalesce(theme, '未填写')) FILTER (WHERE list_contains($insp, kind)),
               count(*) FILTER (WHERE list_contains($sup, kind)), histogram(kind) FILTER (WHERE list_contains($sup, kind)),
               count(DISTINCT evaluated_unit) FILTER (WHERE kind = '评议'),
               histogram(station_id) FILTER (WHERE station_id IS NOT NULL), count(*) FILTER (WHERE kind = $rec),
               coalesce(sum(voters_received), 0), count(*) FILTER (WHERE kind = '会议'),
               histogram({meeting_type}) FILTER (WHERE kind = '会议'), count(*) FILTER (WHERE kind = '学习培训'),
               coalesce(sum(attendees) FILTER (WHERE kind = '学习培训'), 0)
        FROM activities WHERE date BETWEEN $first AND $last AND township_code IN (SELECT unnest($t))
        GROUP BY 1""", p, n, (0, 0, None, 0, None, 0, None, 0, 0, 0, None, 0, 0))
    fewest = _one(con, "SELECT " + ", ".join(
        f"min(coalesce(a.n{i}, 0)) FILTER (WHERE s.established_on IS NULL OR s.established_on <= $e{i})" for i in n)
        + " FROM stations s LEFT JOIN (SELECT station_id, " + ", ".join(
            f"count(*) FILTER (WHERE {_in(i)}) AS n{i}" for i in n)
        + """ FROM activities WHERE date BETWEEN $first AND $last AND station_id IS NOT NULL
              AND township_code IN (SELECT unnest($t)) GROUP BY 1) a USING (station_id)
            WHERE s.township_code IN (SELECT unnest($t))""", p)
    keys = ("activities_total", "inspections", "inspections_by_theme", "supervision", "supervision_by_kind",
            "evaluated_units", "station_activities", "reception_days", "voter_contacts", "meetings",
            "meetings_by_type", "trainings", "training_attendance")
    figures = []
    for i in n:
        found = dict(zip(keys, rows[i], strict=True))
        for key in ("inspections_by_theme", "supervision_by_kind", "station_activities", "meetings_by_type"):
            found[key] = _as_dict(found[key])
        figures.append(found | {"station_activities_min": fewest[i]})
    return figures


def _summary_listed(con, p: dict, n: range) -> list[dict]:
    """述职 and 接待日 deputies of each period, from the activity links (levels from the roster)."""
    figures = []
    for i in n:
        reporting, by_level = _one(con, f"""
            SELECT count(*), histogram(coalesce(d.level, '未填写')) FROM (
                SELECT DISTINCT deputy_id FROM activity_deputies WHERE kind = $rep AND {_in(i)}
                  AND township_code IN (SELECT unnest($t))) l LEFT JOIN deputies d USING (deputy_id)""", p)
        per_reception, reception_levels = _one(con, f"""
            WITH l AS (SELECT activity_id, deputy_id FROM activity_deputies WHERE kind = $rec AND {_in(i)}
                         AND township_code IN (SELECT unnest($t)))
            SELECT (SELECT round(avg(n), 1) FROM (SELECT count(*) AS n FROM l GROUP BY activity_id)),
                   (SELECT histogram(coalesce(d.level, '未填写')) FROM (SELECT DISTINCT deputy_id FROM l) x
                    LEFT JOIN deputies d USING (deputy_id))""", p)
        figures.append({"reporting_deputies": reporting, "reporting_deputies_by_level": _as_dict(by_level),
                        "deputies_per_reception": per_reception,
                        "reception_deputies_by_level": _as_dict(reception_levels)})
    return figures


def _summary_suggestions(con, p: dict, n: range) -> list[dict]:
    """Every suggestion figure of each period, open ones at its as-of day: one scan, FILTER per period
    (a motion counts as the campaign's when collected between the period's first and last campaign visit)."""
    days = _one(con, "SELECT " + ", ".join(f"min(date) FILTER (WHERE {_in(i)}), max(date) FILTER (WHERE {_in(i)})"
                                           for i in n) + " FROM visits WHERE date BETWEEN $first AND $last "
                                                         "AND campaign IS NOT NULL AND township_code IN (SELECT unnest($t))", p)
    p = p | {f"{edge}{i}": days[2 * i + k] for i in n for k, edge in enumerate("vw")}
    row = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE {_in(i, 'received_on')}), "
        f"histogram(source) FILTER (WHERE {_in(i, 'received_on')}), "
        f"count(*) FILTER (WHERE {_in(i, 'resolved_on')}), "
        f"count(*) FILTER (WHERE {_in(i, 'received_on')} AND status = $done), "
        f"median(resolved_on - received_on) FILTER (WHERE {_in(i, 'resolved_on')}), "
        f"count(*) FILTER (WHERE status <> $done AND received_on <= $a{i} AND $a{i} - received_on > $limit), "
        f"count(*) FILTER (WHERE status <> $done AND received_on + $limit > $a{i} "
        f"AND received_on + $limit <= $a{i} + $window), "
        f"histogram(outcome) FILTER (WHERE {_in(i, 'resolved_on')} AND outcome IS NOT NULL), "
        f"count(*) FILTER (WHERE {_in(i, 'resolved_on')} AND satisfaction IS NOT NULL), "
        f"count(*) FILTER (WHERE {_in(i, 'resolved_on')} AND list_contains($ok, satisfaction)), "
        f"count(*) FILTER (WHERE {_in(i, 'received_on')} AND campaign IS NOT NULL AND source <> $motion), "
        f"count(*) FILTER (WHERE {_in(i, 'received_on')} AND source = $motion AND (campaign IS NOT NULL "
        f"OR received_on BETWEEN $v{i} AND $w{i}))" for i in n)
        + " FROM suggestions WHERE township_code IN (SELECT unnest($t))", p)
    figures = []
    for i in n:
        (collected, sources, resolved, collected_resolved, median, overdue, due_soon, outcomes, answered, satisfied,
         campaign, motions) = row[12 * i:12 * (i + 1)]
        figures.append({
            "suggestions_collected": collected, "suggestions_by_source": _as_dict(sources),
            "suggestions_resolved": resolved, "resolution_rate": collected_resolved / collected if collected else None,
            "median_days_to_resolve": median, "overdue": overdue, "due_soon": due_soon,
            "suggestions_by_outcome": {letter: _as_dict(outcomes).get(letter, 0) for letter in "ABCD"},
            "satisfaction_rate": satisfied / answered if answered else None,
            "campaign_suggestions": campaign, "campaign_motions": motions})
    return figures


def _summary_visits(con, p: dict, n: range) -> list[dict]:
    """Coverage (the scope's roster households and deputies reached anywhere) and the scope's own
    visit figures of each period."""
    own = _by_period(con, """
        SELECT {period}, count(DISTINCT enterprise), coalesce(sum(problems_found), 0),
               coalesce(sum(problems_solved), 0), count(DISTINCT household_id) FILTER (WHERE consoled),
               count(*) FILTER (WHERE target_kind <> $enterprise)
        FROM visits WHERE date BETWEEN $first AND $last AND township_code IN (SELECT unnest($t)) GROUP BY 1""",
                     p, n, (0, 0, 0, 0, 0))
    visited = _by_period(con, """SELECT {period}, count(DISTINCT household_key) FROM visits
        WHERE date BETWEEN $first AND $last AND household_township IN (SELECT unnest($t)) GROUP BY 1""", p, n, (0,))
    deputies = _by_period(con, """SELECT {period}, count(DISTINCT deputy_id) FROM visit_deputies
        WHERE date BETWEEN $first AND $last AND deputy_township IN (SELECT unnest($t)) GROUP BY 1""", p, n, (0,))
    households, on_roster = _one(con, """SELECT (SELECT count(*) FROM households WHERE township_code IN (SELECT unnest($t))),
                                              (SELECT count(*) FROM deputies WHERE township_code IN (SELECT unnest($t)))""",
                                 p)
    figures = []
    for i in n:
        (enterprises, found, solved, consoled, contacts), (reached,), (visiting,) = own[i], visited[i], deputies[i]
        figures.append({
            "enterprises_visited": enterprises, "problems_found": found, "problems_solved": solved,
            "households_consoled": consoled, "contact_visits": contacts, "households_visited": reached,
            "households_total": households, "household_coverage": reached / households if households else None,
            "deputies_visiting": visiting, "deputies_total": on_roster,
            "deputy_participation": visiting / on_roster if on_roster else None})
    return figures


def _summary_rosters(con, p: dict, n: range) -> list[dict]:
    """The deputy and station rosters of the scope (age bands at each period's end year)."""
    whole = _one(con, """
        SELECT histogram(coalesce(level, '未填写')), histogram(coalesce(gender, '未填写')),
               histogram(coalesce(education, '未填写')), histogram(coalesce(occupation, '未填写')),
               count(DISTINCT (township_code, group_name)) FILTER (WHERE group_name IS NOT NULL),
               count(DISTINCT (township_code, coalesce(group_name, ''), team_name)) FILTER (WHERE team_name IS NOT NULL),
               """ + ", ".join(
        f"histogram(CASE WHEN birth_year IS NULL THEN '未填写' WHEN year($e{i}) - birth_year <= 35 THEN '35岁及以下' "
        f"WHEN year($e{i}) - birth_year <= 55 THEN '36至55岁' ELSE '56岁及以上' END)" for i in n)
        + " FROM deputies WHERE township_code IN (SELECT unnest($t))", p)
    stations = _one(con, "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE established_on IS NULL OR established_on <= $e{i}), "
        f"count(*) FILTER (WHERE {_in(i, 'established_on')})" for i in n)
        + " FROM stations WHERE township_code IN (SELECT unnest($t))", p)
    return [{"deputies_by_level": _as_dict(whole[0]), "deputies_by_gender": _as_dict(whole[1]),
             "deputies_by_education": _as_dict(whole[2]), "deputies_by_occupation": _as_dict(whole[3]),
             "deputy_groups": whole[4], "action_teams": whole[5], "deputies_by_age_band": _as_dict(whole[6 + i]),
             "stations_on_roster": stations[2 * i], "stations_established": stations[2 * i + 1]} for i in n]


@baseline("summary.work_summary", same=lambda product, expected: _equal(product.now, expected[0])
          and _equal(product.before, expected[1]))
def work_summary(con, scope, period, previous, kind, names, county):
    """All 49 figures the summary is written from, for the period and the one it is compared with."""
    from queries.metrics import Settings

    settings, periods = Settings(), [period, previous]
    day = _data_as_of(con, scope, None)
    p = {"t": _towns(scope), "first": min(x.start for x in periods), "last": max(x.end for x in periods),
         "limit": settings.time_limit_days, "window": settings.due_soon_days, "insp": INSPECTION_KINDS,
         "sup": SUPERVISION_KINDS, "rec": RECEPTION_KIND, "rep": REPORTING_KIND, "done": RESOLVED, "ok": SATISFIED,
         "motion": MOTION_SOURCE, "enterprise": ENTERPRISE_TARGET}
    for i, x in enumerate(periods):
        p |= {f"s{i}": x.start, f"e{i}": x.end, f"a{i}": min(x.end, day)}
    n = range(len(periods))
    parts = (_summary_activities(con, p, n), _summary_listed(con, p, n), _summary_suggestions(con, p, n),
             _summary_visits(con, p, n), _summary_rosters(con, p, n))
    figures = [{} for _ in n]
    for part in parts:
        for merged, found in zip(figures, part, strict=True):
            merged |= found
    for merged in figures:
        merged["voter_contacts_with_visits"] = merged["voter_contacts"] + merged.pop("contact_visits")
    return figures
