"""年度/届期工作总结: the figures part of a year's or a term's work summary, in the words
a township clerk writes it (see the two seeds the product grew from).

Five sections — 监督工作, 代表工作, 建议办理, 代表行动, 活动站建设 — each a paragraph of
sentences built from queries/metrics.py, with the change on the previous year (or term).
A clause whose register has no data is left out, and a section with no sentence is
dropped, so the text never says "0次". Every number is a `Figure` that knows its
metric key (and the part of a split), so the page can link it to its 口径 and to the
register rows behind it (queries/trace.py); the Word document and the CLI use `text`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from etl.registers import DEPUTY_LEVELS, SUGGESTION_SOURCES
from queries import metrics
from queries import summary as summary_queries
from queries.metrics import NOT_FILLED, Con, Period, Scope, every_metric
from reports.briefing import scope_word
from ui.format import count

YEAR, TERM = "year", "term"
COMPARED_WITH = {YEAR: "上年", TERM: "上届"}
SECTION_TITLES = {
    "supervision": "监督工作", "deputies": "代表工作", "suggestions": "建议办理",
    "campaign": "代表行动", "stations": "活动站建设",
}
# How a summary names each level: "省级代表1名" (composition), "46名县代表" (述职, 接待).
LEVEL_NAMES = {"全国": "全国人大代表", "省": "省级代表", "市": "市级代表", "县": "县级代表"}
LEVEL_SHORT = {"全国": "全国人大", "省": "省", "市": "市", "县": "县"}
OUTCOME_PHRASES = {"A": "已解决或基本解决的", "B": "正在解决或列入计划解决的", "C": "因条件限制暂不能解决的",
                   "D": "留作参考的"}
AGE_PHRASES = {"35岁及以下": "35岁及以下的", "36至55岁": "36至55岁的", "56岁及以上": "56岁及以上的"}
MAIN_LEVEL_SHARE = 0.1  # 接待日 names the levels that make up at least a tenth of the deputies on duty
ROUNDED_FROM = 10  # 每站活动 of 10 or more is written as a multiple of 5 "以上" (17 -> 15次以上)


@dataclass(frozen=True)
class Figure:
    """A number as the text writes it, and the metric it comes from."""

    key: str
    text: str
    part: str | None = None  # the label of a split (e.g. 省 of deputies_by_level)
    previous: bool = False  # a change on the comparison period: it links to that period's rows


Segment = str | Figure


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    sentences: tuple[tuple[Segment, ...], ...]

    @property
    def text(self) -> str:
        return "".join(_plain(s) for sentence in self.sentences for s in sentence)

    @property
    def figures(self) -> list[Figure]:
        return [s for sentence in self.sentences for s in sentence if isinstance(s, Figure)]


@dataclass(frozen=True)
class WorkSummary:
    kind: str  # YEAR or TERM
    title: str
    scope_name: str  # 青河镇, 青禾县, 所选各乡镇
    scope: Scope
    period: Period
    previous: Period
    period_name: str  # 2024年 / 本届（2021年10月至2026年9月）
    sections: tuple[Section, ...]
    now: dict = field(repr=False)
    before: dict = field(repr=False)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def text(self) -> str:
        return "\n".join(f"{s.title}：{s.text}" for s in self.sections)


@dataclass(frozen=True)
class Words:
    """The words that depend on scope and period: 全镇, 镇代表, 2024年, 上年, 2024年底."""

    scope: str
    town: str  # 镇 / 乡 / 乡镇: what a township-level deputy is called
    period: str
    previous: str
    end: str


def _plain(segment: Segment) -> str:
    return segment.text if isinstance(segment, Figure) else segment


def work_summary(
    con: Con, scope: Scope, period: Period, previous: Period, kind: str,
    township_names: list[str], county: str | None,
) -> WorkSummary:
    """The summary of the scope over `period`, compared with `previous` (the year or term before)."""
    now, before = every_metric(con, scope, period), every_metric(con, scope, previous)
    words = _words(period, kind, township_names, county)
    names = {
        "evaluated": summary_queries.evaluated_unit_names(con, scope, period),
        "hosts": summary_queries.new_station_hosts(con, scope, period),
    }
    builders = {
        "supervision": _supervision, "deputies": _deputy_work, "suggestions": _suggestions,
        "campaign": _campaign, "stations": _stations,
    }
    sections = []
    for key, build in builders.items():
        sentences = tuple(tuple(s) for s in build(now, before, words, names) if s)
        if sentences:
            sections.append(Section(key, SECTION_TITLES[key], sentences))
    name = township_names[0] if len(township_names) == 1 else (county or "所选各乡镇")
    return WorkSummary(kind, _title(name, period, kind, len(township_names)), name, scope, period, previous,
                       _period_name(period, kind), tuple(sections), now, before)


def _title(name: str, period: Period, kind: str, townships: int) -> str:
    body = "人大" if townships == 1 else "乡镇人大"
    if kind == YEAR:
        return f"{name}{period.start.year}年{body}工作总结"
    return f"{name}本届{body}工作总结"


def _period_name(period: Period, kind: str) -> str:
    if kind == YEAR:
        return f"{period.start.year}年"
    return f"本届（{period.start:%Y年%-m月}至{period.end:%Y年%-m月}）"


def _words(period: Period, kind: str, township_names: list[str], county: str | None) -> Words:
    town = "乡镇" if len(township_names) != 1 else ("乡" if township_names[0].endswith("乡") else "镇")
    if kind == YEAR:
        year_end = period.end == dt.date(period.end.year, 12, 31)
        end = f"{period.end.year}年底" if year_end else f"{period.end:%Y年%-m月%-d日}"
        return Words(scope_word(township_names, county), town, f"{period.start.year}年", COMPARED_WITH[YEAR], end)
    return Words(scope_word(township_names, county), town, "本届以来", COMPARED_WITH[TERM],
                 f"{period.end:%Y年%-m月%-d日}")


def _n(value, unit: str) -> str:
    return f"{count(value)}{unit}"


def _level_name(level: str, words: Words) -> str:
    return LEVEL_NAMES.get(level, f"{words.town}级代表")


def _level_short(level: str, words: Words) -> str:
    return LEVEL_SHORT.get(level, words.town)


def _change(key: str, now, before, unit: str, words: Words) -> list[Segment]:
    """"，比上年增加3次" / "，与上年持平" / "，比上年提高2.5个百分点"; nothing without a base to compare."""
    if now is None or not before:
        return []
    diff = now - before
    if diff == 0:
        return [f"，与{words.previous}持平"]
    if unit == "%":
        verb = "提高" if diff > 0 else "降低"
        return [f"，比{words.previous}{verb}", Figure(key, f"{abs(diff) * 100:.1f}个百分点", previous=True)]
    verb = "增加" if diff > 0 else "减少"
    return [f"，比{words.previous}{verb}", Figure(key, _n(abs(diff), unit), previous=True)]


def _listing(key: str, split: dict, phrases, unit: str, skip=(NOT_FILLED,), order=()) -> list[Segment]:
    """"省级代表1名、市级代表12名": each part of a split as phrase + figure, joined by 、, in the
    register's own order where one is given (县 before 乡镇 whatever their counts)."""
    parts: list[Segment] = []
    ranked = sorted(split.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    for label, value in ranked:
        if label in skip or not value:
            continue
        if parts:
            parts.append("、")
        phrase = phrases(label)
        parts.extend([phrase, Figure(key, _n(value, unit), label)])
    return parts


def _pct(key: str, value) -> Figure:
    return Figure(key, f"{value * 100:.1f}%")


# --- 监督工作 -------------------------------------------------------------------

def _supervision(now: dict, before: dict, words: Words, names: dict) -> list[list[Segment]]:
    if not now["supervision"]:
        return []
    first: list[Segment] = [f"{words.period}，{words.scope}共组织代表开展监督活动",
                            Figure("supervision", _n(now["supervision"], "次"))]
    kinds = _listing("supervision_by_kind", now["supervision_by_kind"], lambda k: k, "次")
    if kinds:
        first += ["，其中", *kinds]
    first += [*_change("supervision", now["supervision"], before["supervision"], "次", words), "。"]
    sentences = [first]
    themes = _listing("inspections_by_theme", now["inspections_by_theme"], lambda t: f"{t}方面的", "次")
    if themes:
        sentences.append(["视察、执法检查活动中，", *themes, "。"])
    units, quoted = now["evaluated_units"], names["evaluated"]
    if units == 1 and quoted:
        sentences.append(["对", Figure("evaluated_units", quoted[0]), "进行了工作评议。"])
    elif units and quoted:
        joiner = "等" if units > len(quoted) else "共"
        sentences.append([f"对{'、'.join(quoted)}{joiner}", Figure("evaluated_units", _n(units, "家")),
                          "单位进行了工作评议。"])
    return sentences


# --- 代表工作 -------------------------------------------------------------------

def _deputy_work(now: dict, before: dict, words: Words, names: dict) -> list[list[Segment]]:
    sentences = [_composition(now, words), _structure(now), _meetings(now, before, words), _trainings(now, words),
                 _reception(now, before, words), _reporting(now, before, words)]
    return [s for s in sentences if s]


def _composition(now: dict, words: Words) -> list[Segment]:
    if not now["deputies_total"]:
        return []
    levels = _listing("deputies_by_level", now["deputies_by_level"], lambda lv: _level_name(lv, words), "名",
                      order=DEPUTY_LEVELS)
    text: list[Segment] = [f"{words.scope}共有五级人大代表", Figure("deputies_total", _n(now["deputies_total"], "名"))]
    if levels:
        text += ["，其中", *levels]
    return [*text, "。"]


def _structure(now: dict) -> list[Segment]:
    clauses = [
        _listing("deputies_by_gender", now["deputies_by_gender"], lambda g: f"{g}代表", "名"),
        _listing("deputies_by_age_band", now["deputies_by_age_band"], lambda b: AGE_PHRASES[b], "名"),
        _listing("deputies_by_education", now["deputies_by_education"], lambda e: f"{e}学历", "名"),
        _listing("deputies_by_occupation", now["deputies_by_occupation"],
                 lambda o: "其他职业" if o == "其他" else o, "名"),
    ]
    clauses = [c for c in clauses if c]
    if not clauses:
        return []
    text: list[Segment] = ["从代表结构看，"]
    for i, clause in enumerate(clauses):
        text += [*(["；"] if i else []), *clause]
    return [*text, "。"]


def _meetings(now: dict, before: dict, words: Words) -> list[Segment]:
    if not now["meetings"]:
        return []
    phrases = {metrics.SESSION_MEETING: f"{words.town}人民代表大会会议", metrics.PRESIDIUM_MEETING: "主席团会议",
               metrics.OTHER_MEETING: "其他会议"}
    held = _listing("meetings_by_type", now["meetings_by_type"], lambda t: phrases[t], "次")
    return [f"{words.period}，召开", *held, "。"]


def _trainings(now: dict, words: Words) -> list[Segment]:
    if not now["trainings"]:
        return []
    text: list[Segment] = ["组织代表学习培训", Figure("trainings", _n(now["trainings"], "次"))]
    if now["training_attendance"]:
        text += ["，参加学习培训", Figure("training_attendance", _n(now["training_attendance"], "人次"))]
    return [*text, "。"]


def _reception(now: dict, before: dict, words: Words) -> list[Segment]:
    if not now["reception_days"]:
        return []
    text: list[Segment] = ["各代表活动站共开展选民接待日活动",
                           Figure("reception_days", _n(now["reception_days"], "次")),
                           *_change("reception_days", now["reception_days"], before["reception_days"], "次", words)]
    per_day = now["deputies_per_reception"]
    if per_day:
        on_duty = now["reception_deputies_by_level"]
        total = sum(on_duty.values())
        levels = [lv for lv in DEPUTY_LEVELS if on_duty.get(lv, 0) >= MAIN_LEVEL_SHARE * total]
        who = "、".join(_level_short(lv, words) for lv in levels) + "代表" if levels else "代表"
        text += ["，每次接待日由活动站安排", Figure("deputies_per_reception", f"{max(1, int(per_day + 0.5))}名左右"),
                 f"{who}接待选民"]
    if now["voter_contacts"]:
        text += ["，共接待选民", Figure("voter_contacts", _n(now["voter_contacts"], "人次"))]
    if now["voter_contacts_with_visits"] > now["voter_contacts"]:
        text += ["，连同代表走访共联系选民",
                 Figure("voter_contacts_with_visits", _n(now["voter_contacts_with_visits"], "人次"))]
    return [*text, "。"]


def _reporting(now: dict, before: dict, words: Words) -> list[Segment]:
    if not now["reporting_deputies"]:
        return []
    levels = _listing("reporting_deputies_by_level", now["reporting_deputies_by_level"], lambda lv: "", "名",
                      skip=(), order=DEPUTY_LEVELS)
    parts: list[Segment] = []
    for segment in levels:  # "46名县代表、51名镇代表": the number before the level
        if isinstance(segment, Figure):
            short = "层级未登记的" if segment.part == NOT_FILLED else _level_short(segment.part, words)
            parts += [segment, f"{short}代表"]
        elif segment:
            parts.append(segment)
    change = _change("reporting_deputies", now["reporting_deputies"], before["reporting_deputies"], "名", words)
    return [f"{words.scope}共有", *parts, "向选民进行了述职", *change, "。"]


# --- 建议办理 -------------------------------------------------------------------

def _suggestions(now: dict, before: dict, words: Words, names: dict) -> list[list[Segment]]:
    sentences = []
    if now["suggestions_collected"]:
        first: list[Segment] = [f"{words.period}，共收集各类意见建议",
                                Figure("suggestions_collected", _n(now["suggestions_collected"], "条"))]
        sources = _listing("suggestions_by_source", now["suggestions_by_source"], lambda s: s, "条",
                           order=SUGGESTION_SOURCES)
        if sources:
            first += ["，其中", *sources]
        first += [*_change("suggestions_collected", now["suggestions_collected"], before["suggestions_collected"],
                           "条", words), "。"]
        sentences.append(first)
    handled: list[Segment] = []
    if now["suggestions_resolved"]:
        handled += ["办结意见建议", Figure("suggestions_resolved", _n(now["suggestions_resolved"], "条"))]
        outcomes = _listing("suggestions_by_outcome", now["suggestions_by_outcome"], OUTCOME_PHRASES.get, "条")
        if outcomes:
            handled += ["，其中", *outcomes]
    if now["resolution_rate"] is not None and now["suggestions_collected"]:
        handled += [*(["；"] if handled else []), f"{words.period}收集的意见建议办结率",
                    _pct("resolution_rate", now["resolution_rate"]),
                    *_change("resolution_rate", now["resolution_rate"], before["resolution_rate"], "%", words)]
    if now["satisfaction_rate"] is not None:
        handled += ["，选民满意率", _pct("satisfaction_rate", now["satisfaction_rate"])]
    if now["median_days_to_resolve"] is not None:
        days = now["median_days_to_resolve"]
        handled += ["，办理时长中位数", Figure("median_days_to_resolve", f"{days:g}天")]
    if handled:
        sentences.append([*handled, "。"])
    if now["overdue"]:
        sentences.append([f"截至{words.end}，尚有", Figure("overdue", _n(now["overdue"], "条")),
                          "意见建议超过办理时限未办结，需加快督办。"])
    return sentences


# --- 代表行动 -------------------------------------------------------------------

def _campaign(now: dict, before: dict, words: Words, names: dict) -> list[list[Segment]]:
    if not (now["households_visited"] or now["deputies_visiting"] or now["enterprises_visited"]):
        return []
    sentences = []
    units: list[Segment] = []
    if now["deputy_groups"]:
        units += [Figure("deputy_groups", _n(now["deputy_groups"], "个")), "代表组"]
    if now["action_teams"]:
        units += [*(["、"] if units else []), Figure("action_teams", _n(now["action_teams"], "个")), "行动分队"]
    if units and now["deputies_total"]:
        sentences.append(["按照“代表参加活动全覆盖、走访脱贫户全覆盖”的要求，将", f"{words.scope}",
                          Figure("deputies_total", _n(now["deputies_total"], "名")), "五级代表编为", *units,
                          "，明确走访目标和任务。"])
    visited: list[Segment] = []
    if now["households_visited"]:
        visited += [Figure("households_visited", _n(now["households_visited"], "户")), "脱贫户"]
    if now["enterprises_visited"]:
        visited += [*(["、"] if visited else []), Figure("enterprises_visited", _n(now["enterprises_visited"], "家")),
                    "帮扶企业"]
    done: list[Segment] = [f"{words.period}，{words.scope}共有",
                           Figure("deputies_visiting", _n(now["deputies_visiting"], "名")), "代表完成",
                           *visited, "的走访调研"]
    if now["households_total"] and now["household_coverage"] is not None:
        done += ["，脱贫户走访覆盖率", _pct("household_coverage", now["household_coverage"]),
                 "（名册", Figure("households_total", _n(now["households_total"], "户")), "）"]
    if now["deputy_participation"] is not None:
        done += ["，代表参与率", _pct("deputy_participation", now["deputy_participation"])]
    sentences.append([*done, "。"])
    results: list[Segment] = []
    if now["problems_solved"]:
        results += ["解决走访中发现的困难问题", Figure("problems_solved", _n(now["problems_solved"], "条"))]
    if now["households_consoled"]:
        results += ["慰问", Figure("households_consoled", _n(now["households_consoled"], "户"))]
    if now["campaign_suggestions"]:
        results += ["征集整理出意见建议", Figure("campaign_suggestions", _n(now["campaign_suggestions"], "条"))]
    if now["campaign_motions"]:
        results += ["向县人大提交议案", Figure("campaign_motions", _n(now["campaign_motions"], "条"))]
    if results:
        joined: list[Segment] = ["各级人大代表共"]
        for i in range(0, len(results), 2):
            joined += [*(["，"] if i else []), results[i], results[i + 1]]
        sentences.append([*joined, "。"])
    return sentences


# --- 活动站建设 -----------------------------------------------------------------

def _stations(now: dict, before: dict, words: Words, names: dict) -> list[list[Segment]]:
    if not now["stations_on_roster"]:
        return []
    first: list[Segment] = [f"截至{words.end}，{words.scope}共有人大代表活动站",
                            Figure("stations_on_roster", _n(now["stations_on_roster"], "个"))]
    if now["stations_established"]:
        where = f"（依托{'、'.join(names['hosts'])}）" if names["hosts"] else ""
        first += [f"，{words.period}新设立", Figure("stations_established", _n(now["stations_established"], "个")),
                  where]
    sentences = [[*first, "。"]]
    fewest = now["station_activities_min"]
    if fewest:
        shown = fewest - fewest % 5 if fewest >= ROUNDED_FROM else fewest
        sentences.append([f"{words.period}，每个人大代表活动站都已组织各类活动",
                          Figure("station_activities_min", f"{shown}次以上"), "。"])
    return sentences
