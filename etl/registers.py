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
    synonyms: tuple[str, ...] = ()  # other headers offices write for this column


def _synonyms(*words: str) -> tuple[str, ...]:
    return words


@dataclass(frozen=True)
class Register:
    """One register (file kind) and the table it loads into."""

    kind: str  # table name
    title: str  # the register's Chinese name
    keyword: str  # file-name keyword that names this kind
    natural_key: str  # key column; activities/visits derive it when absent
    columns: tuple[Column, ...]
    link_table: str | None = None  # where the deputy_ids list is normalised to
    # The row's own columns each link carries too (etl/schema.sql): what the queries count a
    # deputy's activities and visits by, read from the link table without joining the rows.
    link_columns: tuple[str, ...] = ()
    # Columns read only to find a row's references (a household by its head's name),
    # never stored and never in a template.
    inputs: tuple[Column, ...] = ()

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        return next(c for c in (*self.columns, *self.inputs) if c.key == key)

    @property
    def read_columns(self) -> tuple[Column, ...]:
        """Every column a file may carry: the contract's, then the input-only ones."""
        return (*self.columns, *self.inputs)


# Synonyms: the headers township offices write in their own registers (人大代表活动情况
#记录簿, 接待选民来访登记簿, 建议办理情况登记卡, 选民意见转办情况登记卡, 花名册 …) for a
# contract column. Matching folds width, drops spaces and bracketed units, so 「发现问题
# （个）」 is 发现问题 and 「村（社区）」 is 村. A synonym belongs to one column of its register.
TOWNSHIP_WORDS = ("所属乡镇", "乡镇（街道）", "乡镇街道", "所在乡镇", "乡镇名称", "镇", "乡", "镇（乡）")
STATION_WORDS = ("活动站", "所属活动站", "所在活动站", "活动站名称", "代表活动站", "联络站", "代表之家",
                 "活动站（联络站）", "所属联络站")

TOWNSHIPS = Register(
    kind="townships",
    title="乡镇名册",
    keyword="乡镇",
    natural_key="township_code",
    columns=(
        Column("乡镇代码", "township_code", True, note="唯一",
               synonyms=_synonyms("代码", "乡镇编码", "编码", "乡镇编号", "行政区划代码", "区划代码")),
        Column("乡镇名称", "township_name", True, note="同一县内唯一",
               synonyms=_synonyms("乡镇", "乡镇名", "名称", "乡镇（街道）名称", "乡镇街道")),
        Column("所属县", "county", True,
               synonyms=_synonyms("县", "所属县（市、区）", "县（市、区）", "县区", "所属县区", "县名")),
        Column("本届开始日期", "term_start", type=DATE, note="本届人大任期开始日期，用于“本届”统计期",
               synonyms=_synonyms("本届起始日期", "本届开始时间", "届期开始日期", "换届日期", "换届时间",
                                  "本届任期开始")),
    ),
)

STATIONS = Register(
    kind="stations",
    title="活动站名册",
    keyword="活动站",
    natural_key="station_id",
    columns=(
        Column("活动站编号", "station_id", True, note="唯一；不填时按乡镇和名称生成",
               synonyms=_synonyms("编号", "站点编号", "活动站代码", "站号")),
        Column("活动站名称", "station_name", True,
               synonyms=_synonyms("名称", "活动站", "站名", "站点名称", "代表活动站名称", "联络站名称",
                                  "代表之家名称", "活动站（联络站、代表之家）名称", "代表活动站")),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称", synonyms=TOWNSHIP_WORDS),
        Column("设立日期", "established_on", type=DATE,
               synonyms=_synonyms("建站时间", "建站日期", "设立时间", "成立时间", "成立日期", "建立时间")),
        Column("依托单位", "host_unit", note="如企业、村委会",
               synonyms=_synonyms("所在单位", "依托", "建站单位", "依托单位名称", "所在地")),
    ),
)

