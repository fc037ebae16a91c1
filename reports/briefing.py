"""季度简报: figures, the paragraph of a 工作总结 and the 需要关注 list.

Every number here comes from queries/metrics.py (or the list queries that share
its definitions); this module only chooses words. A sentence whose register has
no data for the period is left out rather than written as "0次".
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from queries import campaign, comparison, periods, stations, suggestions
from queries.labels import METRICS
from queries.metrics import Period, Scope, all_metrics
from ui.format import count, figure

HEADLINE = [
    "inspections", "supervision", "suggestions_collected", "suggestions_resolved",
    "resolution_rate", "overdue", "household_coverage", "deputy_participation",
    "reception_days", "voter_contacts",
]
# Metrics where a township *above* the average needs attention.
LOWER_IS_BETTER = {"overdue"}
# Units of the normalised comparisons, which are not contract metrics.
PER_UNIT = {"reception_days_per_station": "次/站", "supervision_per_100_deputies": "次/百名代表"}
# Compared across townships: normalised where townships differ in size.
COMPARED = {
    "resolution_rate": "办结率",
    "household_coverage": "脱贫户走访覆盖率",
    "deputy_participation": "代表参与率",
    "reception_days_per_station": "站均接待日次数",
    "supervision_per_100_deputies": "每百名代表监督活动次数",
    "overdue": "超期未办结",
}


@dataclass(frozen=True)
class BriefingFigures:
    """The period's figures and the two it is compared with."""

    now: dict
    previous: dict
    last_year: dict


def briefing_figures(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period) -> BriefingFigures:
    return BriefingFigures(
        all_metrics(con, scope, period),
        all_metrics(con, scope, periods.previous_period(period)),
        all_metrics(con, scope, periods.same_period_last_year(period)),
    )


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


def _stations_sentence(now: dict) -> str:
    if not now["reception_days"]:
        return ""
    text = f"各代表活动站开展选民接待日活动{_n('reception_days', now['reception_days'])}"
    if now["voter_contacts"]:
        text += f"，接待选民{_n('voter_contacts', now['voter_contacts'])}"
    return text + "。"


def _suggestions_sentence(now: dict) -> str:
    if not (now["suggestions_collected"] or now["suggestions_resolved"]):
        return ""
    clauses = []
    if now["suggestions_collected"]:
        clauses.append(f"收集意见建议{_n('suggestions_collected', now['suggestions_collected'])}")
    if now["suggestions_resolved"]:
        clauses.append(f"办结{_n('suggestions_resolved', now['suggestions_resolved'])}")
    if now["resolution_rate"] is not None:
        clauses.append(f"办结率{figure('resolution_rate', now['resolution_rate'])}")
    if now["satisfaction_rate"] is not None:
        clauses.append(f"满意率{figure('satisfaction_rate', now['satisfaction_rate'])}")
    text = "，".join(clauses)
    if now["overdue"]:
        text += f"；超期未办结{_n('overdue', now['overdue'])}，需加快督办"
    return text + "。"


def _visits_sentence(now: dict) -> str:
    if not (now["households_visited"] or now["deputies_visiting"] or now["enterprises_visited"]):
        return ""
    clauses = []
    if now["households_visited"]:
        clauses.append(f"代表走访脱贫户{_n('households_visited', now['households_visited'])}，"
                       f"覆盖率{figure('household_coverage', now['household_coverage'])}")
    if now["deputies_visiting"]:
        clauses.append(f"{count(now['deputies_visiting'])}名代表参与走访，"
                       f"参与率{figure('deputy_participation', now['deputy_participation'])}")
    if now["enterprises_visited"]:
        clauses.append(f"走访帮扶企业{_n('enterprises_visited', now['enterprises_visited'])}")
    if now["problems_solved"]:
        clauses.append(f"帮助解决问题{_n('problems_solved', now['problems_solved'])}")
    return "，".join(clauses) + "。"


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


def attention_items(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, now: dict) -> list[Attention]:
    """What the presidium should chase: overdue suggestions, stations that missed a
    reception day, deputies who took no part, townships below the average."""
    items = []
    overdue = suggestions.overdue_list(con, scope, period)
    if len(overdue):
        items.append(Attention(
            f"超期未办结的意见建议 {len(overdue)} 条", overdue,
            {"suggestion_id": "编号", "township": "乡镇", "summary": "内容摘要", "handler": "承办单位",
             "days_open": "已办理天数"},
        ))
    missed = _missed_reception(con, scope, period)
    if len(missed):
        items.append(Attention(
            f"有月份未开展接待日的活动站 {len(missed)} 个", missed,
            {"station_label": "活动站", "months": "未开展接待日的月份"},
        ))
    if now["deputies_visiting"]:
        absent = campaign.deputies_not_visiting(con, scope, period)
        if len(absent):
            items.append(Attention(
                f"未参加走访的代表 {len(absent)} 名", absent, _present(absent, {
                    "deputy_id": "代表编号", "name": "姓名", "township": "乡镇", "level": "代表层级",
                    "group_name": "代表小组"}),
            ))
    if len(scope.township_codes) > 1:
        below = below_average(comparison.township_metrics(con, scope, period))
        if len(below):
            items.append(Attention(
                "落后于各乡镇平均水平的乡镇", below,
                {"metric": "指标", "average": "各乡镇平均", "townships": "落后的乡镇（数值）"},
            ))
    return items


def _present(frame: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in columns.items() if k in frame.columns}


def _missed_reception(con, scope: Scope, period: Period) -> pd.DataFrame:
    """Stations with judged months that had no reception day, the months joined."""
    grid = stations.station_months(con, scope, period, as_of=period.end)
    missed = grid[grid["reception_missed"]]
    if missed.empty:
        return pd.DataFrame(columns=["station_label", "months"])
    months = missed.assign(month=pd.to_datetime(missed["month"]).dt.strftime("%-m月"))
    return (months.groupby("station_label", sort=False)["month"].agg("、".join)
            .reset_index().rename(columns={"month": "months"}))


def below_average(frame: pd.DataFrame) -> pd.DataFrame:
    """For each compared metric, the townships on the wrong side of the townships' average
    (below it, or above it for 超期未办结 where fewer is better)."""
    rows = []
    for key, name in COMPARED.items():
        if key not in frame.columns:
            continue
        values = frame[["township_name", key]].dropna()
        if len(values) < 2:
            continue
        average = values[key].mean()
        worse = values[values[key] > average] if key in LOWER_IS_BETTER else values[values[key] < average]
        if len(worse):
            rows.append({
                "metric": name, "average": _shown(key, average),
                "townships": "、".join(f"{t}（{_shown(key, v)}）" for t, v in zip(
                    worse["township_name"], worse[key], strict=True)),
            })
    return pd.DataFrame(rows, columns=["metric", "average", "townships"])


def _shown(key: str, value: float) -> str:
    if key in METRICS:
        return figure(key, value if METRICS[key].unit == "%" else round(value, 1))
    return f"{value:.1f}{PER_UNIT.get(key, '')}"
