"""One look for every chart: CJK fonts, a palette that survives a projector and
grey-scale printing (its colours differ in lightness, not only in hue)."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

FONT_STACK = "Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"
# Navy, orange, pale blue, dark grey, gold, dark red …: neighbours differ in lightness,
# and figures add patterns/dashes so series stay apart in grey-scale print.
PALETTE = ["#1B4F8C", "#E8833A", "#A9CCE3", "#5A5A5A", "#F2C14E", "#8C1C13", "#2E7D4F", "#B07AA1", "#76B7B2", "#D4A6C8"]
SEQUENTIAL = ["#F4F7FB", "#C9DAEE", "#8FB8DE", "#4F83BF", "#1B4F8C", "#0B2A4F"]
GOOD, BAD, NEUTRAL = "#2E7D4F", "#8C1C13", "#9A9A9A"
TEMPLATE_NAME = "renda"

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_STACK, size=15, color="#1F2933"),
        title=dict(font=dict(size=19), x=0, xanchor="left", xref="paper"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#555", ticks="outside", title_font=dict(size=14), automargin=True),
        yaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", title_font=dict(size=14), automargin=True,
                   rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
        margin=dict(l=60, r=30, t=80, b=60),
        hoverlabel=dict(font_family=FONT_STACK),
        colorscale=dict(sequential=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]),
    )
)
pio.templates.default = TEMPLATE_NAME
