"""Page furniture: the header naming scope, period and as-of day, tiles, notes, empty
states, charts with their PNG download and tables with their Excel download.

Everything a download needs is built while the page runs: Streamlit calls a deferred
download's callable after the run, when the page's selection is no longer at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.theme import for_projector
from queries import data as data_queries
from queries import frames, metrics
from queries.labels import METRICS
from queries.paging import EVERY_ROW, PAGE_ROWS, Listing, Page
from queries.periods import describe, next_period, previous_period, same_period_last_year
from reports.images import Stamp, png_bytes
from ui import access, audit, presentation
from ui import format as fmt
from ui.database import database, fetch
from ui.downloads import CSV_MIME, XLSX_MIME, Heading, fits_excel, listing_csv, listing_xlsx, xlsx_bytes
from ui.escape import md, plotly_figure, plotly_value
from ui.filters import Selection, current_selection, request_period, today

LOWER_IS_BETTER = {"overdue", "due_soon", "median_days_to_resolve", "reception_months_missed"}
# Coverage keys are measured over a campaign window: the previous quarter's window is
# another campaign or none, so they are compared with last year's window only.
WINDOWED = {"campaign_household_coverage", "campaign_deputy_participation", "campaign_households_visited",
            "campaign_deputies_visiting"}
NO_DATA = "数据库中还没有数据。请先上传登记表（乡镇名册、代表名册等七种，可先下载空白模板）。"


def page_header(title: str, selection: Selection) -> None:
    st.title(md(title))  # a title may name the scope (简报, 工作总结): plain text, never markup
    st.caption(f"范围：{md(selection.scope_label)}　　统计期：{period_words(selection)}")
    for note in selection.notes:  # what the link asked for and did not get (ui/url_params.py)
        st.warning(note, icon=":material/link_off:")
    if not presentation.presenting():
        return
    # On the projector the period moves by buttons in the presenter's bar: the sidebar is hidden.
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


def compared_periods(period) -> tuple:
    """The period shown, the previous one (环比) and the same one last year (同比)."""
    return period, previous_period(period), same_period_last_year(period)


def compared_tiles(query_over, keys: list[str], selection: Selection, *extra, per_row: int = 4,
                   notes: dict | None = None) -> dict:
    """Tiles for `keys` from `query_over(con, scope, periods, *extra)` — one dict of figures per
    period, all three in one call — over the selection's period, the previous period and the
    same period last year; returns this period's figures.

    Like is compared with like: the query compares 本期收集件办结率 with the earlier cohorts when
    they were as young as this one (metrics.compared_headline), coverage only with last year's window."""
    now, previous, last_year = (dict(f) for f in fetch(query_over, selection.scope,
                                                       compared_periods(selection.period), *extra))
    for key in WINDOWED & set(keys):
        previous[key] = None
    metric_tiles(keys, now, previous, last_year, per_row, notes)
    return now


def headline_tiles(keys: list[str], selection: Selection, per_row: int = 4) -> dict:
    """The tiles of metrics.compared_headline (every contract metric, the cohort's count and
    window coverage), with the notes that say what the cohort and the window are."""
    extra = (metrics.Settings(), today())
    now = fetch(metrics.compared_headline, selection.scope, compared_periods(selection.period), *extra)[0]
    return compared_tiles(metrics.compared_headline, keys, selection, *extra, per_row=per_row,
                          notes=tile_notes(now))


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
    fig = plotly_figure(fig)  # names from registers are text, never plotly's <a href> (ui/escape.py)
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
    return list(dict.fromkeys(plotly_value(p.get(select)) for p in points if p.get(select) is not None))


def drilldown(label: str, options: list, clicked: list, key: str, format_func=str) -> list:
    """The figure behind a chart narrowed by a click on it, or by picking from a list."""
    if clicked:
        shown = "、".join(md(format_func(c)) for c in clicked)
        st.caption(f"已按图表中的选择筛选：{shown}（点击图表空白处可取消）")
        return clicked
    picked = st.multiselect(label, options, key=key, format_func=format_func, placeholder="全部（点击图表也可筛选）")
    return picked


