"""Every metric of the data contract's section 4 (指标口径), one function each.

Each takes a read connection, a scope (township codes) and a period (both ends
included) and runs one parameterised SQL statement through the period/scope
macros of etl/schema.sql. The CLI (`python -m etl metrics`) and every page call
these same functions, so a figure means the same thing everywhere.

Three rules beyond the contract's words live here too, once, for every caller:
- the as-of day (`as_of_date`) at which open suggestions are counted;
- the coverage window (`coverage_windows`): a campaign's visits, or the year to date;
- the townships' average (`pooled_average`): pooled, never a mean of rates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from etl.registers import DEPUTY_LEVELS, EDUCATION_LEVELS, ENTERPRISE_TARGET, GENDERS, OCCUPATIONS

INSPECTION_KINDS = ["视察", "执法检查"]
SUPERVISION_KINDS = ["视察", "执法检查", "调研", "评议"]
EVALUATION_KIND = "评议"
RECEPTION_KIND = "接待选民"
REPORTING_KIND = "述职"
MEETING_KIND = "会议"
TRAINING_KIND = "学习培训"
MOTION_SOURCE = "议案"
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


# --- the as-of day ------------------------------------------------------------

LATEST_LOAD_SQL = "SELECT max(loaded_at) FROM load_log WHERE status = 'loaded'"
# The newest load of a file holding rows of the scope's townships (load_log.township_codes).
LATEST_SCOPE_LOAD_SQL = """
    SELECT max(loaded_at) FROM load_log
    WHERE status = 'loaded' AND len(township_codes) > 0 AND list_has_any($towns, township_codes)
"""
LOADS_ARE_SCOPED_SQL = """
    SELECT count(*) > 0 FROM duckdb_columns() WHERE table_name = 'load_log' AND column_name = 'township_codes'
"""


def data_as_of(con: Con, today: dt.date | None = None, scope: Scope | None = None) -> dt.date:
    """The day the data stands at: the day of the latest load, never after today.

    Registers are exported and loaded on the same day, so a suggestion's status is
    known as of its load; the latest record date says nothing about that (a quiet
    month still moves suggestions to 已办结). With a scope, the latest load of a file
    holding its townships' rows (else of any file). Without any load: today.
    """
    today = today or dt.date.today()
    latest = None
    if scope is not None and con.execute(LOADS_ARE_SCOPED_SQL).fetchall()[0][0]:
        latest = run(con, LATEST_SCOPE_LOAD_SQL, {"towns": list(scope.township_codes)}).fetchall()[0][0]
    if latest is None:
        latest = con.execute(LATEST_LOAD_SQL).fetchall()[0][0]
    return min(latest.date(), today) if latest else today


def as_of_date(con: Con, period: Period, today: dt.date | None = None, scope: Scope | None = None) -> dt.date:
    """The day 超期未办结, 临期 and 已办理天数 are counted at: the earlier of the period's end
    and the data's as-of day (data_as_of). A past period keeps the contract's figure
    (counted at its end); a period still running (本季度 on 1 December) is counted at the
    day the data stands at, not at a future end that would inflate overdue and empty due-soon."""
    return min(period.end, data_as_of(con, today, scope))


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


COHORT_SQL = """
    SELECT count(*), count(*) FILTER (WHERE status = $resolved)
    FROM suggestions_of($towns) WHERE received_on BETWEEN $start AND $end