DEPUTIES = Register(
    kind="deputies",
    title="代表名册",
    keyword="代表名册",
    natural_key="deputy_id",
    columns=(
        Column("代表编号", "deputy_id", True, note="唯一；不填时按乡镇和姓名生成",
               synonyms=_synonyms("编号", "代表证号", "代表证编号", "代表号")),
        Column("姓名", "name", True, synonyms=_synonyms("代表姓名", "名字")),
        Column("代表层级", "level", True, CHOICE, DEPUTY_LEVELS, "五级代表",
               synonyms=_synonyms("层级", "代表级别", "级别", "人大代表层级", "代表层次", "何级代表")),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称",
               synonyms=(*TOWNSHIP_WORDS, "选区所在乡镇")),
        Column("活动站编号", "station_id", note="须在活动站名册中；也可填活动站名称", synonyms=STATION_WORDS),
        Column("代表小组", "group_name", note="如：第3代表组",
               synonyms=_synonyms("小组", "所属代表小组", "代表组", "所在代表组", "所属代表组", "编组")),
        Column("行动分队", "team_name", synonyms=_synonyms("分队", "所属分队", "所在分队", "行动小分队")),
        Column("性别", "gender", type=CHOICE, choices=GENDERS),
        Column("出生年份", "birth_year", type=YEAR, note="4位数字",
               synonyms=_synonyms("出生年月", "出生日期", "出生年", "出生时间", "出生年度")),
        Column("学历", "education", type=CHOICE, choices=EDUCATION_LEVELS,
               synonyms=_synonyms("文化程度", "最高学历", "学历（学位）")),
        Column("职业类别", "occupation", type=CHOICE, choices=OCCUPATIONS,
               synonyms=_synonyms("职业", "代表构成", "构成类别", "职业构成")),
        Column("联系电话", "phone", note="个人信息，系统中隐去中间四位", personal=True,
               synonyms=_synonyms("电话", "手机", "手机号码", "联系方式", "电话号码")),
        Column("届次", "term", note="如：第十一届", synonyms=_synonyms("届别", "届")),
    ),
)

HOUSEHOLDS = Register(
    kind="households",
    title="脱贫户名册",
    keyword="脱贫户",
    natural_key="household_id",
    columns=(
        Column("户编号", "household_id", True, note="唯一；不填时按乡镇、村和户主姓名生成",
               synonyms=_synonyms("编号", "户号", "农户编号", "脱贫户编号")),
        Column("户主姓名", "head_name", note="个人信息，系统中只显示姓氏", personal=True,
               synonyms=_synonyms("户主", "户主名字", "脱贫户姓名", "脱贫户户主", "户主姓名（脱贫户）")),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称", synonyms=TOWNSHIP_WORDS),
        Column("村", "village", True,
               synonyms=_synonyms("所在村", "村（社区）", "村（居）", "村居", "行政村", "村名", "所属村", "村委会",
                                  "村（居）委会", "社区")),
        Column("脱贫年度", "exit_year", type=YEAR, note="4位数字",
               synonyms=_synonyms("脱贫年份", "脱贫时间", "脱贫年", "脱贫日期", "脱贫年限")),
    ),
)

