"""Plotly figures from small frames, every one in the shared theme with a 口径 note.

A figure function takes a frame and words, never a connection: charts only
draw. Every figure gets a Chinese title, axis titles with units and a one-line
口径 note under the plot (also kept in `layout.meta["note"]` for exports).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.theme import BAD, GOOD, PALETTE, SEQUENTIAL, TEMPLATE_NAME

# Grey-scale printing loses hue: stacked series also differ by fill pattern, and
# lines by dash and marker once the palette repeats.
PATTERNS = ["", "/", ".", "x", "-", "|", "+"]
DASHES = ["solid", "dash", "dot", "dashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross"]
# A horizontal bar chart grows by this much per bar (and a heatmap per row), so a
# chart of 78 stations stays readable and its exported PNG is sized to it.
ROW_HEIGHT = 28
# Percent bars end at 100 %, but their value labels need room to the right of it.
PERCENT_RANGE = [0, 122]
PERCENT_TICKS = [0, 20, 40, 60, 80, 100]


class Levels:
    """A fixed colour scale tied to a target, e.g. activities per station and quarter
    0, 1, 2, 3 or more: the same count has the same colour on every screen, whatever
    the largest value shown (a scale stretched to the maximum makes 2 look poor next to 9)."""

    def __init__(self, colours: list[str], labels: list[str]):
        self.colours, self.labels = colours, labels

    @property
    def top(self) -> int:
        return len(self.colours) - 1

    def colorscale(self) -> list:
        """Discrete bands: value k (0 … top) fills [k - 0.5, k + 0.5] of the z range."""
        bands, n = [], len(self.colours)
        for index, colour in enumerate(self.colours):
            bands += [[index / n, colour], [(index + 1) / n, colour]]
        return bands

    def clip(self, values: pd.Series) -> pd.Series:
        return values.clip(upper=self.top)


# Counts against a one-per-month or two-per-quarter rule: none is a miss (pale red),
# one meets the monthly rule, two the quarterly target, three or more is ample.
PER_MONTH = Levels(["#F4C7C3", "#A9CCE3", "#4F83BF", "#1B4F8C"], ["0", "1", "2", "3及以上"])
PER_QUARTER = Levels(["#F4C7C3", "#F6E3B4", "#8FB8DE", "#1B4F8C"], ["0", "1", "2（达标）", "3及以上"])
# Shares of stations meeting a rule (0 … 100 %): 5 bands, under 60 % pale red.
SHARE_BANDS = Levels(["#F4C7C3", "#F6E3B4", "#C9DAEE", "#8FB8DE", "#1B4F8C"],
                     ["<60%", "60–80%", "80–95%", "95–<100%", "100%"])


NOTE_NAME = "口径"  # the annotation that carries the note (exports re-wrap it for their width)
NOTE_CHARS = 56  # a note's line on screen: what a half-width chart (two side by side) holds at 12 px


def finish(fig: go.Figure, title: str, x_title: str, y_title: str, note: str) -> go.Figure:
    """Title, axis titles and the 口径 note: what every chart of the product carries."""
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text=title),
        xaxis_title=x_title,
        yaxis_title=y_title,
        meta={"note": note, "title": title},
    )
    # Under the x-axis title, inside the bottom margin, so it survives every export.
    fig.add_annotation(
        text="", name=NOTE_NAME, xref="paper", yref="paper", x=0, y=0, yshift=-72, showarrow=False,
        xanchor="left", yanchor="top", align="left", font=dict(size=12, color="#555"),
    )
    return wrap_note(fig, NOTE_CHARS)


def wrap_note(fig: go.Figure, chars: int) -> go.Figure:
    """Break the 口径 note into lines of about `chars` (a CJK character counts two halves)
    and make the bottom margin room for them: plotly never wraps an annotation itself."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    lines_ = wrap(f"口径：{meta.get('note', '')}", chars)
    fig.update_annotations(selector=dict(name=NOTE_NAME), text="<br>".join(lines_))
    fig.update_layout(margin_b=110 + 16 * (len(lines_) - 1))
    return fig


def wrap(text: str, chars: int) -> list[str]:
    """`text` in lines of at most `chars` full-width characters (Latin letters and digits count half)."""
    found, line, width = [], "", 0.0
    for ch in text:
        step = 1.0 if ord(ch) > 0x2E80 else 0.55
        if width + step > chars and line:
            found.append(line)
            line, width = "", 0.0
        line, width = line + ch, width + step
    return [*found, line] if line else found


