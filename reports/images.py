"""Charts as PNG images for reports: kaleido with Debian's Chromium, one browser kept
running for a batch, 16:9 at twice the size, stamped with scope, period and data date.

Starting Chromium costs seconds per image; a persistent kaleido server brings an
image down to well under a second, so it is started once per process and reused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import kaleido
import plotly.graph_objects as go

WIDTH, HEIGHT, SCALE = 1280, 720, 2  # 16:9, drawn at 2560 × 1440
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


def stamped(fig: go.Figure, stamp: Stamp) -> go.Figure:
    """A copy of the figure with the stamp under its title (the 口径 note is already on it)."""
    copy = go.Figure(fig)
    copy.update_layout(
        title_subtitle=dict(text=stamp.text(), font=dict(size=13, color="#444")),
        margin=dict(t=110), width=WIDTH, height=HEIGHT,
    )
    return copy


def _ensure_server() -> None:
    global _server_started
    with _server_lock:
        if not _server_started:
            kaleido.start_sync_server(silence_warnings=True)
            _server_started = True


def png_bytes(fig: go.Figure, stamp: Stamp) -> bytes:
    """The stamped chart as a PNG, through the shared kaleido server."""
    _ensure_server()
    with _server_lock:  # one image at a time through the one browser
        return stamped(fig, stamp).to_image(format="png", width=WIDTH, height=HEIGHT, scale=SCALE)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