ACTIVITIES = Register(
    kind="activities",
    title="活动记录",
    keyword="活动",
    natural_key="activity_id",
    link_table="activity_deputies",
    link_columns=("date", "kind", "township_code"),
    columns=(
        Column("活动编号", "activity_id", note="可不填，系统按日期、乡镇、活动站、类型、名称生成",
               synonyms=_synonyms("编号", "记录编号")),
        Column("日期", "date", True, DATE,
               synonyms=_synonyms("时间", "活动时间", "活动日期", "接待时间", "接待日期", "开展时间", "视察时间",
                                  "日期时间")),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称", synonyms=TOWNSHIP_WORDS),
        Column("活动站编号", "station_id", note="须在活动站名册中；也可填活动站名称", synonyms=STATION_WORDS),
        Column("活动类型", "kind", True, CHOICE, ACTIVITY_KINDS,
               synonyms=_synonyms("活动形式", "类型", "活动类别", "形式", "活动方式", "活动种类")),
        Column("主题", "theme", type=CHOICE, choices=THEMES, synonyms=_synonyms("主题分类", "所属领域", "领域")),
        Column("活动名称", "title", True,
               synonyms=_synonyms("活动内容", "内容", "活动主题", "活动事项", "活动情况", "活动名称及内容",
                                  "主要内容", "名称")),
        Column("参加代表", "deputy_ids", type=ID_LIST, note="代表编号或姓名，用顿号、逗号、分号或空格分隔",
               synonyms=_synonyms("参加人员", "参加代表姓名", "参加人员姓名", "参加代表名单", "参加代表（姓名）",
                                  "接待代表", "出席代表", "参与代表", "参加活动代表", "代表")),
        Column("参加人数", "attendees", type=COUNT, note="不填时按参加代表人数计",
               synonyms=_synonyms("人数", "参加代表人数", "出席人数", "参与人数", "参加人员人数")),
        Column("接待选民人数", "voters_received", type=COUNT, note="接待选民活动填写",
               synonyms=_synonyms("接待人数", "接待选民数", "来访人数", "来访选民人数", "接待群众人数", "选民人数",
                                  "接待选民（人次）", "接待人次")),
        Column("评议对象", "evaluated_unit", note="评议活动填写",
               synonyms=_synonyms("被评议单位", "评议单位", "测评对象", "被评议对象")),
        Column("专项行动", "campaign", synonyms=_synonyms("专项活动", "所属专项行动")),
        Column("地点", "place", note="是活动站名称时，没有活动站一列也能认出活动站",
               synonyms=_synonyms("活动地点", "地址", "接待地点", "视察地点", "活动场所")),
    ),
)

SUGGESTIONS = Register(
    kind="suggestions",
    title="建议意见登记",
    keyword="建议",
    natural_key="suggestion_id",
    link_table="suggestion_deputies",
    link_columns=("received_on",),
    columns=(
        Column("编号", "suggestion_id", True, note="唯一；新导出文件中相同编号将更新原记录",
               synonyms=_synonyms("登记编号", "建议编号", "意见编号", "卡号", "案号", "登记号")),
        Column("收集日期", "received_on", True, DATE,
               synonyms=_synonyms("收集时间", "登记日期", "登记时间", "反映时间", "反映日期", "接待时间", "来访时间",
                                  "提出时间", "提出日期", "受理时间", "受理日期", "收到时间", "日期", "时间")),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称", synonyms=TOWNSHIP_WORDS),
        Column("活动站编号", "station_id", note="须在活动站名册中；也可填活动站名称", synonyms=STATION_WORDS),
        Column("来源", "source", True, CHOICE, SUGGESTION_SOURCES, synonyms=_synonyms("意见来源", "建议来源")),
        Column("提出代表", "deputy_ids", type=ID_LIST, note="代表编号或姓名，用顿号、逗号、分号或空格分隔",
               synonyms=_synonyms("代表", "代表姓名", "领衔代表", "建议代表", "收集代表", "接待代表", "提出代表姓名")),
        Column("类别", "category", type=CHOICE, choices=SUGGESTION_CATEGORIES,
               synonyms=_synonyms("建议类别", "问题类别", "意见类别", "分类", "所属类别", "问题分类")),
        Column("内容摘要", "summary", True,
               synonyms=_synonyms("内容", "建议内容", "意见内容", "反映问题", "反映内容", "主要内容", "意见建议内容",
                                  "问题", "建议事项", "案由", "标题", "建议标题", "意见建议", "反映的问题",
                                  "来访事由", "主要问题")),
        Column("承办单位", "handler",
               synonyms=_synonyms("转办单位", "交办单位", "办理单位", "主办单位", "责任单位", "承办部门")),
        Column("转办日期", "referred_on", type=DATE, note="不早于收集日期",
               synonyms=_synonyms("转办时间", "交办时间", "交办日期")),
        Column("办结日期", "resolved_on", type=DATE, note="不早于收集日期；已办结时必填",
               synonyms=_synonyms("办结时间", "答复时间", "答复日期", "办理完成时间", "完成时间")),
        Column("办理状态", "status", True, CHOICE, SUGGESTION_STATUSES,
               synonyms=_synonyms("状态", "办理进度", "进展情况")),
        Column(
            "办理结果", "outcome", type=CHOICE, choices=OUTCOMES,
            note="A 已解决或基本解决 / B 正在解决或列入计划解决 / C 因条件限制暂不能解决 / D 留作参考",
            synonyms=_synonyms("结果", "答复类别", "办理类别", "结果类别", "办理结果类别"),
        ),
        Column("满意度", "satisfaction", type=CHOICE, choices=SATISFACTION,
               synonyms=_synonyms("满意程度", "是否满意", "代表满意度", "选民满意度", "满意情况", "测评意见")),
        Column("专项行动", "campaign", synonyms=_synonyms("专项活动")),
    ),
)

