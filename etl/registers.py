"""The seven registers of the data contract (section 1), as data.

Everything that reads, validates, loads, templates or generates a register file
works from these specs, so the contract's headers, keys, required flags and
vocabularies are written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

# Column value types. Each maps to one parsing and one checking rule in validate.py.
TEXT = "text"
DATE = "date"
COUNT = "count"  # integer >= 0
YEAR = "year"  # 4 digits
CHOICE = "choice"  # one of a vocabulary
ID_LIST = "id_list"  # deputy ids separated by 、 ， , ; or spaces

ACTIVITY_KINDS = (
    "视察", "执法检查", "调研", "评议", "接待选民", "述职",
    "学习培训", "座谈", "会议", "走访", "其他",
)
THEMES = ("经济建设", "民生热点", "法制建设", "生态环境", "精神文明", "社会事业", "其他")
DEPUTY_LEVELS = ("全国", "省", "市", "县", "乡镇")
EDUCATION_LEVELS = ("研究生", "本科", "大专", "中专及高中", "初中及以下")
OCCUPATIONS = ("农民", "工人", "企业负责人", "机关干部", "专业技术人员", "其他")
GENDERS = ("男", "女")
SUGGESTION_SOURCES = ("选民意见", "代表建议", "议案", "批评意见")
SUGGESTION_CATEGORIES = (
    "交通出行", "环境卫生", "农业农村", "社会保障", "教育医疗", "城乡建设", "经济发展", "其他",
)
SUGGESTION_STATUSES = ("已收集", "已转办", "办理中", "已办结")
RESOLVED = "已办结"
OUTCOMES = ("A", "B", "C", "D")
OUTCOME_WORDS = {
    "A": "已解决或基本解决",
    "B": "正在解决或列入计划解决",
    "C": "因条件限制暂不能解决",
    "D": "留作参考",
}
SATISFACTION = ("满意", "基本满意", "不满意")
TARGET_KINDS = ("脱贫户", "监测户", "帮扶企业", "其他")
HOUSEHOLD_TARGETS = ("脱贫户", "监测户")
ENTERPRISE_TARGET = "帮扶企业"
YES_NO = ("是", "否")


@dataclass(frozen=True)
class Column:
    """One column of a register: its Chinese header, English key and rule."""

    header: str
    key: str
    required: bool = False
    type: str = TEXT
    choices: tuple[str, ...] = ()
    note: str = ""
    personal: bool = False


@dataclass(frozen=True)
class Register:
    """One register (file kind) and the table it loads into."""

    kind: str  # table name
    title: str  # the register's Chinese name
    keyword: str  # file-name keyword that names this kind
    natural_key: str  # key column; activities/visits derive it when absent
    columns: tuple[Column, ...]
    link_table: str | None = None  # where the deputy_ids list is normalised to

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


TOWNSHIPS = Register(
    kind="townships",
    title="乡镇名册",
    keyword="乡镇",
    natural_key="township_code",
    columns=(
        Column("乡镇代码", "township_code", True, note="唯一"),
        Column("乡镇名称", "township_name", True, note="同一县内唯一"),
        Column("所属县", "county", True),
        Column("本届开始日期", "term_start", type=DATE, note="本届人大任期开始日期，用于“本届”统计期"),
    ),
)

STATIONS = Register(
    kind="stations",
    title="活动站名册",
    keyword="活动站",
    natural_key="station_id",
    columns=(
        Column("活动站编号", "station_id", True, note="唯一"),
        Column("活动站名称", "station_name", True),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称"),
        Column("设立日期", "established_on", type=DATE),
        Column("依托单位", "host_unit", note="如企业、村委会"),
    ),
)

DEPUTIES = Register(
    kind="deputies",
    title="代表名册",
    keyword="代表名册",
    natural_key="deputy_id",
    columns=(
        Column("代表编号", "deputy_id", True, note="唯一"),
        Column("姓名", "name", True),
        Column("代表层级", "level", True, CHOICE, DEPUTY_LEVELS, "五级代表"),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称"),
        Column("活动站编号", "station_id", note="须在活动站名册中"),
        Column("代表小组", "group_name", note="如：第3代表组"),
        Column("行动分队", "team_name"),
        Column("性别", "gender", type=CHOICE, choices=GENDERS),
        Column("出生年份", "birth_year", type=YEAR, note="4位数字"),
        Column("学历", "education", type=CHOICE, choices=EDUCATION_LEVELS),
        Column("职业类别", "occupation", type=CHOICE, choices=OCCUPATIONS),
        Column("联系电话", "phone", note="个人信息，系统中隐去中间四位", personal=True),
        Column("届次", "term", note="如：第十一届"),
    ),
)

HOUSEHOLDS = Register(
    kind="households",
    title="脱贫户名册",
    keyword="脱贫户",
    natural_key="household_id",
    columns=(
        Column("户编号", "household_id", True, note="唯一"),
        Column("户主姓名", "head_name", note="个人信息，系统中只显示姓氏", personal=True),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称"),
        Column("村", "village", True),
        Column("脱贫年度", "exit_year", type=YEAR, note="4位数字"),
    ),
)

ACTIVITIES = Register(
    kind="activities",
    title="活动记录",
    keyword="活动",
    natural_key="activity_id",
    link_table="activity_deputies",
    columns=(
        Column("活动编号", "activity_id", note="可不填，系统按日期、乡镇、活动站、类型、名称生成"),
        Column("日期", "date", True, DATE),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称"),
        Column("活动站编号", "station_id", note="须在活动站名册中"),
        Column("活动类型", "kind", True, CHOICE, ACTIVITY_KINDS),
        Column("主题", "theme", type=CHOICE, choices=THEMES),
        Column("活动名称", "title", True),
        Column("参加代表", "deputy_ids", type=ID_LIST, note="代表编号，用顿号、逗号、分号或空格分隔"),
        Column("参加人数", "attendees", type=COUNT, note="不填时按参加代表人数计"),
        Column("接待选民人数", "voters_received", type=COUNT, note="接待选民活动填写"),
        Column("评议对象", "evaluated_unit", note="评议活动填写"),
        Column("专项行动", "campaign", note="如：2020代表行动"),
        Column("地点", "place"),
    ),
)

SUGGESTIONS = Register(
    kind="suggestions",
    title="建议意见登记",
    keyword="建议",
    natural_key="suggestion_id",
    link_table="suggestion_deputies",
    columns=(
        Column("编号", "suggestion_id", True, note="唯一；新导出文件中相同编号将更新原记录"),
        Column("收集日期", "received_on", True, DATE),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称"),
        Column("活动站编号", "station_id", note="须在活动站名册中"),
        Column("来源", "source", True, CHOICE, SUGGESTION_SOURCES),
        Column("提出代表", "deputy_ids", type=ID_LIST, note="代表编号，用顿号、逗号、分号或空格分隔"),
        Column("类别", "category", type=CHOICE, choices=SUGGESTION_CATEGORIES),
        Column("内容摘要", "summary", True),
        Column("承办单位", "handler"),
        Column("转办日期", "referred_on", type=DATE, note="不早于收集日期"),
        Column("办结日期", "resolved_on", type=DATE, note="不早于收集日期；已办结时必填"),
        Column("办理状态", "status", True, CHOICE, SUGGESTION_STATUSES),
        Column(
            "办理结果", "outcome", type=CHOICE, choices=OUTCOMES,
            note="A 已解决或基本解决 / B 正在解决或列入计划解决 / C 因条件限制暂不能解决 / D 留作参考",
        ),
        Column("满意度", "satisfaction", type=CHOICE, choices=SATISFACTION),
        Column("专项行动", "campaign"),
    ),
)

VISITS = Register(
    kind="visits",
    title="走访记录",
    keyword="走访",
    natural_key="visit_id",
    link_table="visit_deputies",
    columns=(
        Column("日期", "date", True, DATE),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称"),
        Column("村", "village"),
        Column("对象类型", "target_kind", True, CHOICE, TARGET_KINDS),
        Column("户编号", "household_id", note="对象为脱贫户或监测户时必填，须在脱贫户名册中"),
        Column("企业名称", "enterprise", note="对象为帮扶企业时必填"),
        Column("走访代表", "deputy_ids", True, ID_LIST, note="代表编号，用顿号、逗号、分号或空格分隔"),
        Column("发现问题数", "problems_found", type=COUNT),
        Column("解决问题数", "problems_solved", type=COUNT),
        Column("慰问", "consoled", type=CHOICE, choices=YES_NO),
        Column("专项行动", "campaign"),
    ),
)

# Load order: rosters before the logs that refer to them.
REGISTERS: tuple[Register, ...] = (
    TOWNSHIPS, STATIONS, DEPUTIES, HOUSEHOLDS, ACTIVITIES, SUGGESTIONS, VISITS,
)
BY_KIND = {r.kind: r for r in REGISTERS}

# File-name keywords, most specific first: "脱贫户走访记录" is a visit log, and
# "青河乡镇建议登记" is a suggestion register, not a township roster.
KEYWORD_ORDER: tuple[Register, ...] = (
    VISITS, SUGGESTIONS, STATIONS, DEPUTIES, HOUSEHOLDS, ACTIVITIES, TOWNSHIPS,
)


def kind_from_filename(name: str) -> Register | None:
    """The register a file name names by keyword, if any."""
    return next((r for r in KEYWORD_ORDER if r.keyword in name), None)
