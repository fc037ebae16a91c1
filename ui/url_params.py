"""What a shared link asks for, checked: every URL parameter gets a sane default and a note.

A link is typed, truncated, forwarded and edited by hand, so `from=0001-01-01`, a reversed
period, a township repeated 20,000 times or an unknown station must neither break a page
nor be obeyed silently. Each function here returns the value to use and the Chinese notes
that explain what was not taken from the link; the filters show those notes under the
page header. Values a user typed are quoted in the notes escaped and shortened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from etl.validate import plausible_dates
from queries.metrics import Period
from ui.escape import md

SHOWN_CHARS = 24  # how much of a value a note quotes
SHOWN_VALUES = 3  # how many unknown values a note lists
LIST_SEPARATORS = re.compile(r"[,，、;；]")
MAX_UNKNOWN = 50  # unknown townships handed on to be noted and audited: a link of 20,000 is not an audit row of 20,000


def quoted(value: str) -> str:
    """A value from the link as a note quotes it: shortened, escaped, in 「」."""
    text = value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"
    return f"「{md(text)}」"


def period(start: str | None, end: str | None, today: dt.date) -> tuple[Period | None, list[str]]:
    """The period of `from`/`to`, or None (the default period) with the reason.

    A reversed period is turned round; a date that is no date, or one outside the dates
    a register may hold (etl/validate.plausible_dates: 1949-10-01 … a year after today),
    falls back to the default period.
    """
    start, end = start or None, end or None  # `from=` counts as not given
    if start is None and end is None:
        return None, []
    default = "已显示默认统计期。"
    if start is None or end is None:
        missing = "开始日期（from）" if start is None else "结束日期（to）"
        return None, [f"网址中缺少统计期的{missing}，{default}"]
    try:
        first, last = _date(start), _date(end)
    except ValueError:
        return None, [f"网址中的统计期 {quoted(start)} 至 {quoted(end)} 无法识别（日期应写成 2024-04-01），{default}"]
    notes = []
    if first > last:
        first, last = last, first
        notes.append(f"网址中的统计期开始日期晚于结束日期，已对调为 {first.isoformat()} 至 {last.isoformat()}。")
    earliest, latest = plausible_dates(today)
    if first < earliest or last > latest:
        return None, [f"网址中的统计期 {first.isoformat()} 至 {last.isoformat()} 超出可统计的范围（"
                      f"{earliest.isoformat()} 至 {latest.isoformat()}），{default}"]
    return Period(first, last), notes


def _date(text: str) -> dt.date:
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # fromisoformat would also take 2024-W14-1
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def townships(
    values: Sequence[str], roster: Sequence[tuple], county: str | None
) -> tuple[list[str], list[str], list[str]]:
    """The township codes a link names (by code or by name), in its order, each once; the notes;
    and the names the roster does not hold.

    `values` are the link's `township` parameters (each a comma-separated list); `roster`
    the (code, name, county, …) rows the account may see. Names of several townships,
    townships outside the chosen county and repeats are dropped with a note. What is not on
    the roster is returned for the scope guard (ui/access.py) to note and audit: to a
    township account, a neighbour and a township that does not exist look the same.
    """
    wanted = [part.strip() for value in values for part in LIST_SEPARATORS.split(value) if part.strip()]
    if not wanted:
        return [], [], []
    by_code = {row[0]: row for row in roster}
    by_name: dict[str, list[str]] = {}
    for row in roster:
        by_name.setdefault(row[1], []).append(row[0])
    codes: list[str] = []
    unknown, ambiguous, elsewhere = [], [], []
    for item in dict.fromkeys(wanted):
        matches = [item] if item in by_code else by_name.get(item, [])
        if len(matches) > 1:
            ambiguous.append(item)
        elif not matches:
            unknown.append(item)
        elif county is not None and by_code[matches[0]][2] != county:
            elsewhere.append(item)
        elif matches[0] not in codes:
            codes.append(matches[0])
    notes = []
    if ambiguous:
        notes.append(f"网址中的乡镇名称{_listed(ambiguous)}对应多个乡镇，已忽略；请在网址中改用乡镇代码。")
    if elsewhere:
        notes.append(f"网址中的乡镇{_listed(elsewhere)}不属于{quoted(county)}，已忽略。")
    repeats = len(wanted) - len(dict.fromkeys(wanted))
    if repeats:
        notes.append(f"网址中的乡镇有 {repeats} 处重复，已合并。")
    return codes, notes, unknown[:MAX_UNKNOWN]


def _listed(values: list[str]) -> str:
    shown = "".join(quoted(v) for v in values[:SHOWN_VALUES])
    return shown + (f"等 {len(values)} 个" if len(values) > SHOWN_VALUES else "")


def choice(value: str | None, options: Sequence[str], what: str, fallback: str) -> tuple[str | None, list[str]]:
    """One value of a link (a county, a station, a deputy) if it is among `options`, else None and a note."""
    if not value or value in options:
        return value or None, []
    return None, [f"网址中的{what}{quoted(value)}不在可选范围内，已显示{fallback}。"]


def presenting(value: str | None) -> list[str]:
    """`present=1` is presentation mode; anything else is an ordinary view (with a note)."""
    if value in (None, "1", "0"):
        return []
    return [f"网址参数 present 只能为 1（投影模式），{quoted(value)}无效，已按普通方式显示。"]