"""


def resolution_rate(con: Con, scope: Scope, period: Period) -> float | None:
    """办结率 (本期收集件办结率): of the suggestions collected in the period, the share now 已办结."""
    collected, resolved = run(con, COHORT_SQL, _params(scope, period, resolved=RESOLVED)).fetchall()[0]
    return _ratio(resolved, collected)


def collected_resolved(con: Con, scope: Scope, period: Period) -> int:
    """The numerator of 办结率: suggestions collected in the period and 已办结 now (not a
    contract key; shown beside the rate so it is not read as 办结数 ÷ 收集数)."""
    return run(con, COHORT_SQL, _params(scope, period, resolved=RESOLVED)).fetchall()[0][1]


def resolution_rate_by(con: Con, scope: Scope, period: Period, resolved_by: dt.date) -> float | None:
    """办结率 of the period's cohort counted at an earlier day: 已办结 with a resolution
    date on or before `resolved_by`. An older cohort measured at the age the newest one
    has now is the fair comparison: young suggestions are open because they are young."""
    collected, resolved = run(
        con,
        """
        SELECT count(*), count(*) FILTER (WHERE status = $resolved AND resolved_on <= $resolved_by)
        FROM suggestions_of($towns) WHERE received_on BETWEEN $start AND $end
        """,
        _params(scope, period, resolved=RESOLVED, resolved_by=resolved_by),
    ).fetchall()[0]
    return _ratio(resolved, collected)


NEWEST_SUGGESTION_DATE_SQL = """
    SELECT max(greatest(received_on, coalesce(referred_on, received_on), coalesce(resolved_on, received_on)))
    FROM suggestions_of($towns)
