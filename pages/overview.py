"""总览: the headline figures of a scope and period, their trend, and data freshness."""

import streamlit as st

from charts import figures
from queries import frames
from ui import layout, presentation
from ui.database import fetch
from ui.filters import sidebar_filters

HEADLINE = [
    "inspections", "supervision", "suggestions_collected", "suggestions_resolved",
    "resolution_rate", "overdue", "campaign_household_coverage", "campaign_deputy_participation",
    "reception_days", "voter_contacts", "satisfaction_rate", "median_days_to_resolve",
]

selection = sidebar_filters()
if selection is None:
    st.title("总览")
    layout.no_data()
    st.stop()

layout.page_header("总览", selection)
layout.headline_tiles(HEADLINE, selection)
if not presentation.presenting():
    st.caption("箭头为环比（与上一统计期相比，本期收集件办结率与上期收集件在相同办理时长时相比）；"
               "覆盖率按专项行动（或本年累计）统计，只与上年同期比较；将鼠标停在指标名旁的问号上可看口径。")

trend = fetch(frames.monthly_trend, selection.scope, selection.period)
if trend[["activities", "suggestions_collected", "suggestions_resolved"]].to_numpy().sum() == 0:
    layout.empty_note("活动或意见建议")
else:
    layout.chart(figures.lines(
        trend, "month",
        {"activities": "代表活动", "suggestions_collected": "收集意见建议", "suggestions_resolved": "办结意见建议"},
        "代表活动与意见建议月度趋势", "月份", "数量（次/条）",
        "活动按活动日期、建议按收集日期和办结日期计入当月",
    ), key="overview_trend")

if not presentation.presenting():
    layout.freshness_line(fetch(frames.data_freshness, selection.scope))
