"""季度简报: figures, the paragraph of a 工作总结 and the 需要关注 list.

Every number here comes from queries/metrics.py (or the list queries that share
its definitions); this module only chooses words. A sentence whose register has
no data for the period is left out rather than written as "0次".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from queries import campaign, comparison, periods, stations, suggestions
from queries.labels import METRICS
from queries.metrics import Period, Scope, Settings, as_of_date, headline_figures, resolution_rate_same_age
from ui.format import count, figure

HEADLINE = [
    "inspections", "supervision", "suggestions_collected", "suggestions_resolved",
    "resolution_rate", "overdue", "campaign_household_coverage", "campaign_deputy_participation",
    "reception_days", "voter_contacts",
]
# Coverage is compared with last year's window only (the previous quarter's is another campaign).
WINDOWED = {"campaign_household_coverage", "campaign_deputy_participation"}
# Compared across townships: normalised where townships differ in size.
COMPARED = [
    "resolution_rate", "campaign_household_coverage", "campaign_deputy_participation", "reception_compliance",
    "supervision_per_100_deputies", "overdue",
]


@dataclass(frozen=True)
class BriefingFigures:
    """The period's figures and the two it is compared with (like with like: the earlier
    cohorts' 办结率 at the same age, coverage only against last year's window)."""

    now: dict
    previous: dict
    last_year: dict


def briefing_figures(
    con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, today: dt.date | None = None,
) -> BriefingFigures:
    earlier, last = periods.previous_period(period), periods.same_period_last_year(period)
    now = headline_figures(con, scope, period, Settings(), today)
    previous = headline_figures(con, scope, earlier, Settings(), today)
    last_year = headline_figures(con, scope, last, Settings(), today)
    previous["resolution_rate"] = resolution_rate_same_age(con, scope, period, earlier, today)
    last_year["resolution_rate"] = resolution_rate_same_age(con, scope, period, last, today)
    previous |= dict.fromkeys(WINDOWED)
    return BriefingFigures(now, previous, last_year)


def period_word(period: Period) -> str:
    """本季度 / 本年度 / 本月 / 本期: how a summary names the period it covers."""
    name = periods.describe(period)
    if name.endswith("季度"):
        return "本季度"
    if name.endswith("半年"):
        return name[-3:]
    if name.endswith("月"):
        return "本月"
    if name.endswith("年"):
        return "本年度"
    return "本期"


def scope_word(township_names: list[str], county: str | None) -> str:
    """全镇 / 全乡 for one township, 全县 for a whole county, else 所选各乡镇."""
    if len(township_names) == 1:
        return "全乡" if township_names[0].endswith("乡") else "全镇"
    return "全县" if county else "所选各乡镇"


def title_scope(township_names: list[str], county: str | None, whole_county: bool, scope_label: str) -> str:
    """Who the briefing is of, for its title and file name: the township, the county, or
    the townships chosen (ten townships' briefings must not share one name)."""
    if len(township_names) == 1:
        return township_names[0]
    if county and whole_county:
        return county
    return scope_label


def paragraph(now: dict, scope_name: str, period_name: str) -> str:
    """The summary paragraph, one sentence per register that has data in the period."""
    sentences = [
        _activities_sentence(now, scope_name, period_name),
        _stations_sentence(now),
        _suggestions_sentence(now),
        _visits_sentence(now),
        _reporting_sentence(now),
    ]
    text = "".join(s for s in sentences if s)
    return text or f"{period_name}，{scope_name}暂无代表履职记录。"


def _n(key: str, value) -> str:
    """A count with its unit, 万 for large ones: 23次, 1.2万条."""
    return f"{count(value)}{METRICS[key].unit}"


def _activities_sentence(now: dict, scope_name: str, period_name: str) -> str:
    if not now["activities_total"]:
        return ""
    clauses = []
    if now["inspections"]:
        clauses.append(f"开展视察检查活动{_n('inspections', now['inspections'])}")
    others = now["supervision"] - now["inspections"]
    if others:
        clauses.append(f"调研、评议等其他监督活动{count(others)}次")
    if now["evaluated_units"]:
        clauses.append(f"评议单位{_n('evaluated_units', now['evaluated_units'])}")
    if not clauses:
        clauses.append(f"开展各类履职活动{_n('activities_total', now['activities_total'])}")
    return f"{period_name}，{scope_name}各级人大代表共{'，'.join(clauses)}。"


def _day(value: dt.date) -> str:
    return f"{value.month}月{value.day}日"


def _stations_sentence(now: dict) -> str:
    if not now["reception_days"]:
        return ""
    text = f"各代表活动站开展选民接待日活动{_n('reception_days', now['reception_days'])}"
    if now["voter_contacts"]:
        text += f"，接待选民{_n('voter_contacts', now['voter_contacts'])}"
    return text + "。"


def _suggestions_sentence(now: dict) -> str:
    """The cohort's own numbers beside its rate, so 办结率 is never read as 办结数 ÷ 收集数."""
    if not (now["suggestions_collected"] or now["suggestions_resolved"] or now["overdue"]):
        return ""
    clauses = []
    if now["suggestions_collected"] and now["collected_resolved"]:
        clauses.append(f"收集意见建议{_n('suggestions_collected', now['suggestions_collected'])}，"
                       f"其中已办结{_n('collected_resolved', now['collected_resolved'])}"
                       f"（本期收集件办结率{figure('resolution_rate', now['resolution_rate'])}）")
    elif now["suggestions_collected"]:
        clauses.append(f"收集意见建议{_n('suggestions_collected', now['suggestions_collected'])}，目前均未办结")
    if now["suggestions_resolved"]:
        clauses.append(f"期内办结意见建议{_n('suggestions_resolved', now['suggestions_resolved'])}（含往期收集的）")
    if now["satisfaction_rate"] is not None:
        clauses.append(f"满意率{figure('satisfaction_rate', now['satisfaction_rate'])}")
    text = "，".join(clauses)
    if now["overdue"]:
        text += f"{'；' if text else ''}截至{_day(now['as_of'])}超期未办结{_n('overdue', now['overdue'])}，需加快督办"
    return text + "。"


def _visits_sentence(now: dict) -> str:
    """Coverage over its window (a campaign, named, or the year to date), then the period's visits."""
    coverage = []
    if now["campaign_households_visited"]:
        coverage.append(f"代表走访脱贫户{_n('campaign_households_visited', now['campaign_households_visited'])}，"
                        f"覆盖率{figure('campaign_household_coverage', now['campaign_household_coverage'])}")
    if now["campaign_deputies_visiting"]:
        coverage.append(f"{count(now['campaign_deputies_visiting'])}名代表参与走访，"
                        f"参与率{figure('campaign_deputy_participation', now['campaign_deputy_participation'])}")
    during = []
    if now["enterprises_visited"]:
        during.append(f"走访帮扶企业{_n('enterprises_visited', now['enterprises_visited'])}")
    if now["problems_solved"]:
        during.append(f"帮助解决问题{_n('problems_solved', now['problems_solved'])}")
    text = f"{_window_words(now['coverage_window'])}，{'，'.join(coverage)}。" if coverage else ""
    return text + (f"期内{'，'.join(during)}。" if during else "")


def _window_words(shown) -> str:
    """“2026代表行动”（5月6日至6月30日）中 / 本年以来（截至9月30日）."""
    if shown.campaign is None:
        return f"本年以来（截至{_day(shown.end)}）"
    state = "" if shown.finished else "，进行中"
    return f"“{shown.campaign}”（{_day(shown.start)}至{_day(shown.end)}{state}）中"


def _reporting_sentence(now: dict) -> str:
    if not now["reporting_deputies"]:
        return ""
    return f"{count(now['reporting_deputies'])}名代表向选民述职。"


@dataclass(frozen=True)
class Attention:
    """One item of the 需要关注 list: a headline and the rows behind it."""

    title: str
    rows: pd.DataFrame
    columns: dict[str, str]  # frame column -> Chinese header


def attention_items(
    con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, now: dict, today: dt.date | None = None,
) -> list[Attention]:
    """What the presidium should chase: overdue suggestions, stations that missed a
    reception day, deputies who took no part in the coverage window, townships clearly
    below the county average."""
    items = []
    as_of = as_of_date(con, period, today, scope)
    overdue = suggestions.overdue_list(con, scope, period, today=today)
    if len(overdue):
        items.append(Attention(
            f"超期未办结的意见建议 {len(overdue)} 条（截至 {as_of:%Y-%m-%d}）", overdue,
            {"suggestion_id": "编号", "township": "乡镇", "summary": "内容摘要", "handler": "承办单位",
             "days_open": "已办理天数"},
        ))
    missed = _missed_reception(con, scope, period, as_of)
    if len(missed):
        items.append(Attention(
            f"有月份未开展接待日的活动站 {len(missed)} 个", missed,
            {"township_name": "乡镇", "station_label": "活动站", "months": "未开展接待日的月份"},
        ))
    shown_window = now["coverage_window"]
    if now["campaign_deputies_visiting"]:
        absent = campaign.deputies_not_visiting(con, scope, shown_window)
        if len(absent):
            name = f"“{shown_window.campaign}”" if shown_window.campaign else "本年"
            items.append(Attention(
                f"{name}尚未参加走访的代表 {len(absent)} 名", absent, _present(absent, {
                    "deputy_id": "代表编号", "name": "姓名", "township_name": "乡镇", "level": "代表层级",
                    "group_name": "代表小组"}),
            ))
    if len(scope.township_codes) > 1:
        below = below_average(comparison.township_metrics(con, scope, period, today=today, window=shown_window))
        if len(below):
            items.append(Attention(
                "明显低于全县平均的乡镇", below,
                {"metric": "指标", "average": "全县平均（合计计算）", "margin": "判定差距",
                 "townships": "低于平均的乡镇（数值）"},
            ))
    return items


def _present(frame: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in columns.items() if k in frame.columns}


def _missed_reception(con, scope: Scope, period: Period, as_of: dt.date) -> pd.DataFrame:
    """Stations with judged months (ended by the as-of day) that had no reception day, the months joined."""
    grid = stations.station_months(con, scope, period, as_of=as_of)
    missed = grid[grid["reception_missed"]]
    if missed.empty:
        return pd.DataFrame(columns=["township_name", "station_label", "months"])
    months = missed.assign(month=pd.to_datetime(missed["month"]).dt.strftime("%-m月"))
    return (months.groupby(["township_name", "station_label"], sort=False)["month"].agg("、".join)
            .reset_index().rename(columns={"month": "months"}))


def below_average(frame: pd.DataFrame) -> pd.DataFrame:
    """For each compared metric, the townships on the wrong side of the pooled county
    average by more than comparison.margin (below it, or above it for 超期未办结)."""
    rows = []
    for key in COMPARED:
        if frame[key].notna().sum() < 2:
            continue
        average, worse = comparison.lagging(frame, key)
        if len(worse):
            rows.append({
                "metric": comparison.label(key).name, "average": _shown(key, average),
                "margin": comparison.margin_words(key),
                "townships": "、".join(f"{t}（{_shown(key, v)}）" for t, v in zip(
                    worse["township_name"], worse[key], strict=True)),
            })
    return pd.DataFrame(rows, columns=["metric", "average", "margin", "townships"])


def _shown(key: str, value: float) -> str:
    """A compared figure as every page writes it (ui.format), normalised ones with their unit."""
    label = comparison.label(key)
    if key in METRICS:
        return figure(key, value)
    if label.unit == "%":
        return f"{value * 100:.1f}%"
    return f"{value:.1f}{label.unit}"