VISITS = Register(
    kind="visits",
    title="走访记录",
    keyword="走访",
    natural_key="visit_id",
    link_table="visit_deputies",
    link_columns=("date", "campaign", "township_code"),
    columns=(
        Column("日期", "date", True, DATE, synonyms=_synonyms("走访日期", "走访时间", "时间")),
        Column("乡镇", "township", True, note="填乡镇代码或乡镇名称", synonyms=TOWNSHIP_WORDS),
        Column("村", "village",
               synonyms=_synonyms("所在村", "村（社区）", "村（居）", "村居", "行政村", "村名", "所属村", "走访村",
                                  "村委会", "社区")),
        Column("对象类型", "target_kind", True, CHOICE, TARGET_KINDS,
               synonyms=_synonyms("走访对象类型", "对象类别", "走访类型", "户类型", "对象")),
        Column("户编号", "household_id", note="对象为脱贫户或监测户时必填，须在脱贫户名册中；也可填户主姓名和村",
               synonyms=_synonyms("户号", "脱贫户编号", "农户编号")),
        Column("企业名称", "enterprise", note="对象为帮扶企业时必填",
               synonyms=_synonyms("企业", "帮扶企业", "走访企业", "企业（基地）名称", "企业名")),
        Column("走访代表", "deputy_ids", True, ID_LIST, note="代表编号或姓名，用顿号、逗号、分号或空格分隔",
               synonyms=_synonyms("代表", "代表姓名", "走访人", "走访人员", "走访代表姓名", "参加代表",
                                  "走访人员姓名")),
        Column("发现问题数", "problems_found", type=COUNT,
               synonyms=_synonyms("发现问题", "收集问题数", "收集问题", "发现问题个数", "查找问题数")),
        Column("解决问题数", "problems_solved", type=COUNT,
               synonyms=_synonyms("解决问题", "帮助解决问题数", "解决困难问题", "解决问题个数", "帮助解决问题")),
        Column("慰问", "consoled", type=CHOICE, choices=YES_NO,
               synonyms=_synonyms("是否慰问", "慰问情况", "是否慰问（是/否）")),
        Column("专项行动", "campaign", synonyms=_synonyms("专项活动")),
    ),
    inputs=(
        Column("户主姓名", "head_name", note="不填户编号时，按户主姓名和村在脱贫户名册中查找", personal=True,
               synonyms=_synonyms("户主", "脱贫户姓名", "走访户户主", "脱贫户户主", "户主名字")),
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
# Words of the names offices give their registers (人大代表花名册, 选民意见转办情况登记卡,
# 人大代表活动情况记录簿), tried after every register's own keyword. A 脱贫户花名册 is a
# household roster, so households come before the deputies' 花名册.
FILE_NAME_WORDS: tuple[tuple[Register, tuple[str, ...]], ...] = (
    (VISITS, ("走访",)),
    (SUGGESTIONS, ("意见", "议案", "转办", "办理情况")),
    (STATIONS, ("联络站", "代表之家")),
    (HOUSEHOLDS, ("监测户", "贫困户")),
    (DEPUTIES, ("花名册", "代表信息", "代表名单")),
    (ACTIVITIES, ("记录簿", "接待选民", "视察", "履职")),
)


def kind_from_filename(name: str) -> Register | None:
    """The register a file name names by keyword, if any."""
    found = next((r for r in KEYWORD_ORDER if r.keyword in name), None)
    if found is not None:
        return found
    return next((r for r, words in FILE_NAME_WORDS if any(w in name for w in words)), None)


# Vocabulary words offices write, per column key, and the contract value each means.
# Matched after folding width and dropping spaces; a word not listed here (nor the
# contract value itself) is still rejected with the vocabulary reason.
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "kind": {
        "视察活动": "视察", "专题视察": "视察", "代表视察": "视察", "集中视察": "视察", "持证视察": "视察",
        "执法检查活动": "执法检查", "法律检查": "执法检查", "执法监督": "执法检查",
        "专题调研": "调研", "调研活动": "调研", "调查研究": "调研", "视察调研": "调研",
        "工作评议": "评议", "民主评议": "评议", "评议活动": "评议", "代表评议": "评议", "满意度测评": "评议",
        "接待选民日": "接待选民", "选民接待": "接待选民", "代表接待日": "接待选民", "接待日": "接待选民",
        "接待选民来访": "接待选民", "统一见面日": "接待选民", "代表统一见面日": "接待选民",
        "代表述职": "述职", "向选民述职": "述职", "述职评议": "述职",
        "学习": "学习培训", "培训": "学习培训", "集中学习": "学习培训", "业务培训": "学习培训",
        "代表培训": "学习培训",
        "座谈会": "座谈", "座谈交流": "座谈", "代表座谈": "座谈", "座谈宣讲": "座谈",
        "主席团会议": "会议", "人代会": "会议", "代表大会": "会议", "人民代表大会": "会议",
        "工作会议": "会议", "听取工作汇报": "会议",
        "走访选民": "走访", "走访调研": "走访", "入户走访": "走访", "走访活动": "走访", "走访慰问": "走访",
    },
    "theme": {
        "经济发展": "经济建设", "民生": "民生热点", "民生实事": "民生热点", "热点难点": "民生热点",
        "法治建设": "法制建设", "法制": "法制建设", "法治": "法制建设", "环境保护": "生态环境",
        "生态": "生态环境", "环保": "生态环境", "文明建设": "精神文明", "社会事业发展": "社会事业",
    },
    "level": {
        "全国人大代表": "全国", "省人大代表": "省", "市人大代表": "市", "县人大代表": "县",
        "区人大代表": "县", "镇人大代表": "乡镇", "乡人大代表": "乡镇", "乡镇人大代表": "乡镇",
    },
    "gender": {"男性": "男", "女性": "女"},
    "education": {
        "硕士研究生": "研究生", "博士研究生": "研究生", "大学本科": "本科", "大学": "本科",
        "大学专科": "大专", "专科": "大专", "高中": "中专及高中", "中专": "中专及高中", "职高": "中专及高中",
        "中技": "中专及高中", "初中": "初中及以下", "小学": "初中及以下",
    },
    "source": {
        "群众意见": "选民意见", "选民反映": "选民意见", "群众反映": "选民意见", "社情民意": "选民意见",
        "选民来访": "选民意见", "人大代表建议": "代表建议", "建议": "代表建议", "代表意见建议": "代表建议",
        "代表议案": "议案", "批评": "批评意见", "批评和意见": "批评意见",
    },
    "status": {
        "办结": "已办结", "已办理完毕": "已办结", "办理完毕": "已办结", "已答复": "已办结",
        "正在办理": "办理中", "在办": "办理中", "转办": "已转办", "已交办": "已转办", "交办": "已转办",
        "收集": "已收集", "未转办": "已收集", "待转办": "已收集",
    },
    "outcome": {
        "已解决": "A", "基本解决": "A", "解决": "A", "正在解决": "B", "列入计划解决": "B", "列入计划": "B",
        "暂不能解决": "C", "条件限制暂不能解决": "C", "留作参考": "D", "参考": "D",
    },
    "satisfaction": {"比较满意": "基本满意", "较满意": "基本满意"},
    "target_kind": {
        "已脱贫户": "脱贫户", "脱贫人口": "脱贫户", "建档立卡户": "脱贫户", "贫困户": "脱贫户",
        "防返贫监测户": "监测户", "监测对象": "监测户", "边缘户": "监测户", "企业": "帮扶企业",
        "扶贫企业": "帮扶企业", "帮扶基地": "帮扶企业",
    },
    "consoled": {
        "√": "是", "✓": "是", "✔": "是", "已慰问": "是", "y": "是", "Y": "是", "1": "是",
        "×": "否", "✗": "否", "未慰问": "否", "n": "否", "N": "否", "0": "否",
    },
}

# Words in a sheet's title rows, its name or the file name that say what a missing
# column would hold for every row: a 接待选民来访登记簿 has no 活动类型 column, a
# 选民意见转办情况登记卡 no 来源, a 镇人大代表花名册 no 代表层级. Longest word first.
TITLE_HINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "kind": (
        ("接待选民", "接待选民"), ("接待日", "接待选民"), ("执法检查", "执法检查"), ("视察", "视察"),
        ("调研", "调研"), ("评议", "评议"), ("述职", "述职"), ("学习培训", "学习培训"), ("培训", "学习培训"),
        ("座谈", "座谈"),
    ),
    "source": (
        ("选民意见", "选民意见"), ("群众意见", "选民意见"), ("代表建议", "代表建议"), ("建议办理", "代表建议"),
        ("议案", "议案"), ("批评意见", "批评意见"), ("选民来访", "选民意见"), ("选民来信", "选民意见"),
        ("接待选民", "选民意见"), ("群众来访", "选民意见"),
    ),
    "level": (
        ("全国人大代表", "全国"), ("省人大代表", "省"), ("市人大代表", "市"), ("县人大代表", "县"),
        ("乡镇人大代表", "乡镇"), ("镇人大代表", "乡镇"), ("乡人大代表", "乡镇"),
    ),
}

