"""Every Chinese word a user reads about a figure: names, units and 口径 notes.

Keyed by the contract's metric keys, so the CLI, the pages and the exports
name a figure the same way. Page-only words live here too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricLabel:
    name: str
    unit: str  # 次, 条, 户 …; "%" for rates held as 0..1
    definition: str  # the one-line 口径


METRICS: dict[str, MetricLabel] = {
    "inspections": MetricLabel("视察检查次数", "次", "活动类型为视察或执法检查的活动次数"),
    "inspections_by_theme": MetricLabel("视察检查按主题", "次", "视察、执法检查活动按主题分列"),
    "supervision": MetricLabel("监督活动次数", "次", "活动类型为视察、执法检查、调研或评议的活动次数"),
    "evaluated_units": MetricLabel("评议单位数", "个", "评议活动中不同评议对象的个数"),
    "suggestions_collected": MetricLabel("建议收集数", "条", "收集日期在统计期内的意见建议条数"),
    "suggestions_by_source": MetricLabel("建议按来源", "条", "收集的意见建议按来源分列"),
    "suggestions_resolved": MetricLabel("建议办结数", "条", "办结日期在统计期内的意见建议条数"),
    "resolution_rate": MetricLabel(
        "办结率", "%", "统计期内收集的意见建议中，目前状态为已办结的比例"),
    "median_days_to_resolve": MetricLabel(
        "办理时长中位数", "天", "统计期内办结的意见建议，从收集到办结天数的中位数"),
    "overdue": MetricLabel(
        "超期未办结", "条", "截至统计期末未办结、且收集已超过办理时限（默认90天）的意见建议"),
    "due_soon": MetricLabel(
        "临期", "条", "未办结、办理时限在统计期末后15天内到期的意见建议"),
    "suggestions_by_outcome": MetricLabel(
        "办理结果", "条", "统计期内办结的意见建议按办理结果A/B/C/D分列"),
    "satisfaction_rate": MetricLabel(
        "满意率", "%", "统计期内办结且有满意度评价的意见建议中，满意和基本满意的比例"),
    "household_coverage": MetricLabel(
        "脱贫户走访覆盖率", "%", "统计期内至少走访一次的名册内脱贫户 ÷ 名册脱贫户总数"),
    "households_visited": MetricLabel("已走访脱贫户", "户", "统计期内至少走访一次的名册内脱贫户"),
    "households_total": MetricLabel("名册脱贫户", "户", "脱贫户名册中的户数"),
    "deputy_participation": MetricLabel(
        "代表参与率", "%", "统计期内至少参加一次走访的名册代表 ÷ 名册代表总数"),
    "deputies_visiting": MetricLabel("参与走访代表", "人", "统计期内至少参加一次走访的名册代表"),
    "deputies_total": MetricLabel("名册代表", "人", "代表名册中的人数"),
    "enterprises_visited": MetricLabel("走访企业数", "家", "统计期内走访的不同企业个数"),
    "problems_found": MetricLabel("发现问题数", "个", "走访记录中发现问题数之和"),
    "problems_solved": MetricLabel("解决问题数", "个", "走访记录中解决问题数之和"),
    "households_consoled": MetricLabel("慰问户数", "户", "统计期内有慰问记录的不同户数"),
    "station_activities": MetricLabel("活动站活动次数", "次", "各活动站在统计期内开展的活动次数"),
    "reception_days": MetricLabel(
        "接待日", "次", "活动类型为接待选民的活动次数（要求每站每月1次）"),
    "reporting_deputies": MetricLabel("述职代表数", "人", "参加述职活动的不同代表人数"),
    "reporting_deputies_by_level": MetricLabel("述职代表按层级", "人", "述职代表按代表层级分列"),
    "voter_contacts": MetricLabel("联系选民人次", "人次", "活动记录中接待选民人数之和"),
    "activities_total": MetricLabel("活动总次数", "次", "各类代表活动的总次数"),
}
