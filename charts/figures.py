"""Plotly figures from small frames, every one in the shared theme with a 口径 note.

A figure function takes a frame and words, never a connection: charts only
draw. Every figure gets a Chinese title, axis titles with units and a one-line
口径 note under the plot (also kept in `layout.meta["note"]` for exports).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BAD, GOOD, PALETTE, SEQUENTIAL, TEMPLATE_NAME

# Grey-scale printing loses hue: stacked series also differ by fill pattern, and
# lines by dash and marker once the palette repeats.
PATTERNS = ["", "/", ".", "x", "-", "|", "+"]
DASHES = ["solid", "dash", "dot", "dashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross"]


def finish(fig: go.Figure, title: str, x_title: str, y_title: str, note: str) -> go.Figure:
    """Title, axis titles and the 口径 note: what every chart of the product carries."""
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text=title),
        xaxis_title=x_title,
        yaxis_title=y_title,
        meta={"note": note, "title": title},
        margin=dict(b=120),
    )
    # Under the x-axis title, inside the bottom margin, so it survives every export.
    fig.add_annotation(
        text=f"口径：{note}", xref="paper", yref="paper", x=0, y=0, yshift=-72, showarrow=False,
        xanchor="left", yanchor="top", font=dict(size=12, color="#555"),
    )
    return fig


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
    color: str | None = None, horizontal: bool = False, reference: tuple[str, float] | None = None,
    text_format: str | None = None,
) -> go.Figure:
    """Bars of `y` by `x`; stacked by `color` when given; `reference` draws a marked line
    (e.g. ("全县平均", 12.5)) across the bars."""
    fig = go.Figure()
    groups = [(None, frame)] if color is None else list(frame.groupby(color, sort=False))
    for index, (name, part) in enumerate(groups):
        values, labels = part[y], part[x]
        fig.add_bar(
            x=values if horizontal else labels, y=labels if horizontal else values,
            orientation="h" if horizontal else "v", name=str(name) if name is not None else y_title,
            marker_color=PALETTE[index % len(PALETTE)], showlegend=color is not None,
            texttemplate=text_format, textposition="outside" if text_format else None,
            cliponaxis=False, customdata=part.index.to_numpy(),
            marker_pattern_shape=PATTERNS[index % len(PATTERNS)] if color is not None else "",
            hovertemplate=_bar_hover(name, horizontal),
        )
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_layout(height=max(420, 200 + 26 * frame[x].nunique()))
    _whole_number_ticks(fig, frame[y], "x" if horizontal else "y")
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
    elif pd.api.types.is_datetime64_any_dtype(frame[x]):
        _month_axis(fig, frame[x])
    else:
        fig.update_xaxes(type="category")
    if reference:
        label, value = reference
        line = dict(line_dash="dash", line_color=BAD, annotation_text=f"{label} {value:g}",
                    annotation_position="top right")
        (fig.add_vline if horizontal else fig.add_hline)(value, **line)
    return finish(fig, title, y_title if horizontal else x_title, x_title if horizontal else y_title, note)


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
    z_title: str, text: str | None = None,
) -> go.Figure:
    """A grid of `z` over `x` × `y` (e.g. station × month); `text` column labels cells."""
    grid = frame.pivot_table(index=y, columns=x, values=z, aggfunc="sum", sort=False)
    labels = None
    if text:
        labels = frame.pivot_table(index=y, columns=x, values=text, aggfunc="first", sort=False)
        labels = labels.reindex(index=grid.index, columns=grid.columns).fillna("").to_numpy()
    x_labels = [c.strftime("%Y年%-m月") if hasattr(c, "strftime") else str(c) for c in grid.columns]
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=x_labels, y=[str(i) for i in grid.index],
        colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
        colorbar=dict(title=z_title), text=labels,
        texttemplate="%{text}" if text and len(grid.index) <= 30 else None,
        hovertemplate=f"%{{y}}　%{{x}}<br>{z_title}：%{{z}}<extra></extra>",
        hoverongaps=False, xgap=2, ygap=2,
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    fig.update_layout(height=max(420, 220 + 24 * len(grid.index)))
    values = grid.to_numpy()
    if values.size and pd.notna(values).any() and pd.Series(values.ravel()).dropna().max() <= 8:
        fig.update_traces(colorbar=dict(title=z_title, dtick=1))  # whole counts, no 0.5 ticks
    if len(grid.index) > 30:
        fig.update_yaxes(tickfont=dict(size=11))
    return finish(fig, title, x_title, y_title, note)


def donut(frame: pd.DataFrame, names: str, values: str, title: str, note: str) -> go.Figure:
    """Shares of a whole (e.g. the A/B/C/D outcome split), labelled with count and percent."""
    fig = go.Figure(go.Pie(
        labels=frame[names], values=frame[values], hole=0.5, sort=False,
        marker=dict(colors=PALETTE[: len(frame)], line=dict(color="white", width=2)),
        texttemplate="%{label}<br>%{value}（%{percent}）", textposition="outside",
    ))
    fig.update_layout(showlegend=False)
    return finish(fig, title, "", "", note)


def progress(items: list[tuple[str, float | None, str]], title: str, note: str) -> go.Figure:
    """Progress towards 100 % per item: (name, share 0..1, caption such as '585/598户')."""
    names = [name for name, _, _ in items]
    shares = [share or 0 for _, share, _ in items]
    fig = go.Figure()
    fig.add_bar(y=names, x=[1] * len(items), orientation="h", marker_color="#E5E7EB",
                hoverinfo="skip", showlegend=False)
    labels = [f"{s:.1%}　{caption}" for s, (_, _, caption) in zip(shares, items, strict=True)]
    fig.add_bar(
        y=names, x=shares, orientation="h", showlegend=False,
        marker_color=[GOOD if s >= 0.95 else (PALETTE[0] if s >= 0.8 else BAD) for s in shares],
        hovertemplate="%{y}：%{x:.1%}<extra></extra>",
    )
    # Labels sit on the grey track, right of the bar, so a short bar keeps a readable label.
    for name, share, label in zip(names, shares, labels, strict=True):
        fig.add_annotation(x=max(share, 0) + 0.01, y=name, text=label, showarrow=False, xanchor="left",
                           font=dict(size=16, color="#1F2933"))
    fig.update_layout(barmode="overlay", height=140 + 70 * len(items))
    fig.update_xaxes(range=[0, 1.001], tickformat=".0%", dtick=0.2)
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, "完成比例（%）", "", note)


def _whole_number_ticks(fig: go.Figure, values: pd.Series, axis: str) -> None:
    """Counts never show 0.5次: small integer ranges get a tick per whole number."""
    if len(values) and pd.api.types.is_integer_dtype(values) and values.max() <= 6:
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(dtick=1, tick0=0)


def _month_axis(fig: go.Figure, months: pd.Series) -> None:
    if pd.api.types.is_datetime64_any_dtype(months) or (len(months) and hasattr(months.iloc[0], "year")):
        fig.update_xaxes(tickformat="%Y年%-m月", dtick="M1" if len(months) <= 12 else "M3")



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
    text_format: str | None = "%{y:.2~f}",
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
    z_title: str, text: str | None = None,
) -> go.Figure:
    """`heatmap` whose cells can be clicked for a drill-down. Streamlit returns no selection
    for heatmap traces, so an invisible marker sits on every cell carrying its frame index
    (read it with layout.chart(..., select="customdata")); a picked cell gets an outline.
    With hoverdistance -1 a click anywhere in a cell picks that cell's marker."""
    fig = heatmap(frame, x, y, z, title, x_title, y_title, note, z_title, text=text)
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
