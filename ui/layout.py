"""Page furniture: the header naming scope and period, tiles, notes, empty states."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries import frames
from queries.labels import METRICS
from queries.periods import describe, previous_period, same_period_last_year
from reports.images import Stamp, png_bytes
from ui import audit, presentation
from ui import format as fmt
from ui.database import fetch
from ui.downloads import XLSX_MIME, xlsx_bytes
from ui.escape import md, plotly_figure, plotly_value
from ui.filters import Selection, current_selection

LOWER_IS_BETTER = {"overdue", "due_soon", "median_days_to_resolve", "reception_months_missed"}
NO_DATA = "数据库中还没有数据。请在「数据」页上传登记表，或在命令行运行 python -m etl load 导入。"


def page_header(title: str, selection: Selection) -> None:
    st.title(title)
    st.caption(f"范围：{md(selection.scope_label)}　　统计期：{selection.period_label}"
               f"（{selection.period.start:%Y-%m-%d} 至 {selection.period.end:%Y-%m-%d}）")
    for note in selection.notes:  # what the link asked for and did not get (ui/url_params.py)
        st.warning(note, icon=":material/link_off:")


def no_data() -> None:
    st.info(NO_DATA)


def empty_note(what: str) -> None:
    """The note shown instead of an empty chart or table."""
    st.info(f"所选范围和统计期内没有{what}记录。")


def metric_tiles(keys: list[str], now: dict, previous: dict, last_year: dict, per_row: int = 4) -> None:
    """One tile per metric: the figure, the change on the previous period, and year on year."""
    compact = presentation.presenting()  # on the projector 同比 joins the tile itself
    if compact:
        per_row = max(per_row, 6)
    for start in range(0, len(keys), per_row):
        columns = st.columns(per_row)
        for column, key in zip(columns, keys[start:start + per_row], strict=False):
            label = METRICS[key]
            delta = fmt.change(key, now[key], previous[key])
            yoy = fmt.change(key, now[key], last_year[key])
            unchanged = now[key] == previous[key]
            column.metric(
                label.name, fmt.figure(key, now[key]),
                delta=("持平" if unchanged else delta) if delta else None,
                delta_description=f"环比　同比 {yoy or '—'}" if compact else "环比",
                delta_color="off" if unchanged else ("inverse" if key in LOWER_IS_BETTER else "normal"),
                delta_arrow="off" if unchanged else "auto",
                help=label.definition,
                border=True,
            )
            if not compact:
                column.caption(f"同比（上年同期）：{yoy or '—'}")


def compared_tiles(query, keys: list[str], selection: Selection, *extra, per_row: int = 4) -> dict:
    """Tiles for `keys` from `query(con, scope, period, *extra)` over the selection, with the
    previous period and the same period last year beside them; returns this period's figures."""
    scope, period = selection.scope, selection.period
    now = fetch(query, scope, period, *extra)
    previous = fetch(query, scope, previous_period(period), *extra)
    last_year = fetch(query, scope, same_period_last_year(period), *extra)
    metric_tiles(keys, now, previous, last_year, per_row)
    return now


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


# The browser's own PNG button: 16:9 at twice the size, named after the chart.
def _plotly_config(fig: go.Figure) -> dict:
    title = _chart_title(fig)
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": title, "width": 1600, "height": 900, "scale": 2},
    }


def chart(fig: go.Figure, key: str, select: str | None = None) -> list:
    """Show a figure with its PNG download. With `select` ('x', 'y' or 'customdata')
    clicking or box-selecting marks returns their values, so the page can narrow the
    table beneath to them."""
    fig = plotly_figure(fig)  # names from registers are text, never plotly's <a href> (ui/escape.py)
    height = presentation.chart_height()
    if height:
        fig.update_layout(height=height)
    if select is None:
        st.plotly_chart(fig, width="stretch", key=key, config=_plotly_config(fig))
        png_download(fig, key)
        return []
    event = st.plotly_chart(
        fig, width="stretch", key=key, config=_plotly_config(fig),
        on_select="rerun", selection_mode=("points", "box"),
    )
    png_download(fig, key)
    points = event.selection.points if event and event.selection else []
    return list(dict.fromkeys(plotly_value(p.get(select)) for p in points if p.get(select) is not None))


def drilldown(label: str, options: list, clicked: list, key: str, format_func=str) -> list:
    """The figure behind a chart narrowed by a click on it, or by picking from a list."""
    if clicked:
        shown = "、".join(md(format_func(c)) for c in clicked)
        st.caption(f"已按图表中的选择筛选：{shown}（点击图表空白处可取消）")
        return clicked
    picked = st.multiselect(label, options, key=key, format_func=format_func, placeholder="全部（点击图表也可筛选）")
    return picked


def table(frame: pd.DataFrame, columns: dict[str, str], key: str | None = None, height: int | None = None) -> None:
    """A table with Chinese column names (`columns`: frame column -> header, in order),
    and its Excel download."""
    shown = frame[list(columns)].rename(columns=columns)
    if shown.empty:
        st.info("没有符合条件的记录。")
        return
    # Empty cells stay empty: a reader must never see "None".
    text_columns = shown.select_dtypes(include=["object", "string"]).columns
    shown = shown.astype({c: "object" for c in text_columns}).fillna({c: "" for c in text_columns})
    st.dataframe(shown, hide_index=True, width="stretch", key=key, height=height or "auto")
    name = key or "_".join(columns.values())
    st.download_button(
        "下载表格（Excel）", data=audit.exported(lambda: xlsx_bytes(shown, "数据"), f"{name}.xlsx"),
        file_name=f"{name}.xlsx",
        mime=XLSX_MIME, key=f"{name}_xlsx", type="tertiary", icon=":material/table_view:", on_click="ignore",
    )


def with_scope(selection: Selection, scope) -> Selection:
    """The same selection over another scope (乡镇对比 when a county publishes its rankings)."""
    return replace(selection, scope=scope, scope_label=f"{selection.county or ''}全部乡镇（县人大已公开排名）")


def with_period(selection: Selection, period) -> Selection:
    """The same selection over another period (the briefing always shows a whole quarter)."""
    return replace(selection, period=period, period_label=describe(period))


def stamp() -> Stamp | None:
    """Scope, period and data date of the page being shown, for exported images."""
    selection = current_selection()
    if selection is None:
        return None
    latest = fetch(frames.data_freshness, selection.scope)["latest_load"]
    return Stamp(selection.scope_label, f"{selection.period_label}（{selection.period.start:%Y-%m-%d} 至 "
                 f"{selection.period.end:%Y-%m-%d}）", f"{latest:%Y-%m-%d}" if latest else "—")


def png_download(fig: go.Figure, key: str) -> None:
    """A button that renders the chart as a stamped 16:9 PNG (kaleido) when clicked."""
    chart_stamp = stamp()
    if chart_stamp is None:
        return
    title = _chart_title(fig)
    st.download_button(
        "下载图片（PNG）", data=audit.exported(lambda: png_bytes(fig, chart_stamp), f"{title}.png"),
        file_name=f"{title}.png",
        mime="image/png", key=f"{key}_png", type="tertiary", icon=":material/download:", on_click="ignore",
    )