# Headers whose values are a voter's or another private person's own details
# (反映人, 来信人, 联系电话 …). They are never stored; a rejected row keeps them masked.
PERSONAL_HEADERS = (
    "反映人", "反映人姓名", "来信人", "来信人姓名", "来访人", "来访人姓名", "来访者", "选民姓名", "群众姓名",
    "联系电话", "联系方式", "电话", "手机", "手机号码", "身份证号", "身份证号码", "家庭住址", "住址",
)
# Headers that carry no register information: a row counter, a blank remark column.
IGNORED_HEADERS = ("序号", "编号序号", "No", "no", "行号")

# The first cell of a row that is a total, not a record.
TOTAL_WORDS = ("合计", "总计", "小计", "累计")
# Labels that open the footer lines below a register (填表人：… 审核人：…).
FOOTER_LABELS = (
    "填表人", "填报人", "制表人", "审核人", "审核", "负责人", "主管领导", "填表日期", "填报日期", "制表日期",
    "统计人", "经办人", "填报单位", "单位盖章", "单位（盖章）", "盖章", "注", "备注", "说明", "填表说明",
)
# Sheets named like this are summaries or instructions, never registers.
NOT_REGISTER_SHEETS = ("汇总", "统计", "说明", "目录", "封面", "图表", "选项", "字典", "下拉")

# A log without an 活动类型 column, whose title names no kind either: each activity's
# kind is read from its own 活动名称 (视察工业园 is a 视察), else 其他. First match wins.
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("执法检查", "执法检查"), ("视察", "视察"), ("调研", "调研"), ("评议", "评议"), ("测评", "评议"),
    ("接待", "接待选民"), ("见面日", "接待选民"), ("述职", "述职"), ("培训", "学习培训"), ("学习", "学习培训"),
    ("座谈", "座谈"), ("会议", "会议"), ("走访", "走访"),
)
