"""Text that came from a file or a URL, made safe to show inside our own markdown.

Streamlit renders markdown in titles, captions, notes, expander and widget labels.
A township named `[**钓鱼镇**](http://evil.example)` must read as those characters,
not as a bold link: every value a user supplied (names, titles, file names, reasons,
URL parameters) goes through `md` where it joins our text; only our own text is markup.
Tables (st.dataframe) show text as text and need nothing.
"""

from __future__ import annotations

import html
import re
import string

# CommonMark lets any ASCII punctuation be escaped with a backslash; escaping all of it also
# breaks GFM's bare-URL autolinks (http\:, www\.) and Streamlit's :color[...] and $math$.
_PUNCTUATION = frozenset(string.punctuation)
# A line break or a run of spaces inside a value could open a new block (a heading, a list,
# an indented code block): a value always stays inline.
_BREAKS = re.compile(r"(?:[\x00-\x1f\x7f\u2028\u2029]| {2,})[\x00-\x1f\x7f\u2028\u2029 ]*")


def md(value: object) -> str:
    """`value` as literal text inside markdown: every ASCII punctuation mark escaped, breaks as one space."""
    text = _BREAKS.sub(" ", "" if value is None else str(value))
    return "".join(f"\\{char}" if char in _PUNCTUATION else char for char in text)


def html_text(value: object) -> str:
    """`value` as literal text inside our own HTML (st.markdown with unsafe_allow_html)."""
    return html.escape(_BREAKS.sub(" ", "" if value is None else str(value)), quote=True)
