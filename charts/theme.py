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
        title=dict(font=dict(size=19), x=0, xanchor="left", xref="paper", y=1, yref="container", yanchor="top",
                   pad=dict(t=16)),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#555", ticks="outside", title_font=dict(size=14), automargin=True),
        yaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", title_font=dict(size=14), automargin=True,
                   rangemode="tozero"),
        # Under the title, above the plot, from the left: a narrow chart never sets its
        # legend over its title.
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
        margin=dict(l=60, r=30, t=96, b=60),
        hoverlabel=dict(font_family=FONT_STACK),
        colorscale=dict(sequential=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]),
    )
)
pio.templates.default = TEMPLATE_NAME


# On a projector read from the back of a meeting room: every text at least 16 px
# (ticks 17, axis titles 18, titles 24), and a chart at least 400 px tall.
PROJECTOR_FONTS = {"base": 18, "tick": 17, "axis": 18, "title": 24, "note": 16}


def for_projector(fig: go.Figure, height: int = 400) -> go.Figure:
    """A copy of the figure with type sized for projection, at least `height` tall (a
    chart that asks for more, e.g. one bar per station, keeps its own)."""
    sizes = PROJECTOR_FONTS
    copy = go.Figure(fig)
    copy.update_layout(font_size=sizes["base"], title_font_size=sizes["title"], legend_font_size=sizes["base"],
                       height=max(height, int(fig.layout.height or 0)), margin_t=100)
    copy.update_xaxes(tickfont_size=sizes["tick"], title_font_size=sizes["axis"])
    copy.update_yaxes(tickfont_size=sizes["tick"], title_font_size=sizes["axis"])
    copy.update_annotations(font_size=sizes["note"])
    copy.update_traces(textfont_size=sizes["tick"], selector=lambda trace: hasattr(trace, "textfont"))
    return copy
