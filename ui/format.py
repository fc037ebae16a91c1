"""Figures as a Chinese reader expects them: units, one-decimal percentages, 万."""

from __future__ import annotations

from queries.labels import METRICS


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
    if METRICS[key].unit == "%":
        return f"{(now - before) * 100:+.1f}个百分点"
    diff = now - before
    return f"{diff:+g}{METRICS[key].unit}"
