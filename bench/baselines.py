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
          (SELECT count(DISTINCT household_id) FROM visits WHERE date BETWEEN $s AND $e
             AND ($c::VARCHAR IS NULL OR campaign = $c::VARCHAR)
             AND household_id IN (SELECT household_id FROM households WHERE township_code IN (SELECT unnest($t)))),
          (SELECT count(DISTINCT deputy_id) FROM visit_deputies WHERE date BETWEEN $s AND $e
             AND ($c::VARCHAR IS NULL OR campaign = $c::VARCHAR)
             AND deputy_id IN (SELECT deputy_id FROM deputies WHERE township_code IN (SELECT unnest($t)))),
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
                       "AND list_has_all($t, township_codes)", t)[0]
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


def _page_of(con, sql: str, params: dict, key: str) -> dict:
    """A list's length and its first page's keys: `sql` selects `key` AS k, ordered, unlimited."""
    total = _one(con, f"SELECT count(*) FROM ({sql})", params)[0]
    return _listing(total, [k for (k,) in _rows(con, f"SELECT k FROM ({sql}) LIMIT {PAGE}", params)])


@baseline("inspections.supervision_activities", same=_same_listing("source_row"))
def supervision_activities(con, scope, period, cells, page=None):
    return _page_of(con, """SELECT source_row AS k FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND list_contains($v, kind)
          AND (len($c::VARCHAR[]) = 0 OR list_contains($c::VARCHAR[], strftime(date, '%Y-%m') || '|' || kind))
        ORDER BY date, source_file, source_row""",
                    {"t": _towns(scope), "s": period.start, "e": period.end, "v": SUPERVISION_KINDS, "c": list(cells)},
                    "source_row")


@baseline("inspections.evaluated_units", same=_same_listing("evaluated_unit"))
def evaluated_units(con, scope, period, page=None):
    return _page_of(con, """SELECT evaluated_unit AS k FROM activities
        WHERE date BETWEEN $s AND $e AND township_code IN (SELECT unnest($t)) AND kind = '评议'
          AND evaluated_unit IS NOT NULL
        GROUP BY evaluated_unit ORDER BY count(*) DESC, evaluated_unit""",
                    {"t": _towns(scope), "s": period.start, "e": period.end}, "evaluated_unit")


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


def _open_list(con, scope, period, settings, today, condition: str, order: str) -> dict:
    as_of = min(period.end, _data_as_of(con, scope, today))
    return _page_of(con, f"""SELECT suggestion_id AS k FROM suggestions
        WHERE township_code IN (SELECT unnest($t)) AND status <> '已办结' AND {condition} ORDER BY {order}""",
                    _sp(scope, period, a=as_of, limit=settings.time_limit_days, w=settings.due_soon_days),
                    "suggestion_id")


@baseline("suggestions.overdue_list", same=_same_listing("suggestion_id"))
def overdue_list(con, scope, period, settings, today=None, page=None):
    return _open_list(con, scope, period, settings, today, "received_on <= $a AND $a - received_on > $limit",
                      "$a - received_on DESC, suggestion_id")


@baseline("suggestions.due_soon_list", same=_same_listing("suggestion_id"))
def due_soon_list(con, scope, period, settings, today=None, page=None):
    return _open_list(con, scope, period, settings, today,
                      "received_on + $limit > $a AND received_on + $limit <= $a + $w", "received_on, suggestion_id")


@baseline("suggestions.collected_rows", same=_same_listing("suggestion_id"))
def collected_rows(con, scope, period, categories=(), handlers=(), page=None):
    return _page_of(con, f"""SELECT suggestion_id AS k FROM suggestions s JOIN townships t USING (township_code)
        WHERE received_on BETWEEN $s AND $e AND township_code IN (SELECT unnest($t))
          AND (len($c::VARCHAR[]) = 0 OR list_contains($c::VARCHAR[], coalesce(category, '未填写')))
          AND (len($h::VARCHAR[]) = 0 OR list_contains($h::VARCHAR[], {HANDLER}))
        ORDER BY received_on, suggestion_id""",
                    _sp(scope, period, c=list(categories), h=list(handlers), n=len(_towns(scope))), "suggestion_id")
