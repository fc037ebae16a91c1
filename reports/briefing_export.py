"""The whole briefing as one Word file: its charts rendered through one kaleido browser."""

from __future__ import annotations

import plotly.graph_objects as go

from queries.labels import METRICS
from reports.briefing import HEADLINE, Attention, BriefingFigures
from reports.docx_report import Chart, briefing_docx
from reports.images import Stamp, page_png
from ui.format import change, figure

HEADLINE_HEADER = ["指标", "本期", "上期", "环比", "上年同期", "同比"]


def headline_table(shown: BriefingFigures) -> list[list[str]]:
    """The headline figures against the previous period and the same period last year."""
    rows = [HEADLINE_HEADER]
    for key in HEADLINE:
        now, before, last_year = shown.now[key], shown.previous[key], shown.last_year[key]
        rows.append([
            METRICS[key].name, figure(key, now), figure(key, before), change(key, now, before) or "—",
            figure(key, last_year), change(key, now, last_year) or "—",
        ])
    return rows


def briefing_document(
    title: str, stamp: Stamp, paragraph: str, shown: BriefingFigures, charts: list[go.Figure],
    attention: list[Attention], definitions: list[tuple[str, str]],
) -> bytes:
    """Render every chart at its printed width (one persistent browser for the batch) and
    assemble the .docx."""
    rendered = [Chart(fig.layout.meta["title"], page_png(fig), fig.layout.meta["note"]) for fig in charts]
    return briefing_docx(title, stamp.text(), paragraph, headline_table(shown), rendered, attention, definitions)