def table(
    frame: pd.DataFrame, columns: dict[str, str], key: str, title: str, height: int | None = None,
    number_formats: dict[str, str] | None = None, pinned: str | None = None, selection: Selection | None = None,
    highlight: dict[str, list[str]] | None = None, download: bool = True, paged: bool = True,
) -> None:
    """A table with Chinese column names (`columns`: frame column -> header, in order) and
    its Excel download, named and headed by scope, period and `title`.

    `number_formats` (frame column -> printf format) writes numbers as the rest of the
    product does (one decimal with % for rates); `pinned` keeps a column (the name) in
    view while a wide table scrolls sideways; `highlight` (frame column -> a background
    colour per row, '' for none) marks cells such as 达标 / 未达标. A frame longer than a page
    (a small aggregate: townships, counties) is shown a page at a time as well (`paged` off:
    the product's own fixed lists, such as the 口径); lists of register rows are paged in SQL
    instead (paged_table)."""
    picked = frame[list(columns)].rename(columns=columns)
    if picked.empty:
        st.info("没有符合条件的记录。")
        return
    formats = {columns[c]: f for c, f in (number_formats or {}).items() if c in columns}
    config = {header: st.column_config.NumberColumn(format=f) for header, f in formats.items()}
    if pinned:
        config[columns[pinned]] = st.column_config.Column(pinned=True)
    first, last = _page_of(key, len(picked)) if paged else (0, len(picked))
    screen = _for_screen(picked.iloc[first:last], formats)
    if highlight:
        colours = {columns[c]: marks[first:last] for c, marks in highlight.items() if c in columns}
        screen = screen.style.apply(
            lambda col: [f"background-color: {m}" if m else "" for m in colours.get(col.name, [""] * len(col))])
        screen = screen.format({h: (lambda v, f=f: v if isinstance(v, str) else ("" if pd.isna(v) else f % v))
                                for h, f in formats.items()})
    st.dataframe(screen, hide_index=True, width="stretch", key=key, height=height or "auto", column_config=config)
    if paged and len(picked) > PAGE_ROWS:
        _pager(key, first + 1, last, len(picked), "条")
    if download:
        download_table(picked, title, key, formats, selection)


