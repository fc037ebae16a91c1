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
        "本期收集件办结率", "%",
        "统计期内收集的意见建议中，目前状态为已办结的比例（往期收集、本期办结的不计入；不是办结数 ÷ 收集数）"),
    "collected_resolved": MetricLabel(
        "本期收集件已办结", "条", "统计期内收集的意见建议中，目前状态为已办结的条数（本期收集件办结率的分子）"),
    "median_days_to_resolve": MetricLabel(
        "办理时长中位数", "天", "统计期内办结的意见建议，从收集到办结天数的中位数"),
    "overdue": MetricLabel(
        "超期未办结", "条",
        "截至统计日未办结、且收集已超过办理时限（默认90天）的意见建议；统计日为统计期末，统计期未结束时为数据截至日"),
    "due_soon": MetricLabel(
        "临期", "条", "未办结、办理时限在统计日后15天内到期的意见建议；统计日为统计期末，统计期未结束时为数据截至日"),
    "suggestions_by_outcome": MetricLabel(
        "办理结果", "条", "统计期内办结的意见建议按办理结果A/B/C/D分列"),
    "satisfaction_rate": MetricLabel(
        "满意率", "%", "统计期内办结且有满意度评价的意见建议中，满意和基本满意的比例"),
    "household_coverage": MetricLabel(
        "脱贫户走访覆盖率（统计期内）", "%", "统计期内至少走访一次的名册内脱贫户 ÷ 名册脱贫户总数"),
    "households_visited": MetricLabel("已走访脱贫户", "户", "统计期内至少走访一次的名册内脱贫户"),
    "households_total": MetricLabel("名册脱贫户", "户", "脱贫户名册中的户数"),
    "deputy_participation": MetricLabel(
        "代表参与率（统计期内）", "%", "统计期内至少参加一次走访的名册代表 ÷ 名册代表总数"),
    "deputies_visiting": MetricLabel("参与走访代表", "人", "统计期内至少参加一次走访的名册代表"),
    "deputies_total": MetricLabel("名册代表", "人", "代表名册中的人数"),
    "campaign_household_coverage": MetricLabel(
        "脱贫户走访覆盖率", "%",
        "专项行动期间（该行动首次至最近一次走访）至少走访一次的名册内脱贫户 ÷ 名册脱贫户总数；"
        "统计期内没有专项行动时按本年累计"),
    "campaign_households_visited": MetricLabel(
        "已走访脱贫户（专项行动）", "户", "专项行动期间（或本年累计）至少走访一次的名册内脱贫户"),
    "campaign_deputy_participation": MetricLabel(
        "代表参与率", "%",
        "专项行动期间至少参加一次走访的名册代表 ÷ 名册代表总数；统计期内没有专项行动时按本年累计"),
    "campaign_deputies_visiting": MetricLabel(
        "参与走访代表（专项行动）", "人", "专项行动期间（或本年累计）至少参加一次走访的名册代表"),
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

# The figures of the 年度/届期工作总结 beyond contract section 4 (queries/metrics.SUMMARY_METRICS).
# Roster figures count the deputy roster as last loaded: it carries no history, so they do
# not change with the period (only the age bands, reckoned at the period's end year).
SUMMARY_LABELS: dict[str, MetricLabel] = {
    "deputies_by_level": MetricLabel(
        "代表按层级", "名", "代表名册中的代表按层级（全国、省、市、县、乡镇五级）分列"),
    "deputies_by_gender": MetricLabel("代表按性别", "名", "代表名册中的代表按性别分列，未填写的单列"),
    "deputies_by_age_band": MetricLabel(
        "代表按年龄段", "名",
        "代表名册中的代表按年龄分列：年龄＝统计期末所在年份－出生年份，分35岁及以下、36至55岁、56岁及以上，"
        "未填出生年份的单列"),
    "deputies_by_education": MetricLabel("代表按学历", "名", "代表名册中的代表按学历分列，未填写的单列"),
    "deputies_by_occupation": MetricLabel("代表按职业类别", "名", "代表名册中的代表按职业类别分列，未填写的单列"),
    "deputy_groups": MetricLabel("代表组数", "个", "代表名册中不同代表小组的个数，各乡镇的代表小组分别计数"),
    "action_teams": MetricLabel(
        "行动分队数", "个", "代表名册中不同行动分队的个数，按乡镇、代表小组分别计数（不同小组的同名分队算两个）"),
    "supervision_by_kind": MetricLabel("监督活动按类型", "次", "视察、执法检查、调研、评议活动按活动类型分列"),
    "meetings": MetricLabel("召开会议次数", "次", "活动类型为会议的活动次数"),
    "meetings_by_type": MetricLabel(
        "会议按类型", "次",
        "会议活动按活动名称分列：名称含“人民代表大会”或“人代会”的为人民代表大会会议，含“主席团”的为主席团会议，"
        "其余为其他会议"),
    "trainings": MetricLabel("学习培训次数", "次", "活动类型为学习培训的活动次数"),
    "training_attendance": MetricLabel(
        "参加学习培训人次", "人次", "学习培训活动参加人数之和（未填参加人数的，按登记的参加代表人数计）"),
    "deputies_per_reception": MetricLabel(
        "每次接待日代表人数", "名",
        "接待选民活动平均每次登记的参加代表人数，保留一位小数（只计登记了参加代表的接待日）"),
    "reception_deputies_by_level": MetricLabel(
        "参加接待的代表按层级", "名", "统计期内参加过接待选民活动的不同代表按层级分列，不在代表名册中的单列"),
    "voter_contacts_with_visits": MetricLabel(
        "联系选民人次（含走访）", "人次",
        "联系选民人次，加上统计期内走访记录中对象不是帮扶企业的走访次数（每次走访计1人次）"),
    "stations_on_roster": MetricLabel(
        "活动站总数", "个", "活动站名册中截至统计期末已设立（或未填设立日期）的活动站个数"),
    "stations_established": MetricLabel("新设立活动站数", "个", "活动站名册中设立日期在统计期内的活动站个数"),
    "station_activities_min": MetricLabel(
        "每站最少活动次数", "次", "截至统计期末已设立的各活动站，统计期内开展各类活动次数中最少的一站的次数"),
    "campaign_suggestions": MetricLabel(
        "代表行动征集意见建议", "条", "统计期内收集、填写了专项行动的意见建议条数（不含议案）"),
    "campaign_motions": MetricLabel(
        "代表行动提交议案", "条",
        "统计期内收集、来源为议案，且填写了专项行动或收集日期在代表行动走访期间（本期填写了专项行动的走访记录的"
        "首末日期之间）的条数"),
}
METRICS.update(SUMMARY_LABELS)

