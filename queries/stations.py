"""Frames of the 活动站 page: activities per station and month, reception days against
the one-per-month rule, the 2-per-quarter target, and voters received per deputy.

A station's activities are those of `activities_in(period, scope)` carrying its
station id, exactly as in metrics.station_activities; the stations shown are the
roster stations of the scope plus any station id those activities name. Only
months (quarters) wholly inside the period that have ended by `as_of`, and that
start on or after the station was set up, are judged: a month still running is
not yet "missed".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from queries import metrics
from queries.metrics import Con, Period, Scope, _params, run

QUARTER_TARGET = 2  # 每站每季度 2 至 3 次活动: at least 2 passes
PASSED, FAILED = "达标", "未达标"
MISSED_MARK = "缺"
QUARTER_NAMES = ["第一季度", "第二季度", "第三季度", "第四季度"]

# The activities with a station, and the stations to show (optionally one station).
STATIONS_CTE = """
    acts AS (
        SELECT * FROM activities_in($start, $end, $towns)
        WHERE station_id IS NOT NULL AND ($station::VARCHAR IS NULL OR station_id = $station::VARCHAR)
    ),
    station_list AS (
        SELECT station_id FROM stations
        WHERE township_code IN (SELECT unnest($towns))
          AND ($station::VARCHAR IS NULL OR station_id = $station::VARCHAR)
        UNION SELECT station_id FROM acts
    ),
    shown AS (
        SELECT l.station_id, s.established_on, coalesce(s.township_code, a.township_code) AS township_code,
               coalesce(t.township_name, s.township_code, a.township_code) AS township_name,
               coalesce(s.station_name, l.station_id) || '（' || l.station_id || '）' AS station_label
        FROM station_list l LEFT JOIN stations s ON s.station_id = l.station_id
        LEFT JOIN (SELECT station_id, any_value(township_code) AS township_code FROM acts GROUP BY ALL) a
          ON a.station_id = l.station_id
        LEFT JOIN townships t ON t.township_code = coalesce(s.township_code, a.township_code)
    )
"""

STATION_MONTHS_SQL = f"""
    WITH {STATIONS_CTE},
    months AS (
        SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                      date_trunc('month', $end::DATE), INTERVAL 1 MONTH))::DATE AS month
    ),
    counted AS (
        SELECT station_id, date_trunc('month', date)::DATE AS month, count(*) AS activities,
               count(*) FILTER (WHERE kind = $reception_kind) AS reception_days
        FROM acts GROUP BY ALL
    ),
    grid AS (
        SELECT s.station_id, s.station_label, s.township_code, s.township_name, m.month,
               coalesce(c.activities, 0) AS activities,
               coalesce(c.reception_days, 0) AS reception_days,
               (m.month >= $start AND last_day(m.month) <= $end AND last_day(m.month) <= $as_of
                AND (s.established_on IS NULL OR s.established_on <= m.month)) AS judged
        FROM shown s CROSS JOIN months m
        LEFT JOIN counted c ON c.station_id = s.station_id AND c.month = m.month
    )
    SELECT *,
           judged AND reception_days = 0 AS reception_missed,
           CASE WHEN judged AND reception_days = 0 THEN $missed_mark
                WHEN reception_days > 0 THEN reception_days::VARCHAR ELSE '' END AS reception_text,
           activities::VARCHAR AS activities_text,
           station_id || '|' || strftime(month, '%Y-%m') AS cell,
           station_label || ' ' || year(month) || '年' || month(month) || '月' AS cell_name
    FROM grid
    ORDER BY station_id, month
