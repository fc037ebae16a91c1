"""Page furniture: the header naming scope, period and as-of day, tiles, notes, empty
states, charts with their PNG download and tables with their Excel download.

Everything a download needs is built while the page runs: Streamlit calls a deferred
download's callable after the run, when the page's selection is no longer at hand.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.theme import for_projector
from queries import frames, metrics
from queries.labels import METRICS
from queries.periods import describe, next_period, previous_period, same_period_last_year
from reports.images import Stamp, png_bytes
from ui import audit, presentation
from ui import format as fmt
from ui.database import fetch
from ui.downloads import XLSX_MIME, Heading, xlsx_bytes
from ui.filters import Selection, current_selection, request_period, today

LOWER_IS_BETTER = {"overdue", "due_soon", "median_days_to_resolve", "reception_months_missed"}
# Coverage keys are measured over a campaign window: the previous quarter's window is
# another campaign or none, so they are compared with last year's window only.
WINDOWED = {"campaign_household_coverage", "campaign_deputy_participation", "campaign_households_visited",
            "campaign_deputies_visiting"}
NO_DATA = "数据库中还没有数据。请先上传登记表（乡镇名册、代表名册等七种，可先下载空白模板）。"


def page_header(title: str, selection: Selection) -> None:
    st.title(title)
    if not presentation.presenting():
        st.caption(f"范围：{selection.scope_label}　　统计期：{period_words(selection)}")
        return
    # On the projector the period moves by buttons in the presenter's bar: the sidebar is hidden.
    st.caption(f"范围：{selection.scope_label}　　统计期：{period_words(selection)}")
    with presentation.bar():
        st.button("上一期", icon=":material/chevron_left:", key="present_previous", type="tertiary",
                  on_click=request_period, args=(previous_period(selection.period),))
        st.button("下一期", icon=":material/chevron_right:", key="present_next", type="tertiary",
                  on_click=request_period, args=(next_period(selection.period),))


def period_words(selection: Selection) -> str:
    """2026年第四季度（2026-10-01 至 2026-12-31，截至 2026-12-01）: the dates once, and the
    as-of day when the period has not ended in the data."""
    period = selection.period
    dates = f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
    day = as_of(selection)
    inside = dates if day >= period.end else f"{dates}，截至 {day:%Y-%m-%d}"
    if selection.period_label == dates:
        return inside
    return f"{selection.period_label}（{inside}）"


def as_of(selection: Selection):
    """The day open suggestions are counted at for this selection (metrics.as_of_date)."""
    return fetch(metrics.as_of_date, selection.period, today(), selection.scope)


def no_data(link: bool = True) -> None:
    """The empty database leads straight to the upload."""
    st.info(NO_DATA)
    if link:
        st.page_link("pages/data.py", label="前往「数据」页上传登记表", icon=":material/upload:",
                     query_params={"tab": "upload"})


def empty_note(what: str) -> None:
    """The note shown instead of an empty chart or table."""
    st.info(f"所选范围和统计期内没有{what}记录。")


def metric_tiles(
    keys: list[str], now: dict, previous: dict, last_year: dict, per_row: int = 4, notes: dict | None = None,
    projected_notes: bool = True,
) -> None:
    """One tile per metric: the figure, the change on the previous period (环比) in the tile,
    and year on year (同比) with any note (e.g. the coverage window) in the line beneath.
    On the projector the notes go to one line under all tiles (unless `projected_notes` is
    off: the briefing's paragraph says the same), so every tile keeps one line."""
    notes = notes or {}
    if presentation.presenting():  # two rows of wide tiles: every line fits, the page fits the screen
        per_row = max(per_row, -(-len(keys) // 2))
        shared = [f"{METRICS[key].name}：{notes[key]}" for key in keys if key in notes]
        notes = {}
    for start in range(0, len(keys), per_row):
        columns = st.columns(per_row)
        for column, key in zip(columns, keys[start:start + per_row], strict=False):
            label = METRICS[key]
            delta = fmt.change(key, now[key], previous.get(key))
            yoy = fmt.change(key, now[key], last_year.get(key))
            unchanged = delta is not None and now[key] == previous.get(key)
            column.metric(
                label.name, fmt.figure(key, now[key]),
                delta=("持平" if unchanged else delta) if delta else None,
                delta_description="环比" if delta else None,
                delta_color="off" if unchanged else ("inverse" if key in LOWER_IS_BETTER else "normal"),
                delta_arrow="off" if unchanged else "auto",
                help=label.definition,
                border=True,
            )
            below = [f"同比 {yoy or '—'}"]
            if key in notes:
                below.insert(0, notes[key])
            column.caption("　".join(below))
    if presentation.presenting() and shared and projected_notes:
        st.caption("；".join(dict.fromkeys(shared)))


def compared_tiles(query, keys: list[str], selection: Selection, *extra, per_row: int = 4,
                   notes: dict | None = None) -> dict:
    """Tiles for `keys` from `query(con, scope, period, *extra)` over the selection, with the
    previous period and the same period last year beside them; returns this period's figures.

    Like is compared with like: 本期收集件办结率 against the earlier cohorts when they were as
    young as this one (metrics.resolution_rate_same_age), coverage only with last year's window."""
    scope, period = selection.scope, selection.period
    earlier, last = previous_period(period), same_period_last_year(period)
    now = fetch(query, scope, period, *extra)
    previous = dict(fetch(query, scope, earlier, *extra))
    last_year = dict(fetch(query, scope, last, *extra))
    if "resolution_rate" in keys:
        previous["resolution_rate"] = fetch(metrics.resolution_rate_same_age, scope, period, earlier, today())
        last_year["resolution_rate"] = fetch(metrics.resolution_rate_same_age, scope, period, last, today())
    for key in WINDOWED & set(keys):
        previous[key] = None
    metric_tiles(keys, now, previous, last_year, per_row, notes)
    return now


def headline_tiles(keys: list[str], selection: Selection, per_row: int = 4) -> dict:
    """The tiles of metrics.headline_figures (every contract metric, the cohort's count and
    window coverage), with the notes that say what the cohort and the window are."""
    figures = fetch(metrics.headline_figures, selection.scope, selection.period, metrics.Settings(), today())
    return compared_tiles(metrics.headline_figures, keys, selection, metrics.Settings(), today(), per_row=per_row,
                          notes=tile_notes(figures))


def tile_notes(figures: dict) -> dict[str, str]:
    """The line under a tile that says what its figure counts: the coverage window, the
    cohort behind 本期收集件办结率, the day open suggestions are counted at."""
    notes = {key: fmt.window_short(figures["coverage_window"]) for key in WINDOWED}
    notes["resolution_rate"] = (f"收集{fmt.figure('suggestions_collected', figures['suggestions_collected'])}"
                                f"·已办结{fmt.figure('collected_resolved', figures['collected_resolved'])}")
    notes["overdue"] = notes["due_soon"] = f"截至{figures['as_of'].month}月{figures['as_of'].day}日"
    return notes


def freshness_line(freshness: dict) -> None:
    """When the data was last loaded, and the newest record of each log register."""
    latest = freshness["latest_load"]
    if latest is None:
        st.caption("尚无导入记录。")
        return
    records = "；".join(f"{name} {day:%Y-%m-%d}" for name, day in freshness["records"].items() if day)
    st.caption(f"数据更新：最近一次导入 {latest:%Y-%m-%d %H:%M}；最新记录日期：{records or '无'}")


def _chart_title(fig: go.Figure) -> str:
    """The title charts.figures.finish keeps in the figure's meta (for file names)."""
    meta = fig.layout.meta
    return meta.get("title", "图表") if isinstance(meta, dict) else "图表"


# Plotly's own toolbar speaks English and its PNG is unstamped: the page offers the
# stamped PNG below each chart instead. Clicking a mark still selects it.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}


def chart(fig: go.Figure, key: str, select: str | None = None, selection: Selection | None = None,
          projected_height: int = 400) -> list:
    """Show a figure with its PNG download. With `select` ('x', 'y' or 'customdata')
    clicking or box-selecting marks returns their values, so the page can narrow the
    table beneath to them. `selection` names what the PNG is stamped with (default: the
    page's filters); `projected_height` is the least height on the projector."""
    shown = for_projector(fig, projected_height) if presentation.presenting() else fig
    if select is None:
        st.plotly_chart(shown, width="stretch", key=key, config=PLOTLY_CONFIG)
        png_download(fig, key, selection)
        return []
    event = st.plotly_chart(
        go.Figure(shown).update_layout(dragmode="select"), width="stretch", key=key, config=PLOTLY_CONFIG,
        on_select="rerun", selection_mode=("points", "box"),
    )
    png_download(fig, key, selection)
    points = event.selection.points if event and event.selection else []
    return list(dict.fromkeys(p.get(select) for p in points if p.get(select) is not None))


def drilldown(label: str, options: list, clicked: list, key: str, format_func=str) -> list:
    """The figure behind a chart narrowed by a click on it, or by picking from a list."""
    if clicked:
        st.caption(f"已按图表中的选择筛选：{'、'.join(format_func(c) for c in clicked)}（点击图表空白处可取消）")
        return clicked
    picked = st.multiselect(label, options, key=key, format_func=format_func, placeholder="全部（点击图表也可筛选）")
    return picked


def table(
    frame: pd.DataFrame, columns: dict[str, str], key: str, title: str, height: int | None = None,
    number_formats: dict[str, str] | None = None, pinned: str | None = None, selection: Selection | None = None,
    highlight: dict[str, list[str]] | None = None,
) -> None:
    """A table with Chinese column names (`columns`: frame column -> header, in order) and
    its Excel download, named and headed by scope, period and `title`.

    `number_formats` (frame column -> printf format) writes numbers as the rest of the
    product does (one decimal with % for rates); `pinned` keeps a column (the name) in
    view while a wide table scrolls sideways; `highlight` (frame column -> a background
    colour per row, '' for none) marks cells such as 达标 / 未达标."""
    picked = frame[list(columns)].rename(columns=columns)
    if picked.empty:
        st.info("没有符合条件的记录。")
        return
    formats = {columns[c]: f for c, f in (number_formats or {}).items() if c in columns}
    config = {header: st.column_config.NumberColumn(format=f) for header, f in formats.items()}
    if pinned:
        config[columns[pinned]] = st.column_config.Column(pinned=True)
    screen = _for_screen(picked, formats)
    if highlight:
        colours = {columns[c]: marks for c, marks in highlight.items() if c in columns}
        screen = screen.style.apply(
            lambda col: [f"background-color: {m}" if m else "" for m in colours.get(col.name, [""] * len(col))])
        screen = screen.format({h: (lambda v, f=f: v if isinstance(v, str) else ("" if pd.isna(v) else f % v))
                                for h, f in formats.items()})
    st.dataframe(screen, hide_index=True, width="stretch", key=key, height=height or "auto", column_config=config)
    download_table(picked, title, key, formats, selection)


def download_table(
    frame: pd.DataFrame, title: str, key: str, formats: dict[str, str] | None = None,
    selection: Selection | None = None,
) -> None:
    """The Excel button of a table already under Chinese headers."""
    selection = selection or current_selection()
    heading = Heading(title, stamp(selection).text() if selection else "")
    name = fmt.file_name(selection.scope_label, selection.period_label, title, suffix=".xlsx") if selection \
        else fmt.file_name(title, suffix=".xlsx")
    st.download_button(
        "下载表格（Excel）",
        data=audit.exported(lambda: xlsx_bytes(frame, title, heading=heading, number_formats=formats), name),
        file_name=name, mime=XLSX_MIME, key=f"{key}_xlsx", type="tertiary", icon=":material/table_view:",
        on_click="ignore",
    )


def _for_screen(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """Empty cells stay empty: a reader must never see "None". A number column with gaps
    becomes text (formatted as it would be), since the grid writes a missing number as None."""
    shown = frame.copy()
    for header in shown.columns:
        column = shown[header]
        if not column.isna().any():
            continue
        if pd.api.types.is_numeric_dtype(column):
            pattern = formats.get(header)
            shown[header] = column.map(lambda v, p=pattern: "" if pd.isna(v) else (p % v if p else _plain(v)))
        else:
            shown[header] = column.astype("object").where(column.notna(), "")
    return shown


def _plain(value) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value:g}"


def with_scope(selection: Selection, scope) -> Selection:
    """The same selection over another scope (乡镇对比 when a county publishes its rankings)."""
    return replace(selection, scope=scope, scope_label=f"{selection.county or ''}全部乡镇（县人大已公开排名）")


def with_period(selection: Selection, period) -> Selection:
    """The same selection over another period (the briefing always shows a whole quarter)."""
    return replace(selection, period=period, period_label=describe(period))


def stamp(selection: Selection) -> Stamp:
    """Scope, period and data date of the page being shown, for exported images and tables."""
    latest = fetch(frames.data_freshness, selection.scope)["latest_load"]
    return Stamp(selection.scope_label, period_words(selection), f"{latest:%Y-%m-%d}" if latest else "—")


def png_download(fig: go.Figure, key: str, selection: Selection | None = None) -> None:
    """A button that renders the chart as a stamped PNG (kaleido) when clicked; the stamp
    is made now, during the run."""
    selection = selection or current_selection()
    if selection is None:
        return
    chart_stamp = stamp(selection)
    title = _chart_title(fig)
    name = fmt.file_name(selection.scope_label, selection.period_label, title, suffix=".png")
    st.download_button(
        "下载图片（PNG）", data=audit.exported(lambda: png_bytes(fig, chart_stamp), name), file_name=name,
        mime="image/png", key=f"{key}_png", type="tertiary", icon=":material/download:", on_click="ignore",
    )


def coverage_caption(window: metrics.CoverageWindow) -> None:
    """Which window the coverage figures on the page count, and whether it is final."""
    st.caption(f"走访覆盖率和代表参与率按{fmt.window(window)}统计：{fmt.window_state(window)}。"
               "同比为上年同期的专项行动（或本年累计）。")