# 建议办理 page (pages/suggestions.py): headers of its register tables, by frame column.
SUGGESTION_COLUMNS: dict[str, str] = {
    "suggestion_id": "编号", "received_on": "收集日期", "township": "乡镇", "category": "类别",
    "summary": "内容摘要", "handler": "承办单位", "deputy_names": "提出代表", "status": "办理状态",
    "days_open": "已办理天数", "due_on": "办理时限到期日", "resolved_on": "办结日期", "outcome": "办理结果",
    "satisfaction": "满意度", "source_file": "来源文件", "source_row": "行号",
}


# 乡镇对比 (pages/comparison.py): the normalised figures it adds, and its table headers.
COMPARISON_LABELS: dict[str, dict] = {
    "standing": {"name": "指标", "value": "本乡镇", "average": "全县平均（合计计算）", "rank": "全县排名",
                 "verdict": "与平均相比"},
    "metrics": {
        "supervision_per_100_deputies": MetricLabel(
            "每百名代表监督活动次数", "次", "监督活动次数 ÷ 代表名册人数 × 100"),
        "suggestions_per_100_deputies": MetricLabel(
            "每百名代表建议收集数", "条", "建议收集数 ÷ 代表名册人数 × 100"),
        "activities_per_station": MetricLabel(
            "每站活动次数", "次", "各类代表活动总次数 ÷ 活动站名册中的站数"),
        "reception_days_per_station": MetricLabel(
            "每站接待日次数", "次", "接待选民活动次数 ÷ 活动站数（要求每站每月1次）"),
        "voter_contacts_per_station": MetricLabel(
            "每站联系选民人次", "人次", "联系选民人次 ÷ 活动站数"),
        "reception_compliance": MetricLabel(
            "接待日达标率", "%",
            "已结束的整月中开展了接待选民活动的站月数 ÷ 应开展的站月数（每站每月1次，设站前不计）"),
    },
    "columns": {
        "rank": "排名", "township": "乡镇", "deputies_total": "代表数（人）", "stations_total": "活动站数（个）",
        "households_total": "脱贫户数（户）", "register": "登记表", "record_id": "编号", "record_date": "日期",
        "category": "类别", "description": "内容", "state": "状态", "source_file": "来源文件", "source_row": "行号",
        "visited": "已走访", "not_visited": "未走访",
        "deputy_visited": "已参加走访", "deputy_not_visited": "未参加走访",
    },
}

# 数据 page (pages/data.py): headers of its tables, by frame column.
DATA_COLUMNS: dict[str, str] = {
    "loaded_at": "导入时间", "file_name": "文件", "register": "登记表", "sheet": "工作表", "loaded_by": "导入人",
    "rows_read": "读取行数", "rows_accepted": "导入行数", "rows_rejected": "拒绝行数", "rows_skipped": "跳过行数",
    "result": "结果",
    "message": "说明", "township_name": "乡镇", "township_code": "乡镇代码",
    "stations": "活动站名册（行）", "deputies": "代表名册（行）", "households": "脱贫户名册（行）",
    "activities": "活动记录（行）", "activities_latest": "活动记录最新日期",
    "suggestions": "建议意见登记（行）", "suggestions_latest": "建议最新收集日期",
    "visits": "走访记录（行）", "visits_latest": "走访记录最新日期",
    "row_no": "行号", "column_name": "列", "value": "值", "reason": "原因",
    "name": "指标", "unit": "单位", "definition": "口径",
    "record_id": "编号", "record_date": "日期", "description": "内容",
    "source_file": "来源文件", "source_row": "行号", "month": "月份", "records": "记录数（条）",
    "warning": "提醒",
}

