"""Page furniture: the header naming scope and period, tiles, notes, empty states."""

from __future__ import annotations

import streamlit as st

from queries.labels import METRICS
from ui import format as fmt
from ui.filters import Selection

NO_DATA = "数据库中还没有数据。请在「数据」页上传登记表，或在命令行运行 python -m etl load 导入。"


def page_header(title: str, selection: Selection) -> None:
    st.title(title)
    st.caption(f"范围：{selection.scope_label}　　统计期：{selection.period_label}"
               f"（{selection.period.start:%Y-%m-%d} 至 {selection.period.end:%Y-%m-%d}）")


def no_data() -> None:
    st.info(NO_DATA)


def empty_note(what: str) -> None:
    """The note shown instead of an empty chart or table."""
    st.info(f"所选范围和统计期内没有{what}记录。")


def metric_tiles(keys: list[str], now: dict, previous: dict, last_year: dict, per_row: int = 4) -> None:
    """One tile per metric: the figure, the change on the previous period, and year on year."""
    for start in range(0, len(keys), per_row):
        columns = st.columns(per_row)
        for column, key in zip(columns, keys[start:start + per_row], strict=False):
            label = METRICS[key]
            delta = fmt.change(key, now[key], previous[key])
            yoy = fmt.change(key, now[key], last_year[key])
            column.metric(
                label.name, fmt.figure(key, now[key]),
                delta=f"{delta}（环比）" if delta else None,
                delta_color="normal" if key not in ("overdue", "median_days_to_resolve") else "inverse",
                help=f"{label.definition}。同比：{yoy or '—'}",
                border=True,
            )


def freshness_line(freshness: dict) -> None:
    """When the data was last loaded, and the newest record of each log register."""
    latest = freshness["latest_load"]
    if latest is None:
        st.caption("尚无导入记录。")
        return
    records = "；".join(f"{name} {day:%Y-%m-%d}" for name, day in freshness["records"].items() if day)
    st.caption(f"数据更新：最近一次导入 {latest:%Y-%m-%d %H:%M}；最新记录日期：{records or '无'}")
