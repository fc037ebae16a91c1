"""Statistical periods (统计期): quarters, presets and the comparisons a tile shows."""

from __future__ import annotations

import datetime as dt

from queries.metrics import Period


def quarter_of(day: dt.date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    return Period(start, _add_months(start, 3) - dt.timedelta(days=1))


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    return Period(start, _add_months(start, 1) - dt.timedelta(days=1))


def half_year_of(day: dt.date) -> Period:
    start = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
    return Period(start, _add_months(start, 6) - dt.timedelta(days=1))


def year_of(day: dt.date) -> Period:
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


def latest_complete_quarter(latest_record: dt.date | None, today: dt.date) -> Period:
    """The default period: the newest quarter with data that has already ended."""
    quarter = quarter_of(min(latest_record or today, today))
    if quarter.end >= today:
        quarter = quarter_of(quarter.start - dt.timedelta(days=1))
    return quarter


def previous_period(period: Period) -> Period:
    """The period just before: the previous month/quarter/half/year, else the same length."""
    months = _whole_months(period)
    if months:
        start = _add_months(period.start, -months)
        return Period(start, period.start - dt.timedelta(days=1))
    length = period.end - period.start
    end = period.start - dt.timedelta(days=1)
    return Period(end - length, end)


def next_period(period: Period) -> Period:
    """The period just after: the next month/quarter/half/year, else the same length."""
    months = _whole_months(period)
    if months:
        start = _add_months(period.start, months)
        return Period(start, _add_months(start, months) - dt.timedelta(days=1))
    length = period.end - period.start
    start = period.end + dt.timedelta(days=1)
    return Period(start, start + length)


def same_period_last_year(period: Period) -> Period:
    return Period(_shift_year(period.start, -1), _shift_year(period.end, -1))


def presets(today: dt.date, term_start: dt.date | None) -> dict[str, Period]:
    """The named periods of the sidebar, relative to today."""
    this_quarter = quarter_of(today)
    named = {
        "本月": month_of(today),
        "本季度": this_quarter,
        "上季度": quarter_of(this_quarter.start - dt.timedelta(days=1)),
        "本年": year_of(today),
    }
    if term_start:
        named["本届"] = Period(term_start, today)
    return named


def describe(period: Period) -> str:
    """2024年第二季度 / 2024年 / 2024年5月 / 2024-04-01 至 2024-05-20, as a header shows it."""
    months = _whole_months(period)
    if months == 3 and period.start.month % 3 == 1:
        return f"{period.start.year}年第{'一二三四'[(period.start.month - 1) // 3]}季度"
    if months == 12 and period.start.month == 1:
        return f"{period.start.year}年"
    if months == 6 and period.start.month in (1, 7):
        return f"{period.start.year}年{'上' if period.start.month == 1 else '下'}半年"
    if months == 1:
        return f"{period.start.year}年{period.start.month}月"
    return f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"


def _whole_months(period: Period) -> int:
    """How many calendar months the period spans exactly, or 0 if it is not whole months."""
    if period.start.day != 1:
        return 0
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    return months if _add_months(period.start, months) - dt.timedelta(days=1) == period.end else 0


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