"""


def _station_params(scope: Scope, period: Period, station: str | None, as_of: dt.date, **extra) -> dict:
    return _params(scope, period, station=station, as_of=as_of, **extra)


def station_months(
    con: Con, scope: Scope, period: Period, station: str | None = None, as_of: dt.date = dt.date.max,
) -> pd.DataFrame:
    """Station × month: activities of any kind, reception days, and whether a judged month
    went without a reception day (its cell text is 缺)."""
    params = _station_params(scope, period, station, as_of, reception_kind=metrics.RECEPTION_KIND,
                             missed_mark=MISSED_MARK)
    return run(con, STATION_MONTHS_SQL, params).df()


STATION_QUARTERS_SQL = f"""
    WITH {STATIONS_CTE},
    quarters AS (
        SELECT q AS quarter_start, (q + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS quarter_end
        FROM (SELECT unnest(generate_series(date_trunc('quarter', $start::DATE)::DATE,
                                            date_trunc('quarter', $end::DATE)::DATE, INTERVAL 3 MONTH))::DATE AS q)
        WHERE q >= $start AND (q + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE <= least($end, $as_of)
    ),
    counted AS (
        SELECT s.station_id, s.station_label, s.township_code, s.township_name, q.quarter_start,
               strftime(q.quarter_start, '%Y') || '年' || $quarter_names[quarter(q.quarter_start)] AS quarter_label,
               count(a.station_id) AS activities
        FROM shown s CROSS JOIN quarters q
        LEFT JOIN acts a ON a.station_id = s.station_id AND a.date BETWEEN q.quarter_start AND q.quarter_end
        WHERE s.established_on IS NULL OR s.established_on <= q.quarter_start
        GROUP BY ALL
    )
    SELECT *, activities >= $target AS passed,
           CASE WHEN activities >= $target THEN $passed_word ELSE $failed_word END AS status,
           activities || '次 ' || CASE WHEN activities >= $target THEN $passed_word ELSE $failed_word END AS cell_text
    FROM counted
    ORDER BY station_id, quarter_start
"""


def station_quarters(
    con: Con, scope: Scope, period: Period, station: str | None = None, as_of: dt.date = dt.date.max,
) -> pd.DataFrame:
    """Each full, ended quarter of the period per station: activities of any kind and
    达标 (at least QUARTER_TARGET) or 未达标. Empty when the period holds no full quarter."""
    params = _station_params(scope, period, station, as_of, quarter_names=QUARTER_NAMES, target=QUARTER_TARGET,
                             passed_word=PASSED, failed_word=FAILED)
    return run(con, STATION_QUARTERS_SQL, params).df()


# --- the county-wide view: one row per township ----------------------------------
# The same station grids, added up per township, so ten townships are ten rows with a
# drill into one township's stations. A station-month counts in its roster township.

TOWNSHIP_MONTHS_SQL = f"""
    WITH station_grid AS ({STATION_MONTHS_SQL})
    SELECT township_code, township_name, month,
           sum(activities)::INTEGER AS activities,
           count(*) AS stations,
           count(*) FILTER (WHERE judged) AS stations_judged,
           count(*) FILTER (WHERE reception_missed) AS stations_missed,
           sum(activities) / count(*) AS activities_per_station,
           CASE WHEN count(*) FILTER (WHERE judged) = 0 THEN NULL
                ELSE 1 - count(*) FILTER (WHERE reception_missed) / count(*) FILTER (WHERE judged) END
               AS reception_share,
           sum(activities)::VARCHAR || '次' AS activities_text,
           CASE WHEN count(*) FILTER (WHERE judged) = 0 THEN ''
                WHEN count(*) FILTER (WHERE reception_missed) = 0 THEN '全部开展'
                ELSE $missed_mark || count(*) FILTER (WHERE reception_missed) || '站' END AS reception_text
    FROM station_grid
    GROUP BY ALL
    ORDER BY township_code, month
"""


def township_months(
    con: Con, scope: Scope, period: Period, as_of: dt.date = dt.date.max,
) -> pd.DataFrame:
    """Township × month: activities at its stations (and per station), and how many judged
    stations went without a reception day (缺N站)."""
    params = _station_params(scope, period, None, as_of, reception_kind=metrics.RECEPTION_KIND,
                             missed_mark=MISSED_MARK)
    return run(con, TOWNSHIP_MONTHS_SQL, params).df()


TOWNSHIP_QUARTERS_SQL = f"""
    WITH station_quarters AS ({STATION_QUARTERS_SQL})
    SELECT township_code, township_name, quarter_start, quarter_label,
           count(*) AS stations, count(*) FILTER (WHERE passed) AS stations_passed,
           count(*) FILTER (WHERE passed) / count(*) AS passed_share,
           count(*) FILTER (WHERE passed) || '/' || count(*) || '站达标' AS cell_text
    FROM station_quarters
    GROUP BY ALL
    ORDER BY township_code, quarter_start
"""


def township_quarters(con: Con, scope: Scope, period: Period, as_of: dt.date = dt.date.max) -> pd.DataFrame:
    """Township × full ended quarter: stations that reached the quarterly target, of those judged."""
    params = _station_params(scope, period, None, as_of, quarter_names=QUARTER_NAMES, target=QUARTER_TARGET,
                             passed_word=PASSED, failed_word=FAILED)
    return run(con, TOWNSHIP_QUARTERS_SQL, params).df()


STATION_VOTERS_SQL = f"""
    WITH {STATIONS_CTE},
    voters AS (SELECT station_id, sum(voters_received)::BIGINT AS voters_received FROM acts GROUP BY station_id),
    assigned AS (
        SELECT station_id, count(*) AS deputies FROM deputies WHERE station_id IS NOT NULL GROUP BY station_id
    ),
    joined AS (
        SELECT s.station_id, s.station_label, s.township_code, s.township_name,
               coalesce(v.voters_received, 0) AS voters_received, coalesce(d.deputies, 0) AS deputies
        FROM shown s
        LEFT JOIN voters v ON v.station_id = s.station_id
        LEFT JOIN assigned d ON d.station_id = s.station_id
    )
    SELECT *,
           CASE WHEN deputies > 0 THEN round(voters_received / deputies, 1) END AS voters_per_deputy,
           round(sum(voters_received) OVER () / nullif(sum(deputies) OVER (), 0), 1) AS overall_per_deputy
    FROM joined
    ORDER BY station_id
"""


def station_voters(
    con: Con, scope: Scope, period: Period, station: str | None = None, as_of: dt.date = dt.date.max,
) -> pd.DataFrame:
    """Voters received (sum of voters_received) per station, per deputy assigned to it on
    the roster; `overall_per_deputy` is the same ratio over all stations shown."""
    return run(con, STATION_VOTERS_SQL, _station_params(scope, period, station, as_of)).df()


STATION_ACTIVITIES_SQL = """
    SELECT strftime(a.date, '%Y-%m-%d') AS date, coalesce(t.township_name, a.township_code) AS township,
           coalesce(s.station_name, a.station_id) AS station,
           a.kind, a.theme, a.title, a.attendees, a.voters_received, a.source_file, a.source_row
    FROM activities_in($start, $end, $towns) a
    LEFT JOIN townships t ON t.township_code = a.township_code
    LEFT JOIN stations s ON s.station_id = a.station_id
    WHERE a.station_id IS NOT NULL AND ($station::VARCHAR IS NULL OR a.station_id = $station::VARCHAR)
      AND (len($cells::VARCHAR[]) = 0
           OR list_contains($cells::VARCHAR[], a.station_id || '|' || strftime(a.date, '%Y-%m')))
    ORDER BY a.date, a.source_file, a.source_row
"""


TOWNSHIP_VOTERS_SQL = f"""
    WITH per_station AS ({STATION_VOTERS_SQL})
    SELECT township_code, township_name, sum(voters_received)::BIGINT AS voters_received,
           sum(deputies)::BIGINT AS deputies,
           CASE WHEN sum(deputies) > 0 THEN round(sum(voters_received) / sum(deputies), 1) END AS voters_per_deputy,
           any_value(overall_per_deputy) AS overall_per_deputy
    FROM per_station
    GROUP BY ALL
    ORDER BY township_code
"""


def township_voters(con: Con, scope: Scope, period: Period, as_of: dt.date = dt.date.max) -> pd.DataFrame:
    """Voters received per deputy assigned to a station, per township (its stations pooled)."""
    return run(con, TOWNSHIP_VOTERS_SQL, _station_params(scope, period, None, as_of)).df()


def station_activities(
    con: Con, scope: Scope, period: Period, station: str | None = None, cells: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The activity rows behind the grid, with source file and row, narrowed to station|month cells."""
    params = _params(scope, period, station=station, cells=list(cells))
    return run(con, STATION_ACTIVITIES_SQL, params).df()


# The two contract figures for one station: the metric definitions plus `station_id = $station`.
ONE_STATION_SQL = """
    SELECT count(*) FILTER (WHERE kind = $kind), coalesce(sum(voters_received), 0)
    FROM activities_in($start, $end, $towns) WHERE station_id = $station
"""

STATION_TILES_SQL = f"""
    SELECT count(DISTINCT station_id), count(*) FILTER (WHERE reception_missed)
    FROM ({STATION_MONTHS_SQL})
"""


def headline(
    con: Con, scope: Scope, period: Period, station: str | None = None, as_of: dt.date = dt.date.max,
) -> dict:
    """The tiles: 接待日 and 联系选民人次 from the metric functions (for all stations) or the same
    definition narrowed to one station; the number of stations and of missed station-months."""
    if station is None:
        receptions = metrics.reception_days(con, scope, period)
        voters = metrics.voter_contacts(con, scope, period)
    else:
        receptions, voters = run(con, ONE_STATION_SQL, _params(
            scope, period, kind=metrics.RECEPTION_KIND, station=station)).fetchall()[0]
    params = _station_params(scope, period, station, as_of, reception_kind=metrics.RECEPTION_KIND,
                             missed_mark=MISSED_MARK)
    stations_total, months_missed = run(con, STATION_TILES_SQL, params).fetchall()[0]
    return {
        "reception_days": receptions,
        "voter_contacts": voters,
        "stations_total": stations_total,
        "reception_months_missed": months_missed,
    }


# --- station building (活动站建设 of the 工作总结) ---------------------------------------

BUILDING_FIGURES = (
    metrics.stations_on_roster, metrics.stations_established, metrics.station_activities_min,
    metrics.deputies_per_reception, metrics.voter_contacts_with_visits,
)

BUILDING_FIGURE_KEYS = tuple(f.__name__ for f in BUILDING_FIGURES)


def building_figures(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The tiles of the 活动站建设 section, under their metric keys."""
    return {f.__name__: f(con, scope, period) for f in BUILDING_FIGURES}


STATION_TALLY_FRAME_SQL = f"""
    WITH tally AS ({metrics.STATION_TALLY_SQL})
    SELECT coalesce(s.station_name, t.station_id) || '（' || t.station_id || '）' AS station_label,
           t.activities, min(t.activities) OVER () AS fewest
    FROM tally t JOIN stations s USING (station_id)
    ORDER BY t.activities, t.station_id
"""


def station_tally(con: Con, scope: Scope, period: Period) -> pd.DataFrame:
    """Activities of each standing roster station over the period (the term on the page), fewest
    first; `fewest` is metrics.station_activities_min."""
    return run(con, STATION_TALLY_FRAME_SQL, _params(scope, period)).df()
