"""Every metric of the data contract's section 4 (指标口径), one function each.

Each takes a read connection, a scope (township codes) and a period (both ends
included) and runs one parameterised SQL statement through the period/scope
macros of etl/schema.sql. The CLI (`python -m etl metrics`) and every page call
these same functions, so a figure means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

INSPECTION_KINDS = ["视察", "执法检查"]
SUPERVISION_KINDS = ["视察", "执法检查", "调研", "评议"]
EVALUATION_KIND = "评议"
RECEPTION_KIND = "接待选民"
REPORTING_KIND = "述职"
RESOLVED = "已办结"
SATISFIED = ["满意", "基本满意"]
OUTCOME_LETTERS = ["A", "B", "C", "D"]
NOT_FILLED = "未填写"


@dataclass(frozen=True)
class Scope:
    """A set of townships, by code."""

    township_codes: tuple[str, ...]


@dataclass(frozen=True)
class Period:
    """A date range, both ends included."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Settings:
    """The two time limits the contract leaves as settings."""

    time_limit_days: int = 90
    due_soon_days: int = 15


Con = duckdb.DuckDBPyConnection


def _params(scope: Scope, period: Period, **extra) -> dict:
    return {"start": period.start, "end": period.end, "towns": list(scope.township_codes), **extra}


def run(con: Con, sql: str, params: dict) -> duckdb.DuckDBPyConnection:
    """Execute with the parameters the statement names (DuckDB refuses unused ones)."""
    used = {name: value for name, value in params.items() if re.search(rf"\${name}\b", sql)}
    return con.execute(sql, used)


def _scalar(con: Con, sql: str, params: dict):
    return run(con, sql, params).fetchall()[0][0]


def _counts(con: Con, sql: str, params: dict) -> dict[str, int]:
    """A two-column query (label, count) as an ordered dict."""
    return {label: count for label, count in run(con, sql, params).fetchall()}


def _ratio(numerator, denominator) -> float | None:
    return numerator / denominator if denominator else None


# --- activities -------------------------------------------------------------

def activities_total(con: Con, scope: Scope, period: Period) -> int:
    """All activities of any kind (not a contract key; the pages' trend uses it)."""
    return _scalar(con, "SELECT count(*) FROM activities_in($start, $end, $towns)",
                   _params(scope, period))


def inspections(con: Con, scope: Scope, period: Period) -> int:
    """视察检查次数: activities of kind 视察 or 执法检查."""
    return _scalar(
        con,
        "SELECT count(*) FROM activities_in($start, $end, $towns) WHERE list_contains($kinds, kind)",
        _params(scope, period, kinds=INSPECTION_KINDS),
    )


