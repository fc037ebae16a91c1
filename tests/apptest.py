"""Driving and reading pages in Streamlit's AppTest, shared by the page tests.

A page is opened either through the router (dashboard.py, then switch_page) or
on its own (pages only call the filters and the query layer, so both work);
the readers turn tiles, tables and plotly charts into plain Python values.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from queries.db import PROJECT_ROOT

APP = PROJECT_ROOT / "dashboard.py"
Q2 = {"from": "2024-04-01", "to": "2024-06-30"}
EMPTY = {"from": "2010-01-01", "to": "2010-03-31"}


def new_app(script: str | Path, query: dict | None = None, session: dict | None = None,
            timeout: int = 30) -> AppTest:
    """An AppTest of `script` with the URL query (and session state) set, not yet run."""
    at = AppTest.from_file(str(script), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at


def open_page(page: str, via_router: bool, query: dict | None = None, session: dict | None = None,
              timeout: int = 30) -> AppTest:
    """Run `page` (e.g. "pages/data.py") through dashboard.py, or on its own."""
    at = new_app(APP if via_router else PROJECT_ROOT / page, query, session, timeout).run()
    if via_router:
        at.switch_page(page).run()
    return at


def deep_link(page: str, query: dict | None = None, timeout: int = 30) -> AppTest:
    """Open a shared link straight on `page` (e.g. /briefing?from=…), through the router:
    the page's first run is the one that reads the link."""
    return new_app(APP, query, timeout=timeout).switch_page(page).run()


def tile(at: AppTest, name: str) -> str:
    return next(m.value for m in at.metric if m.label == name)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame_by_header(at: AppTest, header: str):
    """The first table on the page with a column of that header."""
    return next(df.value for df in at.dataframe if header in df.value.columns)


def chart_specs(at: AppTest) -> list[dict]:
    """Every plotly figure on the page, as its JSON spec."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plotly_values(array) -> list:
    """A plotly array as a list (plotly encodes numeric arrays as typed base64); NaN -> None."""
    if isinstance(array, dict):
        array = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return [None if isinstance(v, float) and math.isnan(v) else v for v in array]


def markdown_texts(at: AppTest) -> list[str]:
    """Every text on the page that Streamlit renders as markdown: bodies of titles, captions,
    markdown and notes, and the labels of expanders, tabs, tiles and widgets (radio options too).
    Tables and charts are left out: they show text as text."""
    texts = []
    for node in [*at.main, *at.sidebar]:
        if node.type in {"markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
                         "success", "toast"}:
            texts.append(node.value)
        label = getattr(node, "label", None)
        if isinstance(label, str):
            texts.append(label)
        if node.type == "radio":
            texts += [str(option) for option in node.options]
    return texts
