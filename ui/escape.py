"""Text that came from a file or a URL, made safe to show inside our own markup.

Streamlit renders markdown in titles, captions, notes, expander and widget labels.
A township named `[**钓鱼镇**](http://evil.example)` must read as those characters,
not as a bold link: every value a user supplied (names, titles, file names, reasons,
URL parameters) goes through `md` where it joins our text; only our own text is markup.
Plotly draws <a href>, <b>, <span> in titles, legends, tick and hover labels, so every
figure a page shows goes through `plotly_figure`. Tables (st.dataframe) show text as text.
"""

from __future__ import annotations

import html
import re
import string

import numpy as np
import plotly.graph_objects as go

# CommonMark lets any ASCII punctuation be escaped with a backslash, which also stops
# Streamlit's :color[...], :material/…: and $math$.
_PUNCTUATION = frozenset(string.punctuation)
# GFM turns bare URLs, www. names and e-mail addresses into links after escapes are undone
# (checked in Chromium): an invisible word joiner where such a link would start stops it.
_AUTOLINK = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?=@)")
_WORD_JOINER = "\u2060"
# A line break or a run of spaces inside a value could open a new block (a heading, a list,
# an indented code block): a value always stays inline.
_BREAKS = re.compile(r"(?:[\x00-\x1f\x7f\u2028\u2029]| {2,})[\x00-\x1f\x7f\u2028\u2029 ]*")


def md(value: object) -> str:
    """`value` as literal text inside markdown: every ASCII punctuation mark escaped, breaks as one space,
    no autolink."""
    text = _AUTOLINK.sub(_WORD_JOINER, _BREAKS.sub(" ", "" if value is None else str(value)))
    return "".join(f"\\{char}" if char in _PUNCTUATION else char for char in text)


def html_text(value: object) -> str:
    """`value` as literal text inside our own HTML (st.markdown with unsafe_allow_html)."""
    return html.escape(_BREAKS.sub(" ", "" if value is None else str(value)), quote=True)


# Figure keys whose strings are data or words, never our markup: escaped whole. The
# templates keep our own tags (<br>, <extra>) but lose any link a name brought in.
_PLOTLY_TEXT = frozenset({"text", "name", "x", "y", "labels", "hovertext", "ticktext", "customdata", "ids"})
_PLOTLY_TEMPLATES = frozenset({"hovertemplate", "texttemplate"})
_PLOTLY_OURS = frozenset({"meta", "template"})  # the title kept for file names; the shared theme
_LINK_TAG = re.compile(r"<(?=\s*/?\s*a\b)", re.IGNORECASE)


def plotly_figure(fig: go.Figure) -> go.Figure:
    """A copy of `fig` whose text draws as the characters it is (plotly decodes the entities)."""
    return go.Figure(_plotly_safe(fig.to_dict(), None))


def plotly_value(value):
    """A value a selection on a `plotly_figure` hands back, as it was before escaping."""
    return html.unescape(value) if isinstance(value, str) else value


def _plotly_safe(node, key):
    if isinstance(node, dict):
        return {k: (v if k in _PLOTLY_OURS else _plotly_safe(v, k)) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_plotly_safe(v, key) for v in node]
    if isinstance(node, np.ndarray) and node.dtype == object:
        return np.array([_plotly_safe(v, key) for v in node.tolist()], dtype=object)
    if isinstance(node, str):
        if key in _PLOTLY_TEMPLATES:
            return _LINK_TAG.sub("&lt;", node)
        if key in _PLOTLY_TEXT:
            return html.escape(node, quote=False)
    return node