# 代表行动 page (pages/campaign.py): headers of its gap lists and visit table, by frame column.
CAMPAIGN_COLUMNS: dict[str, str] = {
    "household_id": "户编号", "head_name": "户主", "township_name": "乡镇", "village": "村",
    "deputy_id": "代表编号", "name": "姓名", "level": "代表层级", "group_name": "代表小组", "team_name": "行动分队",
    "phone": "联系电话", "date": "走访日期", "target_kind": "对象类型", "enterprise": "企业名称",
    "deputy_names": "走访代表", "problems_found": "发现问题数", "problems_solved": "解决问题数", "consoled": "慰问",
    "source_file": "来源文件", "source_row": "行号",
}

# 代表履职 page (pages/deputies.py): headers of its deputy tables and one deputy's activity rows.
DEPUTY_COLUMNS: dict[str, str] = {
    "deputy_id": "代表编号", "name": "姓名", "level": "代表层级", "township_name": "乡镇",
    "station_name": "活动站", "group_name": "代表小组", "team_name": "行动分队", "phone": "联系电话",
    "activities": "参加活动（次）", "visits": "走访（次）", "suggestions": "提出建议（条）",
    "reports_to_voters": "述职（次）", "last_active_on": "最近履职日期",
    "date": "日期", "kind": "活动类型", "title": "活动名称/走访对象",
    "source_file": "来源文件", "source_row": "行号",
}

# 监督视察 (pages/inspections.py): headers of its activity and evaluated-unit tables.
INSPECTIONS_LABELS: dict[str, dict] = {
    "activities": {
        "date": "日期", "township": "乡镇", "station": "活动站", "kind": "活动类型", "theme": "主题",
        "title": "活动名称", "evaluated_unit": "评议对象", "attendees": "参加人数（人）",
        "source_file": "来源文件", "source_row": "行号",
    },
    "units": {
        "evaluated_unit": "评议对象", "evaluations": "评议次数（次）", "dates": "评议日期", "townships": "乡镇",
    },
}

# 活动站 (pages/stations.py): its two page-only tiles (added to METRICS so layout.metric_tiles
# can show them) and the headers of its tables.
STATIONS_LABELS: dict[str, dict] = {
    "metrics": {
        "stations_total": MetricLabel(
            "活动站数", "个", "所选范围内活动站名册中的活动站，及本期活动记录中出现的活动站"),
        "reception_months_missed": MetricLabel(
            "缺接待日站月数", "个", "已结束的整月中，活动站当月没有接待选民活动的站月数（要求每站每月1次）"),
    },
    "activities": {
        "date": "日期", "township": "乡镇", "station": "活动站", "kind": "活动类型", "theme": "主题",
        "title": "活动名称", "attendees": "参加人数（人）", "voters_received": "接待选民人数（人）",
        "source_file": "来源文件", "source_row": "行号",
    },
    "quarters": {
        "station_label": "活动站", "quarter_label": "季度", "activities": "活动次数（次）", "status": "是否达标",
    },
    "voters": {
        "station_label": "活动站", "voters_received": "联系选民（人次）", "deputies": "驻站代表（人）",
        "voters_per_deputy": "人均联系选民（人次）",
    },
}
METRICS.update(STATIONS_LABELS["metrics"])

# Accounts (etl/accounts.py): the roles, the audit log's events and the 账号管理 / 审计 tables.
ROLE_NAMES: dict[str, str] = {
    "system_admin": "系统管理员（全部县）",
    "county_admin": "县人大（管理）",
    "county_viewer": "县人大（查看）",
    "township_admin": "乡镇（管理）",
    "township_viewer": "乡镇（查看）",
}
AUDIT_EVENTS: dict[str, str] = {
    "login": "登录", "login_failed": "登录失败", "locked": "账号锁定", "logout": "退出登录",
    "session_refused": "会话被拒绝", "upload": "上传导入", "export": "导出下载", "scope_denied": "越权请求",
    "account": "账号变更", "setting": "设置变更",
}
AUDIT_COLUMNS: dict[str, str] = {
    "occurred_at": "时间", "username": "账号", "role_name": "角色", "county": "县", "event_name": "事件",
    "outcome_name": "结果", "detail": "说明", "scope": "范围（乡镇代码）", "period": "统计期", "file_name": "文件",
    "file_hash": "文件哈希（SHA-256）", "rows": "读取/导入/拒绝行数", "client": "来源地址",
}
ACCOUNT_COLUMNS: dict[str, str] = {
    "username": "账号", "display_name": "姓名或单位", "role_name": "角色", "county": "县", "township_code": "乡镇代码",
    "state": "状态", "last_seen": "最近活动", "created_at": "建立时间", "created_by": "建立人",
}