def lines(
    frame: pd.DataFrame, x: str, series: dict[str, str], title: str, x_title: str, y_title: str, note: str,
) -> go.Figure:
    """One line per column named in `series` (column -> Chinese name)."""
    fig = go.Figure()
    for index, (column, name) in enumerate(series.items()):
        fig.add_scatter(
            x=frame[x], y=frame[column], name=name, mode="lines+markers",
            line=dict(color=PALETTE[index % len(PALETTE)], dash=DASHES[index // len(PALETTE) % len(DASHES)]),
            marker=dict(symbol=SYMBOLS[index % len(SYMBOLS)], size=8),
            hovertemplate=f"{name}<br>%{{x|%Y年%-m月}}：%{{y}}<extra></extra>",
        )
    _month_axis(fig, frame[x])
    return finish(fig, title, x_title, y_title, note)


def bars(
    frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str, note: str,
    color: str | None = None, horizontal: bool = False, reference: tuple | None = None,
    text_format: str | None = None, text: str | None = None, percent: bool = False,
) -> go.Figure:
    """Bars of `y` by `x`; stacked by `color` when given; `reference` draws a marked line
    (e.g. ("全县平均", 12.5), or ("全县平均", 55.7, "55.7%") with the words to write) across the bars.
    `text` names a column of ready labels
    (e.g. "89.2%（45/50户）"); `percent` draws `y` (in percent) on a 0–100 axis with room
    for the labels past 100 %."""
    fig = go.Figure()
    groups = [(None, frame)] if color is None else list(frame.groupby(color, sort=False))
    for index, (name, part) in enumerate(groups):
        values, labels = part[y], part[x]
        labelled = text is not None or text_format is not None
        fig.add_bar(
            x=values if horizontal else labels, y=labels if horizontal else values,
            orientation="h" if horizontal else "v", name=str(name) if name is not None else y_title,
            marker_color=PALETTE[index % len(PALETTE)], showlegend=color is not None,
            text=part[text] if text else None, texttemplate=None if text else text_format,
            textposition="outside" if labelled else None,
            cliponaxis=False, customdata=part.index.to_numpy(),
            marker_pattern_shape=PATTERNS[index % len(PATTERNS)] if color is not None else "",
            hovertemplate=_bar_hover(name, horizontal),
        )
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_layout(height=max(420, 200 + ROW_HEIGHT * frame[x].nunique()))
    if percent:
        (fig.update_xaxes if horizontal else fig.update_yaxes)(
            range=PERCENT_RANGE, tickvals=PERCENT_TICKS, ticksuffix="%", showgrid=True, gridcolor="#E5E7EB")
    else:
        _whole_number_ticks(fig, frame[y], "x" if horizontal else "y")
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
    elif pd.api.types.is_datetime64_any_dtype(frame[x]):
        _month_axis(fig, frame[x])
    else:
        fig.update_xaxes(type="category")
    if reference:
        label, value, *written = reference
        words = written[0] if written else f"{value:g}"
        line = dict(line_dash="dash", line_color=BAD, annotation_text=f"{label} {words}",
                    annotation_position="top right")
        (fig.add_vline if horizontal else fig.add_hline)(value, **line)
    return finish(fig, title, y_title if horizontal else x_title, x_title if horizontal else y_title, note)


def percent_bars(
    frame: pd.DataFrame, label: str, percent: str, numerator: str, denominator: str, unit: str,
    title: str, axis_title: str, note: str, reference: tuple[str, float | None] | None = None,
) -> go.Figure:
    """Horizontal bars of a percentage per village / group / township, each labelled with
    its share and its counts (89.2%（45/50户）), on a 0–100 % axis with room for the labels;
    `reference` is (name, the scope's share 0..1), drawn and written as every page writes it."""
    if reference is not None:
        name, share = reference
        reference = None if share is None else (name, share * 100, f"{share * 100:.1f}%")
    labelled = frame.assign(bar_text=[
        "" if pd.isna(p) else f"{p:.1f}%（{int(a)}/{int(b)}{unit}）"
        for p, a, b in zip(frame[percent], frame[numerator], frame[denominator], strict=True)])
    return bars(labelled, label, percent, title, axis_title, "比例（%）", note, horizontal=True,
                reference=reference, text="bar_text", percent=True)


def _bar_hover(series, horizontal: bool) -> str:
    label, value = ("%{y}", "%{x}") if horizontal else ("%{x}", "%{y}")
    prefix = f"{series}<br>" if series is not None else ""
    return f"{prefix}{label}：{value}<extra></extra>"


def bars_with_line(
    frame: pd.DataFrame, x: str, bar_series: dict[str, str], line_column: str, line_name: str,
    title: str, x_title: str, y_title: str, note: str,
) -> go.Figure:
    """Grouped bars (e.g. collected vs resolved) with one line over them (e.g. the backlog)."""
    fig = go.Figure()
    for index, (column, name) in enumerate(bar_series.items()):
        fig.add_bar(x=frame[x], y=frame[column], name=name, marker_color=PALETTE[index],
                    marker_pattern_shape=PATTERNS[index],
                    hovertemplate=f"{name}<br>%{{x|%Y年%-m月}}：%{{y}}<extra></extra>")
    fig.add_scatter(x=frame[x], y=frame[line_column], name=line_name, mode="lines+markers",
                    line=dict(color=PALETTE[3], width=3),
                    hovertemplate=f"{line_name}<br>%{{x|%Y年%-m月}}：%{{y}}<extra></extra>")
    fig.update_layout(barmode="group")
    _month_axis(fig, frame[x])
    return finish(fig, title, x_title, y_title, note)


def heatmap(
    frame: pd.DataFrame, x: str, y: str, z: str, title: str, x_title: str, y_title: str, note: str,
    z_title: str, text: str | None = None, levels: Levels | None = None, share: bool = False,
) -> go.Figure:
    """A grid of `z` over `x` × `y` (e.g. station × month); `text` column labels every cell
    (缺 marks show at any number of rows). `levels` fixes the colours to a target's bands
    (counts); `share` draws 0..1 values on SHARE_BANDS; else a scale from 0 to the maximum."""
    grid = frame.pivot_table(index=y, columns=x, values=z, aggfunc="sum", sort=False, dropna=False)
    labels = None
    if text:
        labels = frame.pivot_table(index=y, columns=x, values=text, aggfunc="first", sort=False, dropna=False)
        labels = labels.reindex(index=grid.index, columns=grid.columns).fillna("").to_numpy()
    x_labels = [c.strftime("%Y年%-m月") if hasattr(c, "strftime") else str(c) for c in grid.columns]
    values = grid.to_numpy(dtype="float64")
    hover = f"%{{y}}　%{{x}}<br>{z_title}：%{{customdata}}<extra></extra>"
    shown = values
    scale: dict = dict(colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
                       zmin=0, colorbar=dict(title=z_title))
    if share:
        levels = SHARE_BANDS
        shown = pd.DataFrame(values).apply(lambda col: col.map(_share_band)).to_numpy(dtype="float64")
    if levels is not None:
        shown = shown if share else levels.clip(pd.DataFrame(values)).to_numpy(dtype="float64")
        scale = dict(colorscale=levels.colorscale(), zmin=-0.5, zmax=levels.top + 0.5, colorbar=dict(
            title=z_title, tickvals=list(range(levels.top + 1)), ticktext=levels.labels))
    elif values.size and pd.notna(values).any() and pd.Series(values.ravel()).dropna().max() <= 8:
        scale["colorbar"] = dict(title=z_title, dtick=1)  # whole counts, no 0.5 ticks
    rows = len(grid.index)
    fig = go.Figure(go.Heatmap(
        z=shown, x=x_labels, y=[str(i) for i in grid.index], text=labels, customdata=_hover_values(values, share),
        texttemplate="%{text}" if text else None, textfont=dict(size=13 if rows <= 30 else 11),
        hovertemplate=hover, hoverongaps=False, xgap=2, ygap=2, **scale,
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top" if rows > 20 else "bottom")
    fig.update_layout(height=max(420, 220 + ROW_HEIGHT * rows))
    if rows > 30:
        fig.update_yaxes(tickfont=dict(size=12))
    return finish(fig, title, x_title, y_title, note)


def _share_band(value: float) -> float:
    """Which SHARE_BANDS band a 0..1 share falls in (NaN stays NaN: nothing judged)."""
    if pd.isna(value):
        return math.nan
    return 0 if value < 0.6 else 1 if value < 0.8 else 2 if value < 0.95 else 3 if value < 1 else 4


def _hover_values(values, share: bool):
    """The true cell values for the hover (the colours may be banded)."""
    if not share:
        return values
    return pd.DataFrame(values).apply(lambda col: col.map(lambda v: "" if pd.isna(v) else f"{v:.0%}")).to_numpy()


def donut(frame: pd.DataFrame, names: str, values: str, title: str, note: str) -> go.Figure:
    """Shares of a whole (e.g. the A/B/C/D outcome split), labelled with count and percent."""
    fig = go.Figure(go.Pie(
        labels=frame[names], values=frame[values], hole=0.5, sort=False,
        marker=dict(colors=PALETTE[: len(frame)], line=dict(color="white", width=2)),
        texttemplate="%{label}<br>%{value}（%{percent}）", textposition="outside",
    ))
    fig.update_layout(showlegend=False)
    return finish(fig, title, "", "", note)


def progress(
    items: list[tuple[str, float | None, str]], title: str, note: str, judged: bool = True,
) -> go.Figure:
    """Progress towards 100 % per item: (name, share 0..1, caption such as '585/598户').

    Colours give a verdict (green from 95 %, red under 80 %) only when `judged`: a campaign
    still under way, or a year-to-date figure, is drawn in the neutral navy, never red."""
    names = [name for name, _, _ in items]
    shares = [share or 0 for _, share, _ in items]
    fig = go.Figure()
    fig.add_bar(y=names, x=[1] * len(items), orientation="h", marker_color="#E5E7EB",
                hoverinfo="skip", showlegend=False)
    labels = [f"{s:.1%}　{caption}" for s, (_, _, caption) in zip(shares, items, strict=True)]
    colours = [_verdict(s) if judged else PALETTE[0] for s in shares]
    fig.add_bar(y=names, x=shares, orientation="h", showlegend=False, marker_color=colours,
                hovertemplate="%{y}：%{x:.1%}<extra></extra>")
    # Labels sit right of the bar (past the 100 % mark when full), inside the axis range.
    for name, share, label in zip(names, shares, labels, strict=True):
        fig.add_annotation(x=max(share, 0) + 0.01, y=name, text=label, showarrow=False, xanchor="left",
                           font=dict(size=16, color="#1F2933"))
    fig.update_layout(barmode="overlay", height=160 + 70 * len(items))
    fig.update_xaxes(range=[0, 1.42], tickvals=[v / 100 for v in PERCENT_TICKS], tickformat=".0%",
                     showgrid=True, gridcolor="#E5E7EB")
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, "完成比例（%）", "", note)


def _verdict(share: float) -> str:
    return GOOD if share >= 0.95 else (PALETTE[0] if share >= 0.8 else BAD)


def _whole_number_ticks(fig: go.Figure, values: pd.Series, axis: str) -> None:
    """Counts never show 0.5次: small integer ranges get a tick per whole number."""
    if len(values) and pd.api.types.is_integer_dtype(values) and values.max() <= 6:
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(dtick=1, tick0=0)


def _month_axis(fig: go.Figure, months: pd.Series) -> None:
    """Monthly ticks on a date axis written on one line (7月, with the year on the first
    tick and on each January: 2026年7月), every month up to a year, else every third;
    half a month of room at each end so the first and the last month keep their label
    (plotly drops a label that would overflow the plot) and no bar is cut at the edge."""
    if not (pd.api.types.is_datetime64_any_dtype(months) or (len(months) and hasattr(months.iloc[0], "year"))):
        return
    days = pd.Series(sorted(pd.to_datetime(pd.Series(months)).dropna().unique()))
    if days.empty:
        return
    ticks = list(days.iloc[::1 if len(days) <= 12 else 3])
    words = [f"{d.year}年{d.month}月" if i == 0 or d.month == 1 else f"{d.month}月" for i, d in enumerate(ticks)]
    fig.update_xaxes(tickvals=ticks, ticktext=words, range=[days.min() - pd.Timedelta(days=16),
                                                            days.max() + pd.Timedelta(days=16)])


def small_multiples(
    frame: pd.DataFrame, x: str, series: dict[str, str], title: str, y_title: str, note: str,
    columns: int = 5, percent: bool = False, whole: bool = False,
) -> go.Figure:
    """One small line chart per column of `series` (column -> Chinese name, e.g. a township),
    on shared axes: ten townships side by side read better than ten tangled lines.
    `whole` keeps count axes to whole numbers."""
    names = list(series.items())
    rows = max(1, math.ceil(len(names) / columns))
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=[name for _, name in names], vertical_spacing=0.16 / rows + 0.06,
                        horizontal_spacing=0.02)
    top = pd.to_numeric(frame[[c for c, _ in names]].stack(), errors="coerce").max() if names else 0
    for index, (column, name) in enumerate(names):
        fig.add_scatter(
            x=frame[x], y=frame[column], name=name, mode="lines+markers", showlegend=False,
            line=dict(color=PALETTE[0], width=2.5), marker=dict(size=6),
            hovertemplate=f"{name}<br>%{{x}}：%{{y}}<extra></extra>",
            row=index // columns + 1, col=index % columns + 1,
        )
    upper = 100 * 1.08 if percent else (max(1, top if pd.notna(top) else 1) * 1.15)
    fig.update_yaxes(range=[0, upper], rangemode="tozero", gridcolor="#E5E7EB")
    if whole and pd.notna(top):
        fig.update_yaxes(tick0=0, dtick=max(1, math.ceil(upper / 4)))
    if percent:
        fig.update_yaxes(ticksuffix="%")
    if pd.api.types.is_datetime64_any_dtype(frame[x]):
        _month_axis(fig, frame[x])
    fig.update_layout(height=160 + 230 * rows)
    fig.update_annotations(font_size=15)
    fig = finish(fig, title, "", "", note)
    fig.update_layout(yaxis_title=y_title)
    return fig



def daily_lines(
    frame: pd.DataFrame, x: str, series: dict[str, str], title: str, x_title: str, y_title: str, note: str,
    share: bool = False,
) -> go.Figure:
    """One step line per column over days (lines() is for monthly series: its ticks are months).
    `share` draws values held as 0..1 on a 0–100 % axis, e.g. cumulative coverage."""
    fig = go.Figure()
    value = "%{y:.1%}" if share else "%{y:.2~f}"
    for index, (column, name) in enumerate(series.items()):
        fig.add_scatter(
            x=frame[x], y=frame[column], name=name, mode="lines", line_shape="hv",
            line=dict(color=PALETTE[index % len(PALETTE)], width=3),
            hovertemplate=f"%{{x|%Y年%-m月%-d日}}：{value}<extra>{name}</extra>",
        )
    fig.update_xaxes(tickformatstops=[
        dict(dtickrange=[None, "M1"], value="%-m月%-d日"),
        dict(dtickrange=["M1", "M12"], value="%Y年%-m月"),
        dict(dtickrange=["M12", None], value="%Y年"),
    ])
    if share:
        fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return finish(fig, title, x_title, y_title, note)


def grouped_bars(
    frame: pd.DataFrame, x: str, series: dict[str, str], title: str, x_title: str, y_title: str, note: str,
    text_format: str | None = "%{y:.1~f}",
) -> go.Figure:
    """Bars side by side per category, one colour per column of `series` (column -> Chinese name),
    e.g. one deputy's activities per kind next to their peers' average (bars() stacks)."""
    fig = go.Figure()
    for index, (column, name) in enumerate(series.items()):
        fig.add_bar(
            x=frame[x], y=frame[column], name=name, marker_color=PALETTE[index % len(PALETTE)],
            texttemplate=text_format, textposition="outside" if text_format else None,
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return finish(fig, title, x_title, y_title, note)


def clickable_heatmap(
    frame: pd.DataFrame, x: str, y: str, z: str, title: str, x_title: str, y_title: str, note: str,
    z_title: str, text: str | None = None, levels: Levels | None = None,
) -> go.Figure:
    """`heatmap` whose cells can be clicked for a drill-down. Streamlit returns no selection
    for heatmap traces, so an invisible marker sits on every cell carrying its frame index
    (read it with layout.chart(..., select="customdata")); a picked cell gets an outline.
    With hoverdistance -1 a click anywhere in a cell picks that cell's marker."""
    fig = heatmap(frame, x, y, z, title, x_title, y_title, note, z_title, text=text, levels=levels)
    x_labels = [v.strftime("%Y年%-m月") if hasattr(v, "strftime") else str(v) for v in frame[x]]
    y_labels = [str(v) for v in frame[y]]
    fig.update_traces(hoverinfo="skip", selector=dict(type="heatmap"))
    fig.add_scatter(
        x=x_labels, y=y_labels, mode="markers", customdata=frame.index.to_numpy(), showlegend=False,
        marker=dict(symbol="square-open", size=30, color=BAD, line=dict(width=3), opacity=0),
        selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=0)),
        hovertext=[f"{yl}<br>{xl}：{v:g}" for xl, yl, v in zip(x_labels, y_labels, frame[z], strict=True)],
        hoverinfo="text",
    )
    fig.update_layout(hoverdistance=-1)
    return fig
