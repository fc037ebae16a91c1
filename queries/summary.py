"""What the 年度/届期工作总结 needs besides metrics: its periods and the names it quotes.

A year is the calendar year; a term (届期) runs five years from the townships'
本届开始日期 (the earliest of the scope), cut at `as_of` while it is still running.
The names (评议对象, the host units of new stations) are register text the summary
quotes ("对镇卫生院、镇派出所等8家单位进行评议"); they are data, never markup.
"""

from __future__ import annotations

import datetime as dt

from queries import periods
from queries.metrics import EVALUATION_KIND, Con, Period, Scope, _params, run
from queries.privacy import mask_text

TERM_YEARS = 5  # a township congress is elected for five years
QUOTED_NAMES = 3


class NoTermStart(ValueError):
    """The townships of the scope have no 本届开始日期; the message is Chinese."""


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def term_start(con: Con, scope: Scope) -> dt.date | None:
    """The earliest 本届开始日期 of the scope's townships (None: not filled in)."""
    return run(con, "SELECT min(term_start) FROM townships WHERE township_code IN (SELECT unnest($towns))",
               {"towns": list(scope.township_codes)}).fetchall()[0][0]


def term_period(con: Con, scope: Scope, as_of: dt.date) -> Period:
    """The current term: five years from its start, up to `as_of` if the term is still running."""
    start = term_start(con, scope)
    if start is None:
        raise NoTermStart("所选乡镇的乡镇名册没有填写“本届开始日期”，无法按届期统计；请补填后重新导入乡镇名册。")
    return Period(start, min(_years_later(start, TERM_YEARS) - dt.timedelta(days=1), as_of))


def previous_term(term: Period) -> Period:
    """The five years before the term began."""
    return Period(_years_later(term.start, -TERM_YEARS), term.start - dt.timedelta(days=1))


def previous_year(period: Period) -> Period:
    return periods.same_period_last_year(period)


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


EVALUATED_NAMES_SQL = """
    SELECT evaluated_unit FROM activities_in($start, $end, $towns)
    WHERE kind = $kind AND evaluated_unit IS NOT NULL
    GROUP BY evaluated_unit ORDER BY count(*) DESC, min(date), evaluated_unit
    LIMIT $limit
"""


def evaluated_unit_names(con: Con, scope: Scope, period: Period, limit: int = QUOTED_NAMES) -> list[str]:
    """The units evaluated most often in the period (first evaluated first among equals)."""
    params = _params(scope, period, kind=EVALUATION_KIND, limit=limit)
    return [mask_text(name) for (name,) in run(con, EVALUATED_NAMES_SQL, params).fetchall()]


NEW_STATION_HOSTS_SQL = """
    SELECT DISTINCT host_unit FROM stations
    WHERE township_code IN (SELECT unnest($towns)) AND established_on BETWEEN $start AND $end
      AND host_unit IS NOT NULL
    ORDER BY host_unit
    LIMIT $limit
"""


def new_station_hosts(con: Con, scope: Scope, period: Period, limit: int = QUOTED_NAMES) -> list[str]:
    """依托单位 of the stations set up in the period, as the summary names them."""
    return [mask_text(h) for (h,) in run(con, NEW_STATION_HOSTS_SQL, _params(scope, period, limit=limit)).fetchall()]
