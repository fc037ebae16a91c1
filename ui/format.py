"""Figures as a Chinese reader expects them: units, one-decimal percentages, 万.

The one formatter of every figure a page, an export or the briefing shows: the same
key and value give the same string everywhere (tests/test_one_value.py).
"""

from __future__ import annotations

import datetime as dt
import re

from queries.labels import METRICS
from queries.metrics import CoverageWindow


def figure(key: str, value) -> str:
    """A metric's value with its unit: 23次, 93.1%, 1.2万条, — when it cannot be computed."""
    label = METRICS[key]
    if value is None:
        return "—"
    if label.unit == "%":
        return f"{value * 100:.1f}%"
    if label.unit == "天":
        return f"{value:.1f}天" if value % 1 else f"{value:.0f}天"
    return f"{count(value)}{label.unit}"


def count(value) -> str:
    """12345 -> 1.2万; smaller counts as they are."""
    if value >= 10000:
        return f"{value / 10000:.1f}万".replace(".0万", "万")
    return str(value) if isinstance(value, int) else f"{value:g}"


def change(key: str, now, before) -> str | None:
    """The change against an earlier period, in the metric's own terms (points for rates)."""
    if now is None or before is None:
        return None
    if now == before:
        return "持平"
    if METRICS[key].unit == "%":
        return f"{(now - before) * 100:+.1f}个百分点"
    diff = now - before
    return f"{diff:+g}{METRICS[key].unit}"


def percent(value) -> str:
    """A share 0..1 as the pages write rates: one decimal with %."""
    return "—" if value is None else f"{value * 100:.1f}%"


def day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def window(shown: CoverageWindow) -> str:
    """2026代表行动（2026-05-06 至 2026-06-30） / 本年累计（2026-01-01 至 2026-09-30）."""
    name = shown.campaign or "本年累计"
    return f"{name}（{day(shown.start)} 至 {day(shown.end)}）"


def window_short(shown: CoverageWindow) -> str:
    """For a tile: 2026代表行动（5月6日—6月30日） / 本年累计（至9月30日）."""
    if shown.campaign is None:
        return f"本年累计（至{shown.end.month}月{shown.end.day}日）"
    return f"{shown.campaign}（{shown.start.month}月{shown.start.day}日—{shown.end.month}月{shown.end.day}日）"


def window_state(shown: CoverageWindow) -> str:
    """Whether a window's figure is final: a finished campaign, one under way, or the year so far."""
    if shown.campaign is None:
        return "统计期内没有专项行动，按本年累计统计"
    return "专项行动已结束" if shown.finished else "专项行动进行中，数字仍在增长"


def file_name(*parts: str, suffix: str) -> str:
    """柳湾镇_2026年第三季度_意见建议明细.xlsx: parts joined by _, without characters a
    file system refuses or a reader stumbles on."""
    cleaned = [re.sub(r'[\\/:*?"<>|\s]+', "", part) for part in parts if part]
    return "_".join(cleaned) + suffix
