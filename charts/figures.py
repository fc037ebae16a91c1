"""Plotly figures from small frames, every one in the shared theme with a 口径 note.

A figure function takes a frame and words, never a connection: charts only draw.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import theme  # noqa: F401  (registers the template)


def _finish(fig: go.Figure, title: str, x_title: str, y_title: str, note: str) -> go.Figure:
    fig.update_layout(
        title=dict(text=title),
        xaxis_title=x_title,
        yaxis_title=y_title,
        meta={"note": note},
        annotations=[dict(
            text=f"口径：{note}", xref="paper", yref="paper", x=0, y=-0.22, showarrow=False,
            xanchor="left", font=dict(size=12, color="#555"),
        )],
        margin=dict(b=90),
    )
    return fig


def monthly_lines(frame: pd.DataFrame, series: dict[str, str], title: str, y_title: str, note: str) -> go.Figure:
    """One line per column of `frame` named in `series` (column -> Chinese name), by month."""
    fig = go.Figure()
    for column, name in series.items():
        fig.add_scatter(x=frame["month"], y=frame[column], name=name, mode="lines+markers")
    fig.update_xaxes(tickformat="%Y年%-m月", dtick="M1" if len(frame) <= 12 else "M3")
    return _finish(fig, title, "月份", y_title, note)