def _page_of(key: str, rows: int) -> tuple[int, int]:
    """The rows [first, last) of the page the reader is on (the pager's state), within `rows`."""
    pages = max(1, -(-rows // PAGE_ROWS))
    number = min(max(int(st.session_state.get(f"{key}_page", 1)), 1), pages)
    st.session_state[f"{key}_page"] = number
    return (number - 1) * PAGE_ROWS, min(number * PAGE_ROWS, rows)


def _pager(key: str, first: int, last: int, total: int, noun: str, note: str = "") -> None:
    """Where a long table stands (第 a–b 条 of N) and the page number to move to."""
    below, pager = st.columns([3, 1])
    below.caption(f"共 {total} {noun}，显示第 {first}–{last} {noun}（每页 {PAGE_ROWS} {noun}）{note}")
    pager.number_input("页码", min_value=1, max_value=-(-total // PAGE_ROWS), step=1, key=f"{key}_page",
                       label_visibility="collapsed")


def paged_table(
    query, args: tuple, columns: dict[str, str], key: str, title: str, sorts: dict[str, str] | None = None,
    number_formats: dict[str, str] | None = None, pinned: str | None = None, selection: Selection | None = None,
    noun: str = "条", empty: str | None = None,
) -> Listing:
    """A list paged in SQL: `query(con, *args, page)` (a queries.paging list) gives the table one
    page and the list's length; the reader pages through it below the table and sorts it by the
    columns of `sorts` (order key -> the column header it sorts by), in DuckDB, over the whole
    list. Its download is the whole list, built only when asked: Excel up to a worksheet's
    rows, CSV beyond. `empty` names what an empty list lacks (empty_note). Returns the Listing
    (its `total` is what headings count)."""
    state = st.session_state
    sort = state.get(f"{key}_sort")
    asked = repr((args, sort, bool(state.get(f"{key}_descending"))))
    if state.get(f"{key}__asked") != asked:  # other filters or another sort: back to the first page
        state[f"{key}__asked"] = asked
        state.pop(f"{key}_page", None)
    controls = st.container()
    page = Page(number=int(state.get(f"{key}_page", 1)) - 1, order=sort if sorts and sort in sorts else None,
                descending=bool(state.get(f"{key}_descending")))
    listed = fetch(query, *args, page)
    if listed.total == 0:
        if empty:
            empty_note(empty)
        else:
            st.info("没有符合条件的记录。")
        return listed
    if sorts and listed.total > PAGE_ROWS:
        with controls:
            left, right, _ = st.columns([2, 1, 3])
            left.selectbox("排序（全部记录）", [None, *sorts], key=f"{key}_sort",
                           format_func=lambda k: "默认顺序" if k is None else sorts[k])
            right.toggle("从大到小", key=f"{key}_descending", disabled=state.get(f"{key}_sort") is None)
    table(listed.rows, columns, key, title, number_formats=number_formats, pinned=pinned, selection=selection,
          download=False, paged=False)  # already one page
    if listed.pages > 1:
        state[f"{key}_page"] = listed.page.number + 1
        _pager(key, listed.first_row, listed.first_row + len(listed.rows) - 1, listed.total, noun,
               "；点击列名只在本页内排序，按全部记录排序请用上方的“排序”，全部记录请下载。" if sorts else "")
    else:
        st.caption(f"共 {listed.total} {noun}")
    download_listing(query, args, listed.total, columns, key, title,
                     {columns[c]: f for c, f in (number_formats or {}).items() if c in columns}, selection)
    return listed


def download_listing(
    query, args: tuple, total: int, columns: dict[str, str], key: str, title: str,
    formats: dict[str, str] | None = None, selection: Selection | None = None,
) -> None:
    """The button that builds the whole list when clicked (nothing is read before): the query is
    run then on a cursor of its own, with the arguments the scope guard gives it now."""
    selection = selection or current_selection()
    guarded = access.guard(query, (*args, EVERY_ROW))
    heading = Heading(title, stamp(selection).text() if selection else "")
    as_excel = fits_excel(total)
    suffix = ".xlsx" if as_excel else ".csv"
    name = fmt.file_name(selection.scope_label, selection.period_label, title, suffix=suffix) if selection \
        else fmt.file_name(title, suffix=suffix)

    def build() -> bytes:
        with database().reading() as cursor:  # the version's cursor, released when the file is written
            listed = query(cursor, *guarded)
            if as_excel:
                return listing_xlsx(listed.batches, columns, title, heading, formats)
            return listing_csv(listed.batches, columns)

    st.download_button(
        f"下载全部{total}条（{'Excel' if as_excel else 'CSV，超过 Excel 一张表的行数'}）",
        data=audit.exported(build, name), file_name=name, mime=XLSX_MIME if as_excel else CSV_MIME,
        key=f"{key}_xlsx", type="tertiary", icon=":material/table_view:", on_click="ignore",
    )


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


def with_county(selection: Selection, county: str) -> Selection:
    """The same selection narrowed to one county's townships (a drill from a province's counties)."""
    from queries.metrics import Scope

    roster = fetch(data_queries.township_roster, selection.scope)
    codes = tuple(code for code, _, of, *_ in roster if of == county)
    return replace(selection, scope=Scope(codes), scope_label=f"{county}全部乡镇", county=county)


COUNTIES, TOWNSHIPS, ONE = "county", "township", "one"  # what a drilled view compares


@dataclass(frozen=True)
class Drill:
    """Where a page's comparison stands: the counties of a scope above one county, one county's
    (or the scope's) townships, or one township; `scope` is what its charts and lists count,
    `name` the county's or township's name for titles ('' at the top)."""

    scope: object
    level: str
    name: str = ""


def area_drill(scope, key: str) -> Drill:
    """County first, then its townships: a province office sees counties and drills to one
    county's townships, then to one township (its villages, stations, groups)."""
    from queries.metrics import Scope

    roster = fetch(data_queries.township_roster, scope)
    counties = sorted({county for _, _, county, *_ in roster})
    name = ""
    if len(counties) > 1:
        county = st.selectbox("查看县", [None, *counties], key=f"{key}_county",
                              format_func=lambda c: "全部县（按县汇总）" if c is None else c)
        if county is None:
            return Drill(scope, COUNTIES)
        roster = [row for row in roster if row[2] == county]
        scope, name = Scope(tuple(code for code, *_ in roster)), county
    if len(roster) > 1:
        names = {code: township for code, township, *_ in roster}
        township = st.selectbox("查看乡镇", [None, *names], key=f"{key}_township",
                                format_func=lambda c: "全部乡镇（按乡镇汇总）" if c is None else names[c])
        if township is None:
            return Drill(scope, TOWNSHIPS, name)
        return Drill(Scope((township,)), ONE, names[township])
    return Drill(scope, ONE, name)


def pick_township(scope, key: str, wanted: str | None = None):
    """One township of the scope, picked county first when the scope spans counties (a
    province's 2,000 townships are never one list): `wanted` (a code) is the first pick."""
    from queries.metrics import Scope

    roster = fetch(data_queries.township_roster, scope)
    if len(roster) <= 1:
        return scope
    counties = sorted({county for _, _, county, *_ in roster})
    first = next((row for row in roster if row[0] == wanted), roster[0])
    if len(counties) > 1:
        if st.session_state.get(f"{key}_county") not in counties:
            st.session_state[f"{key}_county"] = first[2]
        county = st.selectbox("县", counties, key=f"{key}_county")
        roster = [row for row in roster if row[2] == county]
    names = {code: name for code, name, *_ in roster}
    if st.session_state.get(f"{key}_township") not in names:
        st.session_state[f"{key}_township"] = first[0] if first[0] in names else next(iter(names))
    return Scope((st.selectbox("乡镇", list(names), key=f"{key}_township", format_func=names.get),))


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
