"""The sidebar filters every page shares, kept in the URL so a view can be shared.

`?county=青禾县&township=QH01,QH02&from=2024-04-01&to=2024-06-30&station=QH01-S01`
restores a view; without them: all townships, the latest complete quarter in the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from queries import data as data_queries
from queries import periods
from queries.metrics import Period, Scope
from ui import access, auth
from ui.database import database, fetch
from ui.router import ensure_router

ALL_COUNTIES = "全部县"
FILTER_KEYS = ("from", "to", "county", "township", "station")
CURRENT_SELECTION = "_current_selection"
PERIOD_MODES = ["指定季度", "本月", "本季度", "上季度", "本年", "本届", "指定半年", "指定年度", "自定义"]


@dataclass(frozen=True)
class Selection:
    """What a page shows: a scope, a period and how to name them in its header."""

    scope: Scope
    period: Period
    scope_label: str
    period_label: str
    station: str | None = None
    county: str | None = None


def today() -> dt.date:
    return dt.date.today()


def sidebar_filters(with_station: bool = False) -> Selection | None:
    """Draw the filters, sync them to the URL and return the selection (None: no data).

    The options are the signed-in account's townships only (ui/access.py): a URL or a
    widget state naming another township gets the account's own scope and a note."""
    ensure_router()
    auth.gate()
    if not database().path.exists():
        return None
    roster = fetch(data_queries.township_roster, access.account_scope())
    if not roster:
        return None
    params = st.query_params
    with st.sidebar:
        st.markdown("### 筛选")
        county, codes = _scope_widgets(roster, params)
        period = _period_widgets(roster, codes, params)
        station = _station_widget(codes, params) if with_station else None
    selection = Selection(
        Scope(tuple(codes)), period, _scope_label(roster, county, codes, params), periods.describe(period),
        station, county,
    )
    _write_url(selection, chosen_townships=st.session_state.get("f_townships", []))
    auth.account_box()
    return selection


def _seed(key: str, value, allowed=None) -> None:
    """Give a widget its starting value from the URL once per session, then keep it.

    Widgets get only a key (no index/default), so their identity never changes
    with the URL; re-assigning the value keeps it when the user switches pages
    (Streamlit drops the state of widgets a run did not draw, and a page switch
    clears the query string). A value no longer allowed falls back to the seed.
    """
    current = st.session_state.get(key, value)
    if allowed is not None and not _allowed(current, allowed):
        current = value
    st.session_state[key] = current


def _allowed(value, allowed) -> bool:
    if isinstance(value, list):
        return all(v in allowed for v in value)
    return value in allowed


def _scope_widgets(roster, params) -> tuple[str | None, list[str]]:
    counties = sorted({r[2] for r in roster})
    names = {r[0]: r[1] for r in roster}
    county_options = [ALL_COUNTIES, *counties]
    access.refused_in_request(params, st.session_state, names, counties)
    _seed("f_county", params.get("county") if params.get("county") in counties else ALL_COUNTIES, county_options)
    county = st.selectbox("县", county_options, key="f_county")
    county = None if county == ALL_COUNTIES else county
    options = [r[0] for r in roster if county is None or r[2] == county]
    wanted = [c for c in params.get("township", "").split(",") if c in options]
    _seed("f_townships", wanted, options)
    chosen = st.multiselect(
        "乡镇（不选即全部）", options, key="f_townships", format_func=lambda code: f"{names[code]}（{code}）",
        placeholder="全部乡镇",
    )
    return county, chosen or options