def inspections_by_theme(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """视察检查 split by theme; rows without a theme count under 未填写."""
    return _counts(
        con,
        """
        SELECT coalesce(theme, $not_filled) AS theme, count(*) AS n
        FROM activities_in($start, $end, $towns)
        WHERE list_contains($kinds, kind)
        GROUP BY ALL ORDER BY n DESC, theme
        """,
        _params(scope, period, kinds=INSPECTION_KINDS, not_filled=NOT_FILLED),
    )


def supervision(con: Con, scope: Scope, period: Period) -> int:
    """监督活动次数: activities of kind 视察, 执法检查, 调研 or 评议."""
    return _scalar(
        con,
        "SELECT count(*) FROM activities_in($start, $end, $towns) WHERE list_contains($kinds, kind)",
        _params(scope, period, kinds=SUPERVISION_KINDS),
    )


def evaluated_units(con: Con, scope: Scope, period: Period) -> int:
    """评议单位数: distinct evaluated units of 评议 activities."""
    return _scalar(
        con,
        "SELECT count(DISTINCT evaluated_unit) FROM activities_in($start, $end, $towns) "
        "WHERE kind = $kind",
        _params(scope, period, kind=EVALUATION_KIND),
    )


def station_activities(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """活动站活动次数: station id -> activities held with that station id."""
    return _counts(
        con,
        """
        SELECT station_id, count(*) FROM activities_in($start, $end, $towns)
        WHERE station_id IS NOT NULL
        GROUP BY station_id ORDER BY station_id
        """,
        _params(scope, period),
    )


def reception_days(con: Con, scope: Scope, period: Period) -> int:
    """接待日: activities of kind 接待选民."""
    return _scalar(
        con,
        "SELECT count(*) FROM activities_in($start, $end, $towns) WHERE kind = $kind",
        _params(scope, period, kind=RECEPTION_KIND),
    )


REPORTING_DEPUTIES_SQL = """
    SELECT DISTINCT ad.deputy_id
    FROM activities_in($start, $end, $towns) a
    JOIN activity_deputies ad USING (activity_id)
    WHERE a.kind = $kind
"""


def reporting_deputies(con: Con, scope: Scope, period: Period) -> int:
    """述职代表数: distinct deputies taking part in 述职 activities."""
    return _scalar(con, f"SELECT count(*) FROM ({REPORTING_DEPUTIES_SQL})",
                   _params(scope, period, kind=REPORTING_KIND))


def reporting_deputies_by_level(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """述职代表 split by level (deputies not on the roster count under 未填写)."""
    return _counts(
        con,
        f"""
        SELECT coalesce(d.level, $not_filled) AS level, count(*) AS n
        FROM ({REPORTING_DEPUTIES_SQL}) r LEFT JOIN deputies d USING (deputy_id)
        GROUP BY ALL ORDER BY n DESC, level
        """,
        _params(scope, period, kind=REPORTING_KIND, not_filled=NOT_FILLED),
    )


def voter_contacts(con: Con, scope: Scope, period: Period) -> int:
    """联系选民人次: the sum of voters received."""
    return _scalar(
        con,
        "SELECT coalesce(sum(voters_received), 0) FROM activities_in($start, $end, $towns)",
        _params(scope, period),
    )


# --- suggestions ------------------------------------------------------------

def suggestions_collected(con: Con, scope: Scope, period: Period) -> int:
    """建议收集数: suggestions received in the period."""
    return _scalar(
        con,
        "SELECT count(*) FROM suggestions_of($towns) WHERE received_on BETWEEN $start AND $end",
        _params(scope, period),
    )


def suggestions_by_source(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """建议收集数 split by source."""
    return _counts(
        con,
        """
        SELECT source, count(*) AS n FROM suggestions_of($towns)
        WHERE received_on BETWEEN $start AND $end
        GROUP BY source ORDER BY n DESC, source
        """,
        _params(scope, period),
    )


def suggestions_resolved(con: Con, scope: Scope, period: Period) -> int:
    """建议办结数: suggestions resolved in the period."""
    return _scalar(
        con,
        "SELECT count(*) FROM suggestions_of($towns) WHERE resolved_on BETWEEN $start AND $end",
        _params(scope, period),
    )


def resolution_rate(con: Con, scope: Scope, period: Period) -> float | None:
    """办结率: of the suggestions collected in the period, the share now 已办结."""
    collected, resolved = run(
        con,
        """
        SELECT count(*), count(*) FILTER (WHERE status = $resolved)
        FROM suggestions_of($towns) WHERE received_on BETWEEN $start AND $end
        """,
        _params(scope, period, resolved=RESOLVED),
    ).fetchall()[0]
    return _ratio(resolved, collected)


def median_days_to_resolve(con: Con, scope: Scope, period: Period) -> float | None:
    """办理时长: median days from receipt to resolution, over those resolved in the period."""
    return _scalar(
        con,
        "SELECT median(resolved_on - received_on) FROM suggestions_of($towns) "
        "WHERE resolved_on BETWEEN $start AND $end",
        _params(scope, period),
    )


def overdue(con: Con, scope: Scope, period: Period, settings: Settings = Settings()) -> int:
    """超期未办结: not 已办结, received more than the time limit before the period's end."""
    return _scalar(
        con,
        """
        SELECT count(*) FROM suggestions_of($towns)
        WHERE status <> $resolved AND received_on <= $end
          AND $end - received_on > $limit
        """,
        _params(scope, period, resolved=RESOLVED, limit=settings.time_limit_days),
    )


def due_soon(con: Con, scope: Scope, period: Period, settings: Settings = Settings()) -> int:
    """临期: not 已办结, whose time limit ends within the warning window after the period."""
    return _scalar(
        con,
        """
        SELECT count(*) FROM suggestions_of($towns)
        WHERE status <> $resolved
          AND received_on + $limit > $end
          AND received_on + $limit <= $end + $window
        """,
        _params(scope, period, resolved=RESOLVED, limit=settings.time_limit_days,
                window=settings.due_soon_days),
    )


def suggestions_by_outcome(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """办理结果: suggestions resolved in the period, by outcome letter (all four shown)."""
    counted = _counts(
        con,
        """
        SELECT outcome, count(*) FROM suggestions_of($towns)
        WHERE resolved_on BETWEEN $start AND $end AND outcome IS NOT NULL
        GROUP BY outcome
        """,
        _params(scope, period),
    )
    return {letter: counted.get(letter, 0) for letter in OUTCOME_LETTERS}


def satisfaction_rate(con: Con, scope: Scope, period: Period) -> float | None:
    """满意率: (满意 + 基本满意) / resolved in the period with a satisfaction answer."""
    answered, satisfied = run(
        con,
        """
        SELECT count(*), count(*) FILTER (WHERE list_contains($satisfied, satisfaction))
        FROM suggestions_of($towns)
        WHERE resolved_on BETWEEN $start AND $end AND satisfaction IS NOT NULL
        """,
        _params(scope, period, satisfied=SATISFIED),
    ).fetchall()[0]
    return _ratio(satisfied, answered)


# --- visits (代表行动) -------------------------------------------------------

def households_visited(con: Con, scope: Scope, period: Period) -> int:
    """Roster households of the scope with at least one visit in the period."""
    return _scalar(
        con,
        """
        SELECT count(*) FROM households h
        WHERE h.township_code IN (SELECT unnest($towns))
          AND h.household_id IN (SELECT household_id FROM visits
                                 WHERE date BETWEEN $start AND $end)
        """,
        _params(scope, period),
    )


def households_total(con: Con, scope: Scope, period: Period) -> int:
    """Roster households of the scope (the coverage denominator)."""
    return _scalar(
        con,
        "SELECT count(*) FROM households WHERE township_code IN (SELECT unnest($towns))",
        {"towns": list(scope.township_codes)},
    )


def household_coverage(con: Con, scope: Scope, period: Period) -> float | None:
    """脱贫户走访覆盖率: households visited / households on the roster."""
    return _ratio(households_visited(con, scope, period), households_total(con, scope, period))


def deputies_visiting(con: Con, scope: Scope, period: Period) -> int:
    """Roster deputies of the scope who made at least one visit in the period."""
    return _scalar(
        con,
        """
        SELECT count(*) FROM deputies d
        WHERE d.township_code IN (SELECT unnest($towns))
          AND d.deputy_id IN (SELECT vd.deputy_id FROM visit_deputies vd
                              JOIN visits v USING (visit_id)
                              WHERE v.date BETWEEN $start AND $end)
        """,
        _params(scope, period),
    )


def deputies_total(con: Con, scope: Scope, period: Period) -> int:
    """Roster deputies of the scope (the participation denominator)."""
    return _scalar(
        con,
        "SELECT count(*) FROM deputies WHERE township_code IN (SELECT unnest($towns))",
        {"towns": list(scope.township_codes)},
    )


def deputy_participation(con: Con, scope: Scope, period: Period) -> float | None:
    """代表参与率: deputies visiting / deputies on the roster."""
    return _ratio(deputies_visiting(con, scope, period), deputies_total(con, scope, period))


def enterprises_visited(con: Con, scope: Scope, period: Period) -> int:
    """走访企业数: distinct enterprise names visited."""
    return _scalar(
        con,
        "SELECT count(DISTINCT enterprise) FROM visits_in($start, $end, $towns)",
        _params(scope, period),
    )


def problems_found(con: Con, scope: Scope, period: Period) -> int:
    """发现问题数 (not a contract key; shown beside 解决问题数)."""
    return _scalar(
        con,
        "SELECT coalesce(sum(problems_found), 0) FROM visits_in($start, $end, $towns)",
        _params(scope, period),
    )


def problems_solved(con: Con, scope: Scope, period: Period) -> int:
    """解决问题数: the sum of problems solved on visits."""
    return _scalar(
        con,
        "SELECT coalesce(sum(problems_solved), 0) FROM visits_in($start, $end, $towns)",
        _params(scope, period),
    )


def households_consoled(con: Con, scope: Scope, period: Period) -> int:
    """慰问户数: distinct households with a visit marked 慰问."""
    return _scalar(
        con,
        "SELECT count(DISTINCT household_id) FROM visits_in($start, $end, $towns) WHERE consoled",
        _params(scope, period),
    )


# --- all of them ------------------------------------------------------------

def all_metrics(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings()
) -> dict[str, object]:
    """Every section-4 metric under its contract key, for the CLI's --json."""
    plain = [
        inspections, inspections_by_theme, supervision, evaluated_units,
        suggestions_collected, suggestions_by_source, suggestions_resolved, resolution_rate,
        median_days_to_resolve,
    ]
    later = [
        suggestions_by_outcome, satisfaction_rate,
        household_coverage, households_visited, households_total,
        deputy_participation, deputies_visiting, deputies_total,
        enterprises_visited, problems_found, problems_solved, households_consoled,
        station_activities, reception_days, reporting_deputies, reporting_deputies_by_level,
        voter_contacts, activities_total,
    ]
    figures = {f.__name__: f(con, scope, period) for f in plain}
    figures["overdue"] = overdue(con, scope, period, settings)
    figures["due_soon"] = due_soon(con, scope, period, settings)
    figures |= {f.__name__: f(con, scope, period) for f in later}
    return figures
