"""Charts as PNG images for reports: kaleido with Debian's Chromium, one browser kept
running for a batch, stamped with scope, period and data date.

A chart for a slide is 1280 wide and at least 16:9, taller when its content is (a
78-station chart is not squeezed into 720 pixels), at twice the size. A chart for a
Word page is drawn at the width it is placed at (16 cm ≈ 620 CSS pixels) and three
times the resolution, so its text prints at the size it was designed for.

Starting Chromium costs seconds per image; a persistent kaleido server brings an
image down to well under a second, so it is started once per process and reused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import kaleido
import plotly.graph_objects as go

from charts.figures import wrap_note

WIDTH, HEIGHT, SCALE = 1280, 720, 2  # 16:9 at least, drawn at 2560 × 1440
PAGE_WIDTH, PAGE_HEIGHT, PAGE_SCALE = 620, 370, 3  # 16 × 9.5 cm in the Word briefing: two to a page
_server_lock = threading.Lock()
_server_started = False


@dataclass(frozen=True)
class Stamp:
    """What an image pasted into a report must say about itself."""

    scope: str
    period: str
    as_of: str  # 数据截至 …

    def text(self) -> str:
        return f"范围：{self.scope}　统计期：{self.period}　数据截至：{self.as_of}"


def content_height(fig: go.Figure, minimum: int = HEIGHT) -> int:
    """The height a figure asks for (long bar charts and heatmaps set one), at least `minimum`."""
    return max(minimum, int(fig.layout.height or 0))


def stamped(fig: go.Figure, stamp: Stamp | None, width: int = WIDTH, height: int | None = None) -> go.Figure:
    """A copy of the figure at its export size, with the stamp under its title (the 口径
    note is already on it)."""
    # The note starts at the plot's left edge, after any category labels: wrap it to what is left.
    copy = wrap_note(go.Figure(fig), max(24, int((width - 40 - _label_width(fig)) / 12.5)))
    copy.update_layout(width=width, height=height or content_height(fig))
    if stamp is not None:
        copy.update_layout(title_subtitle=dict(text=stamp.text(), font=dict(size=13, color="#444")),
                           margin=dict(t=110))
    return copy


def _label_width(fig: go.Figure) -> float:
    """About how wide the left labels of a chart are drawn (15 px type; a CJK character is
    as wide as it is tall): the names of horizontal bars or heatmap rows, else a number axis."""
    names = [str(v) for trace in fig.data
             if getattr(trace, "orientation", None) == "h" or trace.type == "heatmap"
             for v in (trace.y if trace.y is not None else ())]
    if not names:
        return 60
    return 40 + max(sum(15 if ord(ch) > 0x2E80 else 8 for ch in name) for name in names)


def _ensure_server() -> None:
    global _server_started
    with _server_lock:
        if not _server_started:
            kaleido.start_sync_server(silence_warnings=True)
            _server_started = True


def png_bytes(fig: go.Figure, stamp: Stamp | None, width: int = WIDTH, height: int | None = None,
              scale: int = SCALE) -> bytes:
    """The stamped chart as a PNG, through the shared kaleido server."""
    export = stamped(fig, stamp, width, height)
    _ensure_server()
    with _server_lock:  # one image at a time through the one browser
        return export.to_image(format="png", width=width, height=export.layout.height, scale=scale)


def page_png(fig: go.Figure) -> bytes:
    """The chart for a Word page: at its placed width, its height kept in proportion to
    what it asks for on screen (the document's header already says scope and period)."""
    height = max(PAGE_HEIGHT, round(content_height(fig, 0) * PAGE_WIDTH / WIDTH))
    return png_bytes(fig, None, PAGE_WIDTH, height, PAGE_SCALE)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