def _period_widgets(roster, codes: list[str], params) -> Period:
    latest = fetch(data_queries.latest_record_date, Scope(tuple(codes)))
    default_quarter = periods.latest_complete_quarter(latest, today())
    url_period = _url_period(params)
    shown = url_period or default_quarter
    _seed("f_mode", _mode_of(shown), PERIOD_MODES)
    mode = st.selectbox("统计期", PERIOD_MODES, key="f_mode")
    newest = (latest or today()).year
    years = sorted({*range(newest - 7, newest + 1), shown.start.year}, reverse=True)
    if mode == "指定季度":
        _seed("f_q_year", shown.start.year, years)
        _seed("f_quarter", (shown.start.month - 1) // 3 + 1, [1, 2, 3, 4])
        year = st.selectbox("年度", years, key="f_q_year")
        quarter = st.selectbox("季度", [1, 2, 3, 4], key="f_quarter", format_func=_quarter_name)
        return periods.quarter_of(dt.date(year, 3 * quarter - 2, 1))
    if mode == "指定半年":
        _seed("f_h_year", shown.start.year, years)
        _seed("f_half", "上半年" if shown.start.month <= 6 else "下半年", ["上半年", "下半年"])
        year = st.selectbox("年度", years, key="f_h_year")
        half = st.selectbox("半年", ["上半年", "下半年"], key="f_half")
        return periods.half_year_of(dt.date(year, 1 if half == "上半年" else 7, 1))
    if mode == "指定年度":
        _seed("f_y_year", shown.start.year, years)
        year = st.selectbox("年度", years, key="f_y_year")
        return periods.year_of(dt.date(year, 1, 1))
    if mode == "自定义":
        _seed("f_range", (shown.start, shown.end))
        picked = st.date_input("起止日期", key="f_range")
        if isinstance(picked, tuple | list) and len(picked) == 2:
            return Period(*picked)
        return shown
    term_starts = [r[3] for r in roster if r[0] in codes and r[3]]
    named = periods.presets(today(), min(term_starts) if term_starts else None)
    if mode not in named:
        st.caption("所选乡镇未填写本届开始日期，暂按本年统计。")
        return named["本年"]
    return named[mode]


def _quarter_name(quarter: int) -> str:
    return f"第{'一二三四'[quarter - 1]}季度"


def _station_widget(codes: list[str], params) -> str | None:
    stations = fetch(data_queries.station_roster, Scope(tuple(codes)))
    options = ["全部活动站", *[s[0] for s in stations]]
    names = dict(stations)
    _seed("f_station", params.get("station") if params.get("station") in options else options[0], options)
    picked = st.selectbox(
        "活动站", options, key="f_station", format_func=lambda s: s if s == "全部活动站" else f"{names[s]}（{s}）",
    )
    return None if picked == "全部活动站" else picked


def _url_period(params) -> Period | None:
    try:
        return Period(dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"]))
    except (KeyError, ValueError):
        return None


def _mode_of(period: Period) -> str:
    """The sidebar mode that shows a period from the URL unchanged."""
    if periods.quarter_of(period.start) == period:
        return "指定季度"
    if periods.half_year_of(period.start) == period:
        return "指定半年"
    if periods.year_of(period.start) == period:
        return "指定年度"
    return "自定义"


def _scope_label(roster, county: str | None, codes: list[str], params) -> str:
    names = {r[0]: r[1] for r in roster}
    in_county = [r[0] for r in roster if county is None or r[2] == county]
    if len(codes) == 1:  # one township (a township account's whole scope) is named, never "all"
        return names[codes[0]]
    if set(codes) == set(in_county):
        return f"{county}全部乡镇" if county else "全部乡镇"
    shown = "、".join(names[c] for c in codes[:3])
    return shown + (f"等{len(codes)}个乡镇" if len(codes) > 3 else "")


def _write_url(selection: Selection, chosen_townships: list[str]) -> None:
    """Mirror the selection into the query string (only what differs from the defaults)."""
    wanted = {"from": selection.period.start.isoformat(), "to": selection.period.end.isoformat()}
    if selection.county:
        wanted["county"] = selection.county
    if chosen_townships:
        wanted["township"] = ",".join(c for c in chosen_townships if c in selection.scope.township_codes)
    if selection.station:
        wanted["station"] = selection.station
    # Keys the filters do not own (present=1, deputy=…) are left as they are.
    for key in FILTER_KEYS:
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
    st.session_state[CURRENT_SELECTION] = selection


def request_period(period: Period) -> None:
    """Show `period` on the next run (a button's callback: the presenter's 上一期 / 下一期).

    The period widgets keep their state across runs, so the period is set through them:
    the mode that shows it, and that mode's year, quarter or half.
    """
    mode = _mode_of(period)
    st.session_state["f_mode"] = mode
    if mode == "指定季度":
        st.session_state["f_q_year"] = period.start.year
        st.session_state["f_quarter"] = (period.start.month - 1) // 3 + 1
    elif mode == "指定半年":
        st.session_state["f_h_year"] = period.start.year
        st.session_state["f_half"] = "上半年" if period.start.month <= 6 else "下半年"
    elif mode == "指定年度":
        st.session_state["f_y_year"] = period.start.year
    else:
        st.session_state["f_range"] = (period.start, period.end)


def current_selection() -> Selection | None:
    """The selection the page drew its filters for (exports stamp charts with it)."""
    return st.session_state.get(CURRENT_SELECTION)