"""


def statuses_as_of(con: Con, today: dt.date | None = None, scope: Scope | None = None) -> dt.date:
    """The day the suggestions' statuses stand at, for cohort ages: the data's as-of day, or
    the newest date written in the scope's suggestions when that is earlier (an export
    loaded weeks after it was made must not make its open suggestions look older)."""
    towns = list(scope.township_codes) if scope is not None else [
        code for (code,) in con.execute("SELECT township_code FROM townships").fetchall()]
    newest = run(con, NEWEST_SUGGESTION_DATE_SQL, {"towns": towns}).fetchall()[0][0]
    day = data_as_of(con, today, scope)
    return min(day, newest) if newest else day


def resolution_rate_same_age(
    con: Con, scope: Scope, period: Period, earlier: Period, today: dt.date | None = None,
) -> float | None:
    """办结率 of the `earlier` period's cohort when it was as old as `period`'s cohort is
    now (both ages counted from the period's first day to `statuses_as_of`)."""
    age = statuses_as_of(con, today, scope) - period.start
    return resolution_rate_by(con, scope, earlier, earlier.start + age)


def median_days_to_resolve(con: Con, scope: Scope, period: Period) -> float | None:
    """办理时长: median days from receipt to resolution, over those resolved in the period."""
    return _scalar(
        con,
        "SELECT median(resolved_on - received_on) FROM suggestions_of($towns) "
        "WHERE resolved_on BETWEEN $start AND $end",
        _params(scope, period),
    )


# The conditions of 超期未办结 and 临期 at the as-of day $as_of (the suggestion lists of
# queries/suggestions.py and the comparison use them word for word).
OVERDUE_CONDITION = "status <> $resolved AND received_on <= $as_of AND $as_of - received_on > $limit"
DUE_SOON_CONDITION = (
    "status <> $resolved AND received_on + $limit > $as_of AND received_on + $limit <= $as_of + $window"
)


def open_params(
    con: Con, scope: Scope, period: Period, settings: Settings, today: dt.date | None, **extra
) -> dict:
    """Parameters of the open-suggestion conditions: the limits and the as-of day."""
    return _params(scope, period, resolved=RESOLVED, limit=settings.time_limit_days,
                   window=settings.due_soon_days, as_of=as_of_date(con, period, today, scope), **extra)


def overdue(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> int:
    """超期未办结: not 已办结, received more than the time limit before the as-of day."""
    return _scalar(con, f"SELECT count(*) FROM suggestions_of($towns) WHERE {OVERDUE_CONDITION}",
                   open_params(con, scope, period, settings, today))


def due_soon(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> int:
    """临期: not 已办结, whose time limit ends within the warning window after the as-of day."""
    return _scalar(con, f"SELECT count(*) FROM suggestions_of($towns) WHERE {DUE_SOON_CONDITION}",
                   open_params(con, scope, period, settings, today))


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


# --- coverage in a campaign window ------------------------------------------------
# Visiting every household is a campaign (专项行动, "代表行动"), not a quarterly task: a
# quarter without a campaign would show 0.8 % coverage. So the pages, tiles and briefing
# measure coverage over a window: each campaign (the 专项行动 value of the visits) that
# overlaps the period, from its first visit to its last (up to the as-of day), or the
# year to date when no campaign overlaps. The contract's in-period figures above stay
# what `python -m etl metrics` prints.

@dataclass(frozen=True)
class CoverageWindow:
    """The visits a coverage figure counts: one campaign's, or any visit of the year to date."""

    start: dt.date
    end: dt.date
    campaign: str | None = None  # None: the year to date
    finished: bool = False  # the campaign's last visit is before the as-of day: its shortfall is final

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


# A campaign belongs to the county that runs it: its window is taken over the visits of
# the counties of the scope, so a township that has not yet visited anyone still sees
# its county's campaign (at 0 %), and another county's campaign of the same name is not it.
CAMPAIGNS_SQL = """
    WITH counties AS (SELECT DISTINCT county FROM townships WHERE township_code IN (SELECT unnest($towns))),
    county_towns AS (SELECT township_code FROM townships WHERE county IN (SELECT county FROM counties))
    SELECT campaign, min(date) AS first_visit, max(date) AS last_visit
    FROM visits
    WHERE campaign IS NOT NULL AND township_code IN (SELECT township_code FROM county_towns)
    GROUP BY campaign
    HAVING min(date) <= least($end, $as_of) AND max(date) >= $start
    ORDER BY first_visit, campaign
"""


def coverage_windows(
    con: Con, scope: Scope, period: Period, today: dt.date | None = None,
) -> list[CoverageWindow]:
    """The campaigns overlapping the period that had started by the as-of day, oldest first,
    each from its first visit to its last, or to the as-of day while it goes on; with none,
    one window: the year to date. A campaign is finished once its last visit is behind the
    as-of day (only then can its shortfall be judged)."""
    as_of = as_of_date(con, period, today, scope)
    found = run(con, CAMPAIGNS_SQL, _params(scope, period, as_of=as_of)).fetchall()
    if found:
        return [CoverageWindow(first, min(last, as_of), name, finished=last < as_of) for name, first, last in found]
    return [CoverageWindow(dt.date(as_of.year, 1, 1), as_of)]


WINDOW_COVERAGE_SQL = """
    WITH window_visits AS (
        SELECT * FROM visits
        WHERE date BETWEEN $start AND $end AND ($campaign::VARCHAR IS NULL OR campaign = $campaign::VARCHAR)
    )
    SELECT
        (SELECT count(*) FROM households WHERE township_code IN (SELECT unnest($towns))
           AND household_id IN (SELECT household_id FROM window_visits)),
        (SELECT count(*) FROM deputies WHERE township_code IN (SELECT unnest($towns))
           AND deputy_id IN (SELECT deputy_id FROM visit_deputies
                             WHERE visit_id IN (SELECT visit_id FROM window_visits)))
"""


def window_coverage(con: Con, scope: Scope, window: CoverageWindow) -> dict[str, object]:
    """脱贫户走访覆盖率 and 代表参与率 over a window, with their counts: the definitions of
    household_coverage / deputy_participation with the window's visits in place of the period's."""
    visited, visiting = run(con, WINDOW_COVERAGE_SQL, _params(
        scope, window.period, campaign=window.campaign)).fetchall()[0]
    households, deputies = households_total(con, scope, window.period), deputies_total(con, scope, window.period)
    return {
        "campaign_households_visited": visited, "households_total": households,
        "campaign_household_coverage": _ratio(visited, households),
        "campaign_deputies_visiting": visiting, "deputies_total": deputies,
        "campaign_deputy_participation": _ratio(visiting, deputies),
    }


# --- the townships' average ---------------------------------------------------------
# 全县平均 (what a township is compared with, on the comparison page and in the briefing)
# is pooled: the sum of the townships' numerators ÷ the sum of their denominators, which
# is the metric computed over the whole scope, so a township weighs by its size and the
# average equals the scope's own figure on every other page. For a count (视察检查次数)
# it is the scope's total ÷ the number of townships. Key -> (numerator, denominator, scale).
POOLED_PARTS: dict[str, tuple[str, str, float]] = {
    "resolution_rate": ("collected_resolved", "suggestions_collected", 1),
    "household_coverage": ("households_visited", "households_total", 1),
    "deputy_participation": ("deputies_visiting", "deputies_total", 1),
    "campaign_household_coverage": ("campaign_households_visited", "households_total", 1),
    "campaign_deputy_participation": ("campaign_deputies_visiting", "deputies_total", 1),
    "supervision_per_100_deputies": ("supervision", "deputies_total", 100),
    "suggestions_per_100_deputies": ("suggestions_collected", "deputies_total", 100),
    "activities_per_station": ("activities_total", "stations_total", 1),
    "reception_days_per_station": ("reception_days", "stations_total", 1),
    "voter_contacts_per_station": ("voter_contacts", "stations_total", 1),
    "reception_compliance": ("reception_months_held", "reception_months_due", 1),
}


def pooled_average(frame, key: str) -> float | None:
    """全县平均 of `key` over the rows of `frame` (one per township, holding the parts named
    in POOLED_PARTS): pooled for ratios, total ÷ townships for counts; None if undefined."""
    if key not in POOLED_PARTS:
        return float(frame[key].sum()) / len(frame) if len(frame) else None
    numerator, denominator, scale = POOLED_PARTS[key]
    total = float(frame[denominator].sum())
    return scale * float(frame[numerator].sum()) / total if total else None
# --- figures the work summaries report (issue 12) ---------------------------
# Not in contract section 4; each has its key and 口径 in queries/labels.py.

DEPUTY_LEVEL_ORDER, GENDER_ORDER = list(DEPUTY_LEVELS), list(GENDERS)
EDUCATION_ORDER, OCCUPATION_ORDER = list(EDUCATION_LEVELS), list(OCCUPATIONS)
# Age bands of the 换届 reports ("35岁以下…36岁至55岁…56岁以上"): upper bounds, inclusive.
AGE_BANDS = [("35岁及以下", 35), ("36至55岁", 55), ("56岁及以上", None)]
# How a 会议 is told apart: by words in its title (人代会 sessions, presidium meetings).
SESSION_MEETING, PRESIDIUM_MEETING, OTHER_MEETING = "人民代表大会会议", "主席团会议", "其他会议"
SESSION_WORDS = ["人民代表大会", "人代会"]
PRESIDIUM_WORDS = ["主席团"]

ROSTER_SPLIT_SQL = """
    SELECT label, count(*) AS n
    FROM (SELECT coalesce({column}, $not_filled) AS label FROM deputies
          WHERE township_code IN (SELECT unnest($towns)))
    GROUP BY label
    ORDER BY coalesce(list_position($order::VARCHAR[], label), 99), label
"""


def _roster_split(con: Con, scope: Scope, column: str, order: list[str]) -> dict[str, int]:
    """Roster deputies of the scope counted by one roster column, in the register's order."""
    return _counts(con, ROSTER_SPLIT_SQL.format(column=column),
                   {"towns": list(scope.township_codes), "not_filled": NOT_FILLED, "order": order})


def deputies_by_level(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """五级代表: roster deputies by level (全国 / 省 / 市 / 县 / 乡镇), levels present only."""
    return _roster_split(con, scope, "level", DEPUTY_LEVEL_ORDER)


def deputies_by_gender(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by gender (blank: 未填写)."""
    return _roster_split(con, scope, "gender", GENDER_ORDER)


def deputies_by_education(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by education, highest first (blank: 未填写)."""
    return _roster_split(con, scope, "education", EDUCATION_ORDER)


def deputies_by_occupation(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by occupation (blank: 未填写)."""
    return _roster_split(con, scope, "occupation", OCCUPATION_ORDER)


AGE_BAND_SQL = """
    WITH aged AS (
        SELECT year($end::DATE) - birth_year AS age FROM deputies
        WHERE township_code IN (SELECT unnest($towns))
    )
    SELECT band, count(*) AS n
    FROM (SELECT CASE WHEN age IS NULL THEN $not_filled WHEN age <= $young_max THEN $young
                      WHEN age <= $middle_max THEN $middle ELSE $old END AS band FROM aged)
    GROUP BY band
    ORDER BY list_position([$young, $middle, $old, $not_filled], band)
"""


def deputies_by_age_band(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """Roster deputies by age at the period's end year (year − 出生年份): 35 and under, 36-55, 56 up."""
    (young, young_max), (middle, middle_max), (old, _) = AGE_BANDS
    return _counts(con, AGE_BAND_SQL, {
        "end": period.end, "towns": list(scope.township_codes), "not_filled": NOT_FILLED,
        "young": young, "young_max": young_max, "middle": middle, "middle_max": middle_max, "old": old,
    })


# Names repeat across townships (every township has a 第1代表组), and a team's name may repeat
# across the groups it belongs to (each group's 第一分队): count within the township, and teams
# within their group.
ROSTER_UNITS_SQL = """
    SELECT count(DISTINCT ({unit})) FROM deputies
    WHERE township_code IN (SELECT unnest($towns)) AND {column} IS NOT NULL
"""


def deputy_groups(con: Con, scope: Scope, period: Period) -> int:
    """代表组数: distinct 代表小组 on the roster, each township's counted apart."""
    sql = ROSTER_UNITS_SQL.format(unit="township_code, group_name", column="group_name")
    return _scalar(con, sql, {"towns": list(scope.township_codes)})


def action_teams(con: Con, scope: Scope, period: Period) -> int:
    """行动分队数: distinct 行动分队 on the roster, counted within each township and 代表小组."""
    sql = ROSTER_UNITS_SQL.format(unit="township_code, coalesce(group_name, ''), team_name", column="team_name")
    return _scalar(con, sql, {"towns": list(scope.township_codes)})


def supervision_by_kind(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """监督活动 split by kind (视察 / 执法检查 / 调研 / 评议), kinds held only."""
    return _counts(
        con,
        """
        SELECT kind, count(*) FROM activities_in($start, $end, $towns)
        WHERE list_contains($kinds, kind)
        GROUP BY kind ORDER BY list_position($kinds, kind)
        """,
        _params(scope, period, kinds=SUPERVISION_KINDS),
    )


MEETING_TYPE_SQL = """
    CASE WHEN list_bool_or([contains(title, w) FOR w IN $session_words]) THEN $session
         WHEN list_bool_or([contains(title, w) FOR w IN $presidium_words]) THEN $presidium
         ELSE $other END
"""


def _meeting_params(scope: Scope, period: Period) -> dict:
    return _params(scope, period, kind=MEETING_KIND, session_words=SESSION_WORDS, presidium_words=PRESIDIUM_WORDS,
                   session=SESSION_MEETING, presidium=PRESIDIUM_MEETING, other=OTHER_MEETING)


def meetings(con: Con, scope: Scope, period: Period) -> int:
    """召开会议次数: activities of kind 会议 (人代会 sessions, 主席团会议 and others)."""
    return _scalar(con, "SELECT count(*) FROM activities_in($start, $end, $towns) WHERE kind = $kind",
                   _params(scope, period, kind=MEETING_KIND))


def meetings_by_type(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """会议 by what the title names: 人民代表大会 / 人代会, else 主席团, else 其他会议."""
    return _counts(
        con,
        f"""
        SELECT meeting_type, count(*)
        FROM (SELECT {MEETING_TYPE_SQL} AS meeting_type FROM activities_in($start, $end, $towns) WHERE kind = $kind)
        GROUP BY meeting_type ORDER BY list_position([$session, $presidium, $other], meeting_type)
        """,
        _meeting_params(scope, period),
    )


def trainings(con: Con, scope: Scope, period: Period) -> int:
    """学习培训次数: activities of kind 学习培训."""
    return _scalar(con, "SELECT count(*) FROM activities_in($start, $end, $towns) WHERE kind = $kind",
                   _params(scope, period, kind=TRAINING_KIND))


def training_attendance(con: Con, scope: Scope, period: Period) -> int:
    """参加学习培训人次: the sum of 参加人数 of 学习培训 (blank 参加人数: the deputies listed)."""
    return _scalar(
        con,
        "SELECT coalesce(sum(attendees), 0) FROM activities_in($start, $end, $towns) WHERE kind = $kind",
        _params(scope, period, kind=TRAINING_KIND),
    )


RECEPTION_STAFF_SQL = """
    SELECT a.activity_id, count(ad.deputy_id) AS deputies
    FROM activities_in($start, $end, $towns) a JOIN activity_deputies ad USING (activity_id)
    WHERE a.kind = $kind
    GROUP BY a.activity_id
"""


def deputies_per_reception(con: Con, scope: Scope, period: Period) -> float | None:
    """每次接待日代表人数: average 参加代表 per 接待选民 activity that lists its deputies, to one decimal
    (a head count is never read to more)."""
    return _scalar(con, f"SELECT round(avg(deputies), 1) FROM ({RECEPTION_STAFF_SQL})",
                   _params(scope, period, kind=RECEPTION_KIND))


def reception_deputies_by_level(con: Con, scope: Scope, period: Period) -> dict[str, int]:
    """接待选民的代表 by level: distinct deputies listed on 接待选民 activities (not on the roster: 未填写)."""
    return _counts(
        con,
        """
        WITH staff AS (
            SELECT DISTINCT ad.deputy_id FROM activities_in($start, $end, $towns) a
            JOIN activity_deputies ad USING (activity_id) WHERE a.kind = $kind
        )
        SELECT level, count(*)
        FROM (SELECT coalesce(d.level, $not_filled) AS level FROM staff LEFT JOIN deputies d USING (deputy_id))
        GROUP BY level ORDER BY coalesce(list_position($order::VARCHAR[], level), 99), level
        """,
        _params(scope, period, kind=RECEPTION_KIND, not_filled=NOT_FILLED, order=DEPUTY_LEVEL_ORDER),
    )


def voter_contacts_with_visits(con: Con, scope: Scope, period: Period) -> int:
    """联系选民人次（含走访）: 联系选民人次 plus one per visit that is not to an enterprise."""
    visits = _scalar(
        con,
        "SELECT count(*) FROM visits_in($start, $end, $towns) WHERE target_kind <> $enterprise",
        _params(scope, period, enterprise=ENTERPRISE_TARGET),
    )
    return voter_contacts(con, scope, period) + visits


# A station counts once it stands at the period's end: set up by then, or with no 设立日期.
STATIONS_STANDING_SQL = """
    SELECT * FROM stations
    WHERE township_code IN (SELECT unnest($towns)) AND (established_on IS NULL OR established_on <= $end)
"""


def stations_on_roster(con: Con, scope: Scope, period: Period) -> int:
    """活动站总数: roster stations of the scope set up by the period's end (or without 设立日期)."""
    return _scalar(con, f"SELECT count(*) FROM ({STATIONS_STANDING_SQL})", _params(scope, period))


def stations_established(con: Con, scope: Scope, period: Period) -> int:
    """新设立活动站数: roster stations of the scope whose 设立日期 falls in the period."""
    return _scalar(
        con,
        "SELECT count(*) FROM stations WHERE township_code IN (SELECT unnest($towns)) "
        "AND established_on BETWEEN $start AND $end",
        _params(scope, period),
    )


STATION_TALLY_SQL = f"""
    SELECT s.station_id, count(a.activity_id) AS activities
    FROM ({STATIONS_STANDING_SQL}) s
    LEFT JOIN activities_in($start, $end, $towns) a ON a.station_id = s.station_id
    GROUP BY s.station_id
"""


def station_activities_min(con: Con, scope: Scope, period: Period) -> int | None:
    """每站最少活动次数: the fewest activities any standing roster station held in the period
    ("每个活动站都已组织各类活动15次以上"); None without stations."""
    return _scalar(con, f"SELECT min(activities) FROM ({STATION_TALLY_SQL})", _params(scope, period))


CAMPAIGN_SUGGESTIONS_SQL = """
    SELECT count(*) FROM suggestions_of($towns)
    WHERE received_on BETWEEN $start AND $end AND campaign IS NOT NULL AND ({condition})
"""


def campaign_suggestions(con: Con, scope: Scope, period: Period) -> int:
    """代表行动中征集意见建议数: suggestions with 专项行动 filled, collected in the period, other than 议案."""
    return _scalar(con, CAMPAIGN_SUGGESTIONS_SQL.format(condition="source <> $motion"),
                   _params(scope, period, motion=MOTION_SOURCE))


# A 议案 raised out of a campaign is often logged without its 专项行动: it counts when it was
# received while the campaign's visits went on (first to last visit carrying a 专项行动).
CAMPAIGN_MOTIONS_SQL = """
    WITH visiting AS (
        SELECT min(date) AS first_day, max(date) AS last_day FROM visits_in($start, $end, $towns)
        WHERE campaign IS NOT NULL
    )
    SELECT count(*) FROM suggestions_of($towns) s, visiting w
    WHERE s.received_on BETWEEN $start AND $end AND s.source = $motion
      AND (s.campaign IS NOT NULL OR s.received_on BETWEEN w.first_day AND w.last_day)
"""


def campaign_motions(con: Con, scope: Scope, period: Period) -> int:
    """代表行动中提交议案数: 议案 collected in the period with 专项行动 filled, or received between
    the first and the last campaign visit of the period."""
    return _scalar(con, CAMPAIGN_MOTIONS_SQL, _params(scope, period, motion=MOTION_SOURCE))


SUMMARY_METRICS = [
    deputies_by_level, deputies_by_gender, deputies_by_age_band, deputies_by_education, deputies_by_occupation,
    deputy_groups, action_teams, supervision_by_kind, meetings, meetings_by_type, trainings, training_attendance,
    deputies_per_reception, reception_deputies_by_level, voter_contacts_with_visits,
    stations_on_roster, stations_established, station_activities_min, campaign_suggestions, campaign_motions,
]


# --- all of them ------------------------------------------------------------

def all_metrics(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> dict[str, object]:
    """Every section-4 metric under its contract key (with the two page-only counts), open
    suggestions counted at `as_of_date`."""
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
    figures["overdue"] = overdue(con, scope, period, settings, today)
    figures["due_soon"] = due_soon(con, scope, period, settings, today)
    figures |= {f.__name__: f(con, scope, period) for f in later}
    return figures


def headline_figures(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> dict[str, object]:
    """What the pages' tiles and the briefing show: every contract metric, the cohort's
    resolved count, and coverage in the latest coverage window (`coverage_window` holds it)."""
    figures = all_metrics(con, scope, period, settings, today)
    figures["collected_resolved"] = collected_resolved(con, scope, period)
    window = coverage_windows(con, scope, period, today)[-1]
    figures |= window_coverage(con, scope, window)
    figures["coverage_window"] = window
    figures["as_of"] = as_of_date(con, period, today, scope)
    return figures


def summary_metrics(con: Con, scope: Scope, period: Period) -> dict[str, object]:
    """The work-summary figures under their keys (kept out of all_metrics, which every page
    and briefing calls three times, so those pay nothing for them)."""
    return {f.__name__: f(con, scope, period) for f in SUMMARY_METRICS}


def every_metric(
    con: Con, scope: Scope, period: Period, settings: Settings = Settings(), today: dt.date | None = None,
) -> dict[str, object]:
    """all_metrics and summary_metrics together: the CLI's --json and the 工作总结."""
    return all_metrics(con, scope, period, settings, today) | summary_metrics(con, scope, period)
