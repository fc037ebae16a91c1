"""A fictional county's registers, written as the files a county office really keeps.

`python -m etl demo` loads these files through the real loader, so the demo goes
down every path a user's files do: GB18030 CSV (what Excel on a Chinese Windows
saves) and XLSX workbooks with a merged title row above the header and Excel date
cells, dates in every accepted spelling, full-width ids, stray spaces, township
names instead of codes, and the handful of rows in BAD_ROWS that the loader must
reject, so the dashboard's rejected-rows list has real content.

The data follows a township presidium's real rhythm (see the seeds in
/work/shared/seeds): every station receives voters on the 10th or the 20th of
each month, the presidium meets each quarter, deputies inspect, survey, evaluate
the township's offices and report to their voters, and each May-June the
"代表行动" campaign sends them to every household on the 脱贫户 roster. Voters'
opinions collected on reception days move through the suggestion statuses by
age as of AS_OF. In each county one township is clearly stronger (full
coverage, fast handling) and one clearly weaker (missed reception days, ~70%
coverage, many overdue suggestions), so comparisons show something.

Everything is drawn from random.Random generators seeded from `seed` (the world
and the untidiness separately), dates are fixed, and rows are written township
by township as they are generated, so the same seed and size give byte-identical
files and a 2000-township province streams through in bounded memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from random import Random

import xlsxwriter

from etl.registers import (
    ACTIVITIES,
    COUNT,
    DATE,
    DEPUTIES,
    DEPUTY_LEVELS,
    EDUCATION_LEVELS,
    ENTERPRISE_TARGET,
    GENDERS,
    HOUSEHOLD_TARGETS,
    HOUSEHOLDS,
    OCCUPATIONS,
    OUTCOME_WORDS,
    OUTCOMES,
    REGISTERS,
    RESOLVED,
    SATISFACTION,
    STATIONS,
    SUGGESTION_CATEGORIES,
    SUGGESTION_SOURCES,
    SUGGESTION_STATUSES,
    SUGGESTIONS,
    THEMES,
    TOWNSHIPS,
    VISITS,
    YEAR,
    YES_NO,
    Register,
)
from etl.safe_text import XLSX_TEXT_ONLY

# ---------------------------------------------------------------------------
# Fixed dates and sizes
# ---------------------------------------------------------------------------

LOG_START = dt.date(2023, 10, 1)
LOG_END = dt.date(2026, 9, 30)
AS_OF = LOG_END  # the day the suggestion register was exported; statuses are as of it
TERM_START = dt.date(2021, 10, 1)
TERM = "第十一届"
TIME_LIMIT_DAYS = 90  # the contract's default handling time limit
DUE_SOON_WINDOW = (75, 90)  # ages (days) that are due soon at AS_OF
CAMPAIGN_YEARS = (2024, 2025, 2026)
SESSION_NUMBERS = {2024: "四", 2025: "五", 2026: "六"}  # 第N次会议 of the 第十一届 congress
QUARTER_NUMERALS = "一二三四"
RECEPTION_DAYS = (10, 20)

DEMO_COUNTY = "青禾县"
SINGLE_COUNTY_MAX = 20  # up to this many townships: one county, codes QH01..
COUNTY_SIZE = 20  # larger sizes: counties of about this many townships, codes C001T01..
XLSX_MAX_TOWNSHIPS = 50  # above this, every register is CSV (xlsxwriter is too slow)

STATIONS_PER_TOWNSHIP = (6, 10)
DEPUTIES_PER_TOWNSHIP = (120, 180)
HOUSEHOLDS_PER_TOWNSHIP = (300, 700)
VILLAGES_PER_TOWNSHIP = (6, 12)
ENTERPRISES_PER_TOWNSHIP = (3, 6)
LOG_YEARS = tuple(range(LOG_START.year, LOG_END.year + 1))

# File shapes of the default demo: which registers and which years are XLSX.
XLSX_REGISTERS = {STATIONS.kind, HOUSEHOLDS.kind}
XLSX_YEARS = {ACTIVITIES.kind: {2023, 2024, 2025}, VISITS.kind: {2024}}
YEARLY_REGISTERS = {ACTIVITIES.kind, VISITS.kind}
ACTIVITY_ID_YEARS = {2023, 2024, 2025}  # the 2026 log was kept without 活动编号
XLSX_DATE_FORMAT = "yyyy/m/d"  # Excel's short date on a Chinese Windows

# What each workbook's merged title row says, after the county (or 全市) name.
XLSX_TITLES = {
    TOWNSHIPS.kind: "乡镇名册",
    STATIONS.kind: "人大代表活动站（联络站、代表之家）名册",
    DEPUTIES.kind: "五级人大代表名册",
    HOUSEHOLDS.kind: "脱贫户名册",
    ACTIVITIES.kind: "人大代表活动情况记录簿（{year}年）",
    SUGGESTIONS.kind: "选民意见及代表建议办理情况登记",
    VISITS.kind: "“代表行动”走访记录（{year}年）",
}


@dataclass(frozen=True)
class BadRow:
    """One row the loader must reject: the file it is in, the column named, why."""

    file_stem: str
    column: str
    problem: str


# The deliberate bad rows: all in one township (the weaker one of the first
# county), the same five at every size. Everything else in the files loads.
BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(DEPUTIES.title, DEPUTIES.column("deputy_id").header,
           "the same deputy entered twice: the second row repeats a 代表编号"),
    BadRow(f"{ACTIVITIES.title}_2026", ACTIVITIES.column("date").header,
           "a 座谈 dated 2026-6-31, a day that does not exist"),
    BadRow(f"{ACTIVITIES.title}_2025", ACTIVITIES.column("deputy_ids").header,
           "a 视察 whose 参加代表 lists a deputy id that is not on the roster (…-D999)"),
    BadRow(SUGGESTIONS.title, SUGGESTIONS.column("resolved_on").header,
           "a suggestion marked 已办结 without 办结日期"),
    BadRow(f"{VISITS.title}_2025", VISITS.column("household_id").header,
           "a 脱贫户 visit whose 户编号 (…-H9999) is not on the household roster"),
)



class Weights:
    """A weighted choice, precomputed: millions of draws for a province make
    random.choices (which rebuilds its tables on every call) the bottleneck."""

    def __init__(self, weights: dict) -> None:
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, keys: Sequence, weights: Sequence[float]) -> Weights:
        return cls(dict(zip(keys, weights, strict=True)))

    def draw(self, rng: Random):
        return self.keys[bisect(self.cumulative, rng.random() * self.total)]


# ---------------------------------------------------------------------------
# Vocabulary of the fictional county (data values, in Chinese)
# ---------------------------------------------------------------------------

DEFAULT_TOWNSHIP_NAMES = (
    "青河镇", "石桥镇", "柳林乡", "白沙镇", "云台镇",
    "松岗镇", "杏花乡", "枫溪镇", "桃源镇", "梅岭乡",
)
PLACE_FIRST = "青石柳白云松杏枫桃梅竹兰荷芦蒲槐榆杨桑栗茶菱莲苇"
PLACE_SECOND = "河桥林沙台岗花溪源岭湾坪塘埠口集店铺庄坝港冲峪渡"
COUNTY_FIRST = "禾安平宁丰清泰和康永兴瑞嘉福昌隆广盛"
COUNTY_SECOND = "川阳江源山陵水城丘原谷泽"
VILLAGE_FIRST = "东西南北前后上下大小新老高马黄李王张刘陈杨桥河山岭湾塘坪向"
VILLAGE_SECOND = "湾岗庄集桥店楼圩营洼坡沟冲畈铺窑堡台"
COMMUNITIES = ("街道社区", "新华社区", "建设社区", "人民路社区", "幸福社区")
ENTERPRISE_KINDS = (
    "食品有限公司", "砖瓦厂", "纺织有限公司", "农业科技有限公司", "茶叶专业合作社",
    "养殖专业合作社", "果蔬专业合作社", "机械制造有限公司", "米业有限公司", "竹木制品厂",
    "服装厂", "生态农场",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志红文建国春梅海燕金凤云飞永德宏新"
    "俊成林辉利婷晓亮莉斌波丹萍鹏浩宇欣雪琴凯胜贵福荣祥发友忠兵"
)

LEVEL_WEIGHTS = Weights.of(DEPUTY_LEVELS, (0.0007, 0.008, 0.05, 0.25, 0.6913))
EDUCATION_WEIGHTS = Weights.of(EDUCATION_LEVELS, (0.03, 0.27, 0.3, 0.25, 0.15))
OCCUPATION_WEIGHTS = Weights.of(OCCUPATIONS, (0.34, 0.12, 0.15, 0.2, 0.12, 0.07))
EXIT_YEAR_WEIGHTS = Weights({2016: 0.15, 2017: 0.25, 2018: 0.25, 2019: 0.2, 2020: 0.15})
PROBLEM_WEIGHTS = Weights({0: 0.55, 1: 0.3, 2: 0.1, 3: 0.05})
FESTIVAL_PROBLEM_WEIGHTS = Weights({0: 0.8, 1: 0.2})
OPINIONS_PER_RECEPTION = Weights({0: 0.55, 1: 0.3, 2: 0.15})

# 视察 titles by theme; {town}, {village} and {enterprise} are filled per township.
INSPECTIONS = {
    "经济建设": ("视察{town}工业集中区建设情况", "视察重点招商引资项目推进情况",
             "视察{village}高效农业示范基地", "视察{enterprise}生产经营情况",
             "视察农民增收致富工作"),
    "民生热点": ("视察农村公路通达工程建设", "视察{village}饮水安全工程",
             "视察集镇环境卫生整治工作", "视察最低生活保障政策落实情况",
             "视察农村危房改造工作"),
    "法制建设": ("视察{town}法治乡村建设工作", "视察人民调解工作开展情况"),
    "生态环境": ("视察{village}村庄河塘清理工作", "视察秸秆禁烧和综合利用工作",
             "视察农村生活污水治理工作", "视察{village}农业生态示范区建设"),
    "精神文明": ("视察文明村镇创建工作", "视察{village}新时代文明实践站建设"),
    "社会事业": ("视察{town}中心学校校舍建设", "视察{town}卫生院医疗服务工作",
             "视察农村养老服务中心运行情况", "视察村卫生室标准化建设"),
}
INSPECTION_THEME_WEIGHTS = Weights({
    "经济建设": 0.3, "民生热点": 0.3, "法制建设": 0.08, "生态环境": 0.15,
    "精神文明": 0.07, "社会事业": 0.1,
})
LAW_CHECKS = (
    ("《中华人民共和国安全生产法》执法检查", "法制建设"),
    ("《中华人民共和国土地管理法》贯彻实施情况执法检查", "法制建设"),
    ("《中华人民共和国食品安全法》执法检查", "民生热点"),
    ("《中华人民共和国环境保护法》执法检查", "生态环境"),
    ("《中华人民共和国农产品质量安全法》执法检查", "经济建设"),
    ("《中华人民共和国义务教育法》执法检查", "社会事业"),
    ("《中华人民共和国道路交通安全法》执法检查", "法制建设"),
    ("《中华人民共和国水污染防治法》执法检查", "生态环境"),
)
SURVEYS = (
    ("关于农村人居环境整治情况的调研", "生态环境"),
    ("关于产业扶贫项目带动情况的调研", "经济建设"),
    ("关于农村留守儿童关爱工作的调研", "社会事业"),
    ("关于巩固拓展脱贫攻坚成果的调研", "民生热点"),
    ("关于{village}村集体经济发展的调研", "经济建设"),
    ("关于集镇停车难问题的调研", "民生热点"),
    ("关于农村养老服务工作的调研", "社会事业"),
)
# Offices a presidium evaluates (评议对象), after the 镇/乡 prefix, with their theme.
EVALUATED_OFFICES = (
    ("财政所", "经济建设"), ("卫生院", "社会事业"), ("派出所", "法制建设"),
    ("农业服务中心", "经济建设"), ("自然资源所", "生态环境"), ("市场监管所", "民生热点"),
    ("中心学校", "社会事业"), ("民政办", "民生热点"), ("司法所", "法制建设"),
    ("水利站", "生态环境"), ("社会保障所", "民生热点"),
)
TRAININGS = (
    "代表履职能力专题培训", "《中华人民共和国代表法》专题学习",
    "《乡镇人民代表大会工作条例》学习", "新任代表履职培训", "代表议案建议撰写培训",
)
MEETINGS_WITH_VOTERS = (
    "代表座谈会：听取{town}人民政府工作情况通报", "企业代表座谈会",
    "代表联系选民座谈会", "{village}代表与选民座谈会",
)

SUMMARIES = {
    "交通出行": ("{village}通组公路路面破损严重，建议尽快维修",
             "建议在{village}小学门口路段增设减速带和警示标志",
             "{village}至集镇道路无路灯，夜间出行不便",
             "建议增开集镇至{village}的公交班次", "{village}危桥亟需加固改造"),
    "环境卫生": ("{village}垃圾清运不及时，堆放点异味大", "集镇农贸市场周边环境脏乱，建议加强管理",
             "{village}河塘水质变差，建议清淤整治", "建议在{village}增设垃圾分类投放点"),
    "农业农村": ("{village}灌溉渠淤塞，影响农田灌溉", "建议为{village}种植户提供技术培训",
             "{village}机耕路损坏，农机下田困难", "建议加快{village}高标准农田建设"),
    "社会保障": ("部分脱贫户医保报销流程繁琐，建议简化", "建议将{village}困难老人纳入低保",
             "{village}独居老人缺少照料，建议建立关爱机制",
             "建议增加公益性岗位安置脱贫劳动力"),
    "教育医疗": ("{village}卫生室缺少常用药品", "建议{town}卫生院增加周末门诊",
             "{town}中心学校放学时段门口交通拥堵", "建议改善{village}幼儿园办学条件"),
    "城乡建设": ("{village}危房改造进度慢", "{village}自来水水压不足",
             "{village}电网线路老化，用电高峰常停电", "建议加快集镇污水管网建设"),
    "经济发展": ("建议扶持{village}特色种植产业发展", "建议为返乡创业人员提供贴息贷款",
             "{village}农产品销路不畅，建议搭建销售平台",
             "建议引进劳动密集型企业吸纳本地就业"),
    "其他": ("便民服务中心窗口办事效率有待提高", "建议公开{village}集体经济收支情况",
           "{village}邻里土地纠纷调解不及时"),
}
MOTIONS = (
    ("关于加快{town}集镇污水管网建设的议案", "城乡建设"),
    ("关于实施{village}至集镇公路拓宽工程的议案", "交通出行"),
    ("关于建设{town}农产品冷链物流中心的议案", "经济发展"),
    ("关于改善{town}中心学校办学条件的议案", "教育医疗"),
)
CRITICISMS = (
    ("便民服务中心个别窗口工作人员服务态度差", "其他"),
    ("{village}低保评定过程不公开不透明", "社会保障"),
    ("部分站所办事推诿扯皮，群众反映强烈", "其他"),
)
CATEGORY_WEIGHTS = Weights.of(
    SUGGESTION_CATEGORIES, (0.18, 0.15, 0.2, 0.14, 0.1, 0.12, 0.06, 0.05))
CAMPAIGN_CATEGORIES = ("农业农村", "社会保障", "城乡建设", "经济发展")
# 承办单位 per category, after the 镇/乡 prefix.
HANDLERS = {
    "交通出行": ("交通办", "交管站"), "环境卫生": ("环卫所", "城管中队"),
    "农业农村": ("农业服务中心", "水利站"), "社会保障": ("民政办", "社会保障所"),
    "教育医疗": ("卫生院", "中心学校"), "城乡建设": ("村建办", "规划建设所"),
    "经济发展": ("经发办", "招商办"), "其他": ("党政办", "便民服务中心", "司法所"),
}
SATISFACTION_BY_OUTCOME = {
    letter: Weights.of(SATISFACTION, weights)
    for letter, weights in (
        ("A", (0.75, 0.22, 0.03)), ("B", (0.45, 0.45, 0.1)),
        ("C", (0.2, 0.5, 0.3)), ("D", (0.25, 0.5, 0.25)),
    )
}
VOTER_OPINION, DEPUTY_SUGGESTION, MOTION, CRITICISM = SUGGESTION_SOURCES
COLLECTED, REFERRED, IN_PROGRESS, _ = SUGGESTION_STATUSES
YES, NO = YES_NO
POOR_HOUSEHOLD, MONITORED_HOUSEHOLD = HOUSEHOLD_TARGETS

# ---------------------------------------------------------------------------
# The world: townships, their rosters and how well each one works
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How diligent a township's presidium is; drives every log it keeps."""

    label: str
    reception_miss: float  # share of station-months without a reception day
    voters: tuple[int, int]  # voters received per reception day
    coverage: tuple[float, float]  # share of roster households visited per campaign
    revisit: float  # share of visited households visited a second time
    enterprise_visit: float  # chance an enterprise is visited in a campaign
    stuck: float  # share of suggestions that are never resolved
    refer_days: tuple[int, int]  # days from collecting to referring
    resolve_days: tuple[int, float]  # minimum days to resolve, and mean extra days
    solved_share: float  # share of problems found that get solved on the spot
    activity_scale: float  # more or fewer inspections, surveys, reports
    outcomes: tuple[float, float, float, float]  # weights of A/B/C/D
    due_soon: int  # open suggestions kept in the due-soon window at AS_OF
    inactive: float  # share of deputies who never go on a visit


STRONG = Profile("strong", 0.0, (8, 25), (1.0, 1.0), 0.3, 1.0, 0.0, (0, 2), (3, 9.0), 0.9,
                 1.4, (0.8, 0.13, 0.05, 0.02), 1, 0.01)
NORMAL = Profile("normal", 0.07, (3, 25), (0.86, 0.97), 0.15, 0.85, 0.03, (1, 6), (7, 25.0),
                 0.7, 1.0, (0.6, 0.2, 0.12, 0.08), 2, 0.05)
WEAK = Profile("weak", 0.38, (3, 12), (0.67, 0.73), 0.05, 0.5, 0.3, (3, 15), (20, 60.0), 0.45,
               0.5, (0.42, 0.26, 0.18, 0.14), 3, 0.12)
OUTCOME_WEIGHTS = {
    p.label: Weights.of(OUTCOMES, p.outcomes) for p in (STRONG, NORMAL, WEAK)
}


@dataclass(slots=True)
class Station:
    """A 代表活动站 / 联络站 / 代表之家, its reception day and the deputies based there."""

    station_id: str
    name: str
    host: str
    established: dt.date | None
    village: str | None
    reception_day: int
    deputy_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Deputy:
    """What the logs need of a deputy; the roster's personal details are drawn when written."""

    deputy_id: str
    name: str
    level: str
    station_id: str
    group: str = ""
    team: str = ""


@dataclass(slots=True)
class Household:
    """A roster household; monitored ones (监测户) are visited under that target kind."""

    household_id: str
    head: str
    village: str
    exit_year: int
    monitored: bool


@dataclass
class Township:
    """One township: its identity, its profile, and (once built) its rosters."""

    code: str
    name: str
    county: str
    profile: Profile
    sloppy: bool = False  # carries the BAD_ROWS
    may_use_name: bool = False  # its name is unique everywhere, so files may use it
    villages: list[str] = field(default_factory=list)
    enterprises: list[tuple[str, str]] = field(default_factory=list)  # (name, village)
    stations: list[Station] = field(default_factory=list)
    deputies: list[Deputy] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    presidium: list[str] = field(default_factory=list)
    village_teams: dict[str, list[list[str]]] = field(default_factory=dict)
    all_teams: list[list[str]] = field(default_factory=list)
    separator: str = "、"

    @property
    def unit(self) -> str:
        """镇 or 乡: the prefix of the township's own offices (镇财政所, 乡财政所)."""
        return self.name[-1]


def _weighted(rng: Random, weights: Weights):
    """One key of `weights`, drawn in proportion to its weight."""
    return weights.draw(rng)


def _person_name(rng: Random) -> str:
    """A fictional name: a surname and one or two given-name characters."""
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def _day_in(rng: Random, start: dt.date, end: dt.date, weekday: bool = True) -> dt.date:
    """A day in [start, end]; office work falls on weekdays, so weekends move back."""
    day = start + dt.timedelta(days=int(rng.random() * ((end - start).days + 1)))
    while weekday and day.weekday() >= 5 and day > start:
        day -= dt.timedelta(days=1)
    return day


def _quarters() -> list[tuple[int, int, dt.date, dt.date]]:
    """(year, quarter, first day, last day) of each quarter of the log period."""
    quarters = []
    year, quarter = LOG_START.year, (LOG_START.month - 1) // 3 + 1
    while True:
        first = dt.date(year, 3 * quarter - 2, 1)
        if first > LOG_END:
            return quarters
        nxt = dt.date(year + quarter // 4, 3 * (quarter % 4) + 1, 1)
        quarters.append((year, quarter, first, nxt - dt.timedelta(days=1)))
        year, quarter = year + quarter // 4, quarter % 4 + 1


def _months() -> list[tuple[int, int]]:
    """(year, month) of every month of the log period."""
    return [(y, m) for y, q, _, _ in _quarters() for m in range(3 * q - 2, 3 * q + 1)]


QUARTERS = _quarters()
MONTHS = _months()


def plan_townships(count: int, rng: Random) -> list[Township]:
    """Codes, names, counties and profiles; the first of each county is the strong one.

    Up to SINGLE_COUNTY_MAX townships make the one county 青禾县 (codes QH01..);
    more are split into counties of about COUNTY_SIZE (codes C001T01..) whose
    township names are unique within their county only, so files refer to them
    by code.
    """
    if count < 1:
        raise ValueError("townships must be at least 1")
    single = count <= SINGLE_COUNTY_MAX
    n_counties = 1 if single else math.ceil(count / COUNTY_SIZE)
    sizes = [count // n_counties + (c < count % n_counties) for c in range(n_counties)]
    counties = [DEMO_COUNTY, *_county_names(n_counties - 1, rng)]
    plan = []
    for c, (county, size) in enumerate(zip(counties, sizes, strict=True)):
        weak = (2 * size) // 3 if size >= 2 else None
        for i, name in enumerate(_township_names(size, rng, first_county=c == 0)):
            code = f"QH{i + 1:02d}" if single else f"C{c + 1:03d}T{i + 1:02d}"
            profile = STRONG if i == 0 and size >= 2 else WEAK if i == weak else NORMAL
            sloppy = c == 0 and i == (weak if weak is not None else 0)
            plan.append(Township(code, name, county, profile, sloppy, may_use_name=single))
    return plan


def _county_names(count: int, rng: Random) -> list[str]:
    """Distinct fictional county names, never 青禾县 again."""
    stems = [a + b for a in COUNTY_FIRST for b in COUNTY_SECOND if a + b != DEMO_COUNTY[:2]]
    if count > len(stems):
        stems += [f"{s}{n}" for n in range(2, count // len(stems) + 2) for s in list(stems)]
    return [s + "县" for s in rng.sample(stems, count)]


def _township_names(count: int, rng: Random, first_county: bool) -> list[str]:
    """Distinct township names for one county (the first county starts with the default ten)."""
    fixed = list(DEFAULT_TOWNSHIP_NAMES[:count]) if first_county else []
    taken = {n[:-1] for n in fixed}
    stems = [a + b for a in PLACE_FIRST for b in PLACE_SECOND if a + b not in taken and a != b]
    drawn = rng.sample(stems, count - len(fixed))
    return fixed + [s + ("乡" if rng.random() < 0.25 else "镇") for s in drawn]


def build_township(t: Township, rng: Random) -> None:
    """Villages, enterprises, stations, deputies (in groups and teams) and households."""
    villages = [a + b for a in VILLAGE_FIRST for b in VILLAGE_SECOND if a != b]
    t.villages = [v + "村" for v in rng.sample(villages, rng.randint(*VILLAGES_PER_TOWNSHIP))]
    stem = t.name[:-1]
    kinds = rng.sample(ENTERPRISE_KINDS, rng.randint(*ENTERPRISES_PER_TOWNSHIP))
    t.enterprises = [(stem + k, rng.choice(t.villages)) for k in kinds]
    t.stations = _stations(t, rng)
    t.deputies = _deputies(t, rng)
    t.households = _households(t, rng)
    ordinary = [d.deputy_id for d in t.deputies if d.level in ("县", "乡镇")]
    t.presidium = sorted(rng.sample(ordinary, rng.randint(7, 9)))
    teams: dict[str, list[str]] = {}
    for d in t.deputies:
        if rng.random() >= t.profile.inactive:  # some deputies never go on a visit
            teams.setdefault(d.team, []).append(d.deputy_id)
    t.all_teams = list(teams.values())
    t.village_teams = {v: [] for v in t.villages}
    for i, members in enumerate(t.all_teams):
        t.village_teams[t.villages[i % len(t.villages)]].append(members)


def _stations(t: Township, rng: Random) -> list[Station]:
    """A 代表之家 at the township seat, then liaison stations in villages, a service
    centre, an enterprise or a residents' community."""
    count = rng.randint(*STATIONS_PER_TOWNSHIP)
    specs = [(f"{t.name}人大代表之家", f"{t.name}人民政府", None)]
    if rng.random() < 0.6:
        specs.append((f"{t.name}便民服务中心代表联络站", f"{t.name}便民服务中心", None))
    if rng.random() < 0.5:
        enterprise, village = rng.choice(t.enterprises)
        specs.append((f"{enterprise}代表活动站", enterprise, village))
    left = count - len(specs)
    for village in rng.sample(t.villages, min(left, len(t.villages))):
        specs.append((f"{village}代表联络站", f"{village}村民委员会", village))
    for community in COMMUNITIES[: count - len(specs)]:
        name = t.name[:-1] + community
        specs.append((f"{name}代表联络站", f"{name}居民委员会", None))
    stations = []
    for i, (name, host, village) in enumerate(specs, start=1):
        established = None
        if rng.random() < 0.9:
            established = _day_in(rng, dt.date(2016, 3, 1), dt.date(2021, 9, 30))
        stations.append(Station(f"{t.code}-S{i:02d}", name, host, established, village,
                                rng.choice(RECEPTION_DAYS)))
    return stations


def _deputies(t: Township, rng: Random) -> list[Deputy]:
    """120-180 deputies of the five levels, each in a station, a 代表组 and a 行动分队.

    Every station gets at least four deputies so each reception day has someone
    to staff it; ids follow the roster's order (by station, as offices list them).
    """
    count = rng.randint(*DEPUTIES_PER_TOWNSHIP)
    station_ids = [s.station_id for s in t.stations]
    assigned = station_ids * 4
    assigned += [rng.choice(station_ids) for _ in range(count - len(assigned))]
    assigned.sort()
    deputies = []
    group_size = rng.randint(10, 13)
    team_no, team_left = 0, 0
    for i, station_id in enumerate(assigned):
        if i % group_size == 0 or team_left == 0:
            team_no, team_left = team_no + 1, rng.randint(4, 6)
        team_left -= 1
        deputy = Deputy(f"{t.code}-D{i + 1:03d}", _person_name(rng),
                        _weighted(rng, LEVEL_WEIGHTS), station_id,
                        f"第{i // group_size + 1}代表组", f"第{team_no}分队")
        deputies.append(deputy)
    by_station = {s.station_id: s for s in t.stations}
    for d in deputies:
        by_station[d.station_id].deputy_ids.append(d.deputy_id)
    return deputies


def _households(t: Township, rng: Random) -> list[Household]:
    """300-700 households that left poverty in 2016-2020, listed village by village."""
    count = rng.randint(*HOUSEHOLDS_PER_TOWNSHIP)
    weights = [rng.uniform(0.5, 1.5) for _ in t.villages]
    villages = sorted(rng.choices(range(len(t.villages)), weights=weights, k=count))
    return [
        Household(f"{t.code}-H{i + 1:04d}", _person_name(rng), t.villages[v],
                  _weighted(rng, EXIT_YEAR_WEIGHTS), rng.random() < 0.06)
        for i, v in enumerate(villages)
    ]


# ---------------------------------------------------------------------------
# Untidiness: how hand-kept registers really look
# ---------------------------------------------------------------------------

FULL_WIDTH = str.maketrans({
    c: chr(ord(c) + 0xFEE0)
    for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
})
SEPARATORS = Weights({"、": 0.7, "，": 0.1, ",": 0.1, " ": 0.1})


class Mess:
    """The small untidiness of registers typed by hand, all of which must still load.

    It draws from its own generator, so the world (who visited whom) does not
    depend on which files are CSV and which are XLSX.
    """

    def __init__(self, seed: int) -> None:
        self.rng = Random(f"{seed}:mess")

    def date_text(self, day: dt.date) -> str:
        """A CSV date as people type it: mostly ISO, sometimes 2024/6/4, 2024年6月4日, 20240604."""
        r = self.rng.random()
        if r < 0.93:
            return day.isoformat()
        if r < 0.96:
            return f"{day.year}/{day.month}/{day.day}"
        if r < 0.98:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.year}{day.month:02d}{day.day:02d}"

    def ident(self, text: str) -> str:
        """An id, now and then typed with a Chinese input method (full-width) or a stray space."""
        r = self.rng.random()
        if r < 0.0005:
            return text.translate(FULL_WIDTH)
        if r < 0.0015:
            return text + " "
        return text

    def ids(self, ids: Sequence[str], separator: str) -> str:
        """A 参加代表 cell: ids joined the way this township's clerk joins them, now and
        then one of them untidy (one draw per cell: a province has millions of them)."""
        if self.rng.random() >= 0.002 or not ids:
            return separator.join(ids)
        untidy = list(ids)
        untidy[-1] = untidy[-1].translate(FULL_WIDTH) if self.rng.random() < 0.4 else (
            untidy[-1] + " ")
        return separator.join(untidy)

    def text(self, text: str) -> str:
        """A name or title, now and then with a leading or trailing space."""
        r = self.rng.random()
        if r < 0.004:
            return " " + text
        if r < 0.008:
            return text + " "
        return text

    def township(self, t: Township) -> str:
        """The township column: usually the code, sometimes the name (when it is unique)."""
        if t.may_use_name and self.rng.random() < 0.06:
            return t.name
        return t.code

    def level(self, level: str) -> str:
        """代表层级, sometimes written 县级 / 乡镇级 (the loader accepts both)."""
        return level + "级" if self.rng.random() < 0.08 else level

    def outcome(self, letter: str) -> str:
        """办理结果: the letter, or sometimes the words it stands for."""
        return OUTCOME_WORDS[letter] if self.rng.random() < 0.1 else letter

    def separator(self) -> str:
        """The separator one township's clerk uses between deputy ids."""
        return _weighted(self.rng, SEPARATORS)


def _row_maker(register: Register) -> Callable[..., list]:
    """Build a row in the register's column order from keyword values (missing: empty)."""
    keys = [c.key for c in register.columns]

    def make(**values) -> list:
        return list(map(values.get, keys))

    return make


ROW = {r.kind: _row_maker(r) for r in REGISTERS}

# ---------------------------------------------------------------------------
# Roster rows
# ---------------------------------------------------------------------------


def township_rows(t: Township, mess: Mess) -> list[list]:
    """The township's line in the county's 乡镇名册; every township's term began together."""
    return [ROW[TOWNSHIPS.kind](township_code=t.code, township_name=mess.text(t.name),
                                county=t.county, term_start=TERM_START)]


def station_rows(t: Township, mess: Mess) -> list[list]:
    """The station roster names its township by name where that is unambiguous."""
    township = t.name if t.may_use_name else t.code
    return [
        ROW[STATIONS.kind](station_id=mess.ident(s.station_id), station_name=mess.text(s.name),
                           township=township, established_on=s.established, host_unit=s.host)
        for s in t.stations
    ]


def deputy_rows(t: Township, rng: Random, mess: Mess) -> list[list]:
    """The deputy roster, with personal details drawn per deputy."""
    rows = []
    for d in t.deputies:
        rows.append(ROW[DEPUTIES.kind](
            deputy_id=mess.ident(d.deputy_id), name=mess.text(d.name),
            level=mess.level(d.level), township=t.code, station_id=d.station_id,
            group_name=d.group, team_name=d.team,
            gender=GENDERS[0] if rng.random() < 0.72 else GENDERS[1],
            birth_year=rng.randint(1958, 1996), education=_weighted(rng, EDUCATION_WEIGHTS),
            occupation=_weighted(rng, OCCUPATION_WEIGHTS),
            phone=f"1{rng.choice('35')}{rng.randrange(10):d}{rng.randrange(10**8):08d}",
            term=TERM,
        ))
    if t.sloppy:  # BAD_ROWS[0]: a deputy entered twice
        rows.append(list(rows[len(rows) // 2]))
    return rows


def household_rows(t: Township, mess: Mess) -> list[list]:
    """The 脱贫户 roster: the denominator of visit coverage, so every household is on it."""
    township = t.name if t.may_use_name else t.code
    return [
        ROW[HOUSEHOLDS.kind](household_id=mess.ident(h.household_id), head_name=h.head,
                             township=township, village=h.village, exit_year=h.exit_year)
        for h in t.households
    ]


# ---------------------------------------------------------------------------
# The activity log
# ---------------------------------------------------------------------------


@dataclass
class Reception:
    """A reception day, where voters' opinions (选民意见) are collected."""

    day: dt.date
    station: Station
    deputy_ids: list[str]
    voters: int


class ActivityLog:
    """One township's activities, kept free of the duplicates the loader would reject."""

    def __init__(self, t: Township, rng: Random, mess: Mess) -> None:
        self.t, self.rng, self.mess = t, rng, mess
        self.entries: list[tuple[dt.date, list]] = []
        self.seen: set[tuple] = set()
        self.receptions: list[Reception] = []
        self.sessions: list[dt.date] = []

    def add(self, day: dt.date, kind: str, title: str, station: Station | None = None,
            deputy_ids: Sequence[str] = (), **values) -> bool:
        """Add one activity unless the same one (date, station, kind, title) is there."""
        station_id = station.station_id if station else None
        key = (day, station_id, kind, title)
        if key in self.seen:
            return False
        self.seen.add(key)
        place = values.pop("place", None) or (station.name if station else None)
        row = ROW[ACTIVITIES.kind](
            date=day, township=self.mess.township(self.t),
            station_id=self.mess.ident(station_id) if station_id else None, kind=kind,
            title=self.mess.text(title),
            deputy_ids=self.mess.ids(deputy_ids, self.t.separator) or None,
            place=place, **values,
        )
        self.entries.append((day, row))
        return True

    def some_deputies(self, low: int, high: int) -> list[str]:
        """Participants of a township-wide activity: presidium members and others."""
        chosen = set(self.rng.sample(self.t.presidium, 2))
        others = [d.deputy_id for d in self.t.deputies]
        chosen.update(self.rng.sample(others, self.rng.randint(low, high)))
        return sorted(chosen)


def activity_entries(t: Township, rng: Random, mess: Mess) -> ActivityLog:
    """Every activity of the three years, in the rhythm a presidium keeps."""
    log = ActivityLog(t, rng, mess)
    _reception_days(log)
    _presidium_meetings(log)
    _sessions(log)
    _campaign_meetings(log)
    for year, quarter, first, last in QUARTERS:
        _supervision(log, year, quarter, first, last)
    _reports_to_voters(log)
    log.entries.sort(key=lambda e: e[0])
    if t.sloppy:
        _bad_activities(log)
    return log


def _reception_days(log: ActivityLog) -> None:
    """Each station receives voters on its own day (10th or 20th) of every month,
    unless the station missed that month."""
    t, rng, profile = log.t, log.rng, log.t.profile
    for station in t.stations:
        for year, month in MONTHS:
            if rng.random() < profile.reception_miss:
                continue
            day = dt.date(year, month, station.reception_day)
            staff = rng.sample(station.deputy_ids, rng.randint(1, min(3, len(station.deputy_ids))))
            voters = rng.randint(*profile.voters)
            theme = THEMES[1] if rng.random() < 0.3 else None
            log.add(day, "接待选民", f"{year}年{month}月选民接待日", station, sorted(staff),
                    voters_received=voters, theme=theme)
            log.receptions.append(Reception(day, station, sorted(staff), voters))


def _presidium_meetings(log: ActivityLog) -> None:
    """The presidium meets once a quarter, early in the quarter."""
    t, rng = log.t, log.rng
    for year, quarter, first, _ in QUARTERS:
        day = _day_in(rng, first + dt.timedelta(days=4), first + dt.timedelta(days=24))
        log.add(day, "会议", f"{year}年第{QUARTER_NUMERALS[quarter - 1]}季度主席团会议",
                deputy_ids=t.presidium, place=f"{t.name}人民政府会议室")


def _sessions(log: ActivityLog) -> None:
    """The township congress meets each January or February; deputies' suggestions
    and motions are handed in there."""
    t, rng = log.t, log.rng
    eligible = sum(d.level in ("县", "乡镇") for d in t.deputies)
    for year, number in SESSION_NUMBERS.items():
        day = _day_in(rng, dt.date(year, 1, 8), dt.date(year, 2, 10))
        log.add(day, "会议", f"{t.name}{TERM}人民代表大会第{number}次会议",
                attendees=eligible - rng.randint(0, 8), place=f"{t.name}人民政府大礼堂")
        log.sessions.append(day)


def _campaign_meetings(log: ActivityLog) -> None:
    """Each 代表行动 opens with a mobilisation meeting and training and closes with a review."""
    t, rng = log.t, log.rng
    for year in CAMPAIGN_YEARS:
        campaign = f"{year}代表行动"
        total = len(t.deputies)
        opening = _day_in(rng, dt.date(year, 5, 4), dt.date(year, 5, 8))
        log.add(opening, "会议", f"{year}年“代表行动”动员会", campaign=campaign,
                attendees=round(total * rng.uniform(0.8, 0.95)), place=f"{t.name}人民政府大礼堂")
        log.add(opening, "学习培训", f"{year}年“代表行动”业务培训", campaign=campaign,
                attendees=round(total * rng.uniform(0.8, 0.95)), place=f"{t.name}人民政府大礼堂")
        closing = _day_in(rng, dt.date(year, 7, 1), dt.date(year, 7, 10))
        log.add(closing, "会议", f"{year}年“代表行动”总结会", campaign=campaign,
                deputy_ids=t.presidium, place=f"{t.name}人民政府会议室")


def _count(rng: Random, mean: float) -> int:
    """A small count with the given mean (the whole part, plus one by chance)."""
    return int(mean) + (rng.random() < mean - int(mean))


def _fill(template: str, t: Township, rng: Random) -> tuple[str, str | None]:
    """A title with its place filled in, and that place (for the 地点 column)."""
    place = None
    values = {"town": t.name}
    if "{village}" in template:
        place = values["village"] = rng.choice(t.villages)
    if "{enterprise}" in template:
        place = values["enterprise"] = rng.choice(t.enterprises)[0]
    return template.format(**values), place


def _maybe_station(log: ActivityLog) -> Station | None:
    """About a third of inspections and surveys start from a station."""
    return log.rng.choice(log.t.stations) if log.rng.random() < 0.3 else None


def _supervision(log: ActivityLog, year: int, quarter: int, first: dt.date,
                 last: dt.date) -> None:
    """A quarter's inspections, law checks, surveys, evaluations, trainings and forums."""
    t, rng, scale = log.t, log.rng, log.t.profile.activity_scale
    for _ in range(_count(rng, 1.5 * scale)):
        theme = _weighted(rng, INSPECTION_THEME_WEIGHTS)
        title, place = _fill(rng.choice(INSPECTIONS[theme]), t, rng)
        log.add(_day_in(rng, first, last), "视察", title, _maybe_station(log),
                log.some_deputies(3, 10), theme=theme, place=place)
    for _ in range(_count(rng, 0.5 * scale)):
        title, theme = rng.choice(LAW_CHECKS)
        log.add(_day_in(rng, first, last), "执法检查", title, None, log.some_deputies(3, 8),
                theme=theme)
    for _ in range(_count(rng, 0.7 * scale)):
        template, theme = rng.choice(SURVEYS)
        title, place = _fill(template, t, rng)
        log.add(_day_in(rng, first, last), "调研", title, _maybe_station(log),
                log.some_deputies(2, 6), theme=theme, place=place)
    if quarter in (2, 3):
        for _ in range(_count(rng, 1.0 * scale)):
            office, theme = rng.choice(EVALUATED_OFFICES)
            unit = t.unit + office
            log.add(_day_in(rng, first, last), "评议", f"评议{unit}工作", None,
                    log.some_deputies(5, 12), theme=theme, evaluated_unit=unit)
    if quarter in (1, 3):
        log.add(_day_in(rng, first, last), "学习培训", rng.choice(TRAININGS), None,
                attendees=round(len(t.deputies) * rng.uniform(0.6, 0.9)),
                place=f"{t.name}人民政府大礼堂")
    for _ in range(_count(rng, 0.5 * scale)):
        title, place = _fill(rng.choice(MEETINGS_WITH_VOTERS), t, rng)
        log.add(_day_in(rng, first, last), "座谈", title, _maybe_station(log),
                log.some_deputies(3, 8), place=place)


def _reports_to_voters(log: ActivityLog) -> None:
    """Each autumn deputies report to their voters (述职) at their stations."""
    t, rng = log.t, log.rng
    share = min(1.0, 0.5 * t.profile.activity_scale)
    for year in (2023, 2024, 2025):
        for station in t.stations:
            if rng.random() >= share:
                continue
            day = _day_in(rng, dt.date(year, 11, 10), dt.date(year, 12, 20))
            k = rng.randint(2, min(4, len(station.deputy_ids)))
            log.add(day, "述职", f"{year}年度代表向选民述职", station,
                    sorted(rng.sample(station.deputy_ids, k)))


def _bad_activities(log: ActivityLog) -> None:
    """BAD_ROWS[1] and [2]: a nonexistent date and a deputy not on the roster."""
    t, rng, mess = log.t, log.rng, log.mess
    village = rng.choice(t.villages)
    bad_date = ROW[ACTIVITIES.kind](
        date="2026-6-31", township=t.code, kind="座谈", title=f"{village}代表与选民座谈会",
        deputy_ids=t.separator.join(t.presidium[:2]), place=village)
    _insert_by_date(log.entries, dt.date(2026, 7, 1), bad_date)
    deputies = [*t.presidium[:3], f"{t.code}-D999"]
    unknown = ROW[ACTIVITIES.kind](
        date=dt.date(2025, 9, 16), township=t.code, kind="视察", theme="民生热点",
        title="视察农村公路养护情况", deputy_ids=mess.ids(deputies, t.separator))
    _insert_by_date(log.entries, dt.date(2025, 9, 16), unknown)


def _insert_by_date(entries: list[tuple[dt.date, list]], day: dt.date, row: list) -> None:
    """Insert a row where its date falls among date-sorted entries (it keeps `day` for
    routing to its year's file, even when its own date cell is unreadable)."""
    index = next((i for i, (d, _) in enumerate(entries) if d >= day), len(entries))
    entries.insert(index, (day, row))


def number_activities(t: Township, entries: list[tuple[dt.date, list]]) -> None:
    """活动编号 in the years whose log kept them (QH01-2024-A001), in date order."""
    id_col = [c.key for c in ACTIVITIES.columns].index("activity_id")
    seq: dict[int, int] = {}
    for day, row in entries:
        if day.year in ACTIVITY_ID_YEARS:
            seq[day.year] = seq.get(day.year, 0) + 1
            row[id_col] = f"{t.code}-{day.year}-A{seq[day.year]:03d}"


# ---------------------------------------------------------------------------
# Visits (代表行动) and the problems they turn up
# ---------------------------------------------------------------------------


class VisitLog:
    """One township's visits, without the duplicates the loader would reject."""

    def __init__(self, t: Township, rng: Random, mess: Mess) -> None:
        self.t, self.rng, self.mess = t, rng, mess
        self.entries: list[tuple[dt.date, list]] = []
        self.seen: set[tuple] = set()
        self.leads: list[tuple[dt.date, str, list[str], str]] = []  # for suggestions

    def add(self, day: dt.date, village: str, target: str, deputy_ids: list[str],
            household: str | None = None, enterprise: str | None = None,
            campaign: str | None = None, consoled: bool | None = None,
            found: int = 0) -> bool:
        key = (day, village, target, household, enterprise, tuple(sorted(deputy_ids)))
        if key in self.seen:
            return False
        self.seen.add(key)
        share = self.t.profile.solved_share
        solved = sum(self.rng.random() < share for _ in range(found))
        row = ROW[VISITS.kind](
            date=day, township=self.mess.township(self.t), village=village, target_kind=target,
            household_id=self.mess.ident(household) if household else None,
            enterprise=enterprise, deputy_ids=self.mess.ids(deputy_ids, self.t.separator),
            problems_found=found, problems_solved=solved,
            consoled=None if consoled is None else YES if consoled else NO, campaign=campaign,
        )
        self.entries.append((day, row))
        if campaign and found >= 2 and self.rng.random() < 0.25:
            self.leads.append((day, village, deputy_ids, campaign))
        return True

    def team_deputies(self, village: str) -> list[str]:
        """One to three deputies of a team that covers the village, who go together."""
        rng = self.rng
        teams = self.t.village_teams[village] or self.t.all_teams
        team = teams[int(rng.random() * len(teams))]
        size = min(1 + int(rng.random() * 3), len(team))
        start = int(rng.random() * (len(team) - size + 1))
        return team[start:start + size]


def visit_entries(t: Township, rng: Random, mess: Mess) -> VisitLog:
    """Campaign visits to households and enterprises, plus a trickle all year round."""
    log = VisitLog(t, rng, mess)
    for year in CAMPAIGN_YEARS:
        _campaign_visits(log, year)
    _trickle_visits(log)
    log.entries.sort(key=lambda e: e[0])
    if t.sloppy:
        _bad_visit(log)
    return log


def _campaign_visits(log: VisitLog, year: int) -> None:
    """One campaign: a share of the roster visited (all of it in a strong township),
    a third of visits on the county's concentrated visiting day, some visited twice."""
    t, rng, profile = log.t, log.rng, log.t.profile
    campaign = f"{year}代表行动"
    first, last = dt.date(year, 5, 6), dt.date(year, 6, 30)
    focus = _day_in(rng, dt.date(year, 6, 1), dt.date(year, 6, 10))
    coverage = rng.uniform(*profile.coverage)
    visited = rng.sample(t.households, round(coverage * len(t.households)))
    for h in visited:
        target = MONITORED_HOUSEHOLD if h.monitored else POOR_HOUSEHOLD
        times = 2 if rng.random() < profile.revisit else 1
        for _ in range(times):
            day = focus if rng.random() < 0.3 else _day_in(rng, first, last, weekday=False)
            log.add(day, h.village, target, log.team_deputies(h.village), h.household_id,
                    campaign=campaign, consoled=rng.random() < 0.6,
                    found=_weighted(rng, PROBLEM_WEIGHTS))
    for enterprise, village in t.enterprises:
        if rng.random() >= profile.enterprise_visit:
            continue
        for _ in range(rng.randint(1, 2)):
            log.add(_day_in(rng, first, last), village, ENTERPRISE_TARGET,
                    log.team_deputies(village), enterprise=enterprise, campaign=campaign,
                    consoled=False if rng.random() < 0.5 else None,
                    found=_weighted(rng, PROBLEM_WEIGHTS))


def _trickle_visits(log: VisitLog) -> None:
    """Outside the campaign: visits with gifts before the Spring Festival, and a few
    visits in every other month."""
    t, rng = log.t, log.rng
    festival_share = {"strong": 0.08, "normal": 0.04, "weak": 0.02}[t.profile.label]
    for year in CAMPAIGN_YEARS:
        for h in rng.sample(t.households, round(festival_share * len(t.households))):
            day = _day_in(rng, dt.date(year, 1, 10), dt.date(year, 2, 5), weekday=False)
            log.add(day, h.village, POOR_HOUSEHOLD if not h.monitored else MONITORED_HOUSEHOLD,
                    log.team_deputies(h.village), h.household_id, consoled=True,
                    found=_weighted(rng, FESTIVAL_PROBLEM_WEIGHTS))
    for year, month in MONTHS:
        if month in (5, 6):
            continue
        first = dt.date(year, month, 1)
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        for h in rng.sample(t.households, rng.randint(0, 3)):
            log.add(_day_in(rng, first, last), h.village,
                    MONITORED_HOUSEHOLD if h.monitored else POOR_HOUSEHOLD,
                    log.team_deputies(h.village), h.household_id,
                    consoled=rng.random() < 0.3, found=_weighted(rng, PROBLEM_WEIGHTS))


def _bad_visit(log: VisitLog) -> None:
    """BAD_ROWS[4]: a household id that is not on the roster."""
    t = log.t
    village = t.villages[0]
    row = ROW[VISITS.kind](
        date=dt.date(2025, 5, 20), township=t.code, village=village, target_kind=POOR_HOUSEHOLD,
        household_id=f"{t.code}-H9999", deputy_ids=t.separator.join(t.presidium[:1]),
        problems_found=1, problems_solved=0, consoled=YES, campaign="2025代表行动")
    _insert_by_date(log.entries, dt.date(2025, 5, 20), row)


# ---------------------------------------------------------------------------
# Suggestions (建议意见登记)
# ---------------------------------------------------------------------------


@dataclass
class Lead:
    """A suggestion as collected, before its handling is decided."""

    received: dt.date
    source: str
    category: str
    summary: str
    station: Station | None = None
    deputy_ids: list[str] = field(default_factory=list)
    campaign: str | None = None


def suggestion_rows(t: Township, activities: ActivityLog, visits: VisitLog, rng: Random,
                    mess: Mess) -> list[list]:
    """Every suggestion of the three years, numbered per year, handled by its age."""
    leads = _leads(t, activities, visits, rng)
    leads.sort(key=lambda lead: lead.received)
    handled = [_handle(t, lead, rng) for lead in leads]
    _keep_some_due_soon(t, leads, handled, rng)
    rows, seq = [], {}
    for lead, outcome in zip(leads, handled, strict=True):
        year = lead.received.year
        seq[year] = seq.get(year, 0) + 1
        status, handler, referred, resolved, letter, satisfaction = outcome
        station_id = lead.station.station_id if lead.station else None
        rows.append(ROW[SUGGESTIONS.kind](
            suggestion_id=mess.ident(f"{t.code}-{year}-{seq[year]:04d}"),
            received_on=lead.received, township=mess.township(t), station_id=station_id,
            source=lead.source, deputy_ids=mess.ids(lead.deputy_ids, t.separator) or None,
            category=lead.category, summary=mess.text(lead.summary), handler=handler,
            referred_on=referred, resolved_on=resolved, status=status,
            outcome=mess.outcome(letter) if letter else None, satisfaction=satisfaction,
            campaign=lead.campaign,
        ))
    if t.sloppy:  # BAD_ROWS[3]: 已办结 without 办结日期
        seq[2025] = seq.get(2025, 0) + 1
        station, received = t.stations[0], dt.date(2025, 6, 20)
        bad = ROW[SUGGESTIONS.kind](
            suggestion_id=f"{t.code}-2025-{seq[2025]:04d}", received_on=received,
            township=t.code, station_id=station.station_id, source=VOTER_OPINION,
            category="交通出行", summary=f"{t.villages[0]}通组公路路面破损严重，建议尽快维修",
            handler=t.unit + "交通办", referred_on=dt.date(2025, 6, 23), status=RESOLVED,
            outcome="A", satisfaction=SATISFACTION[0])
        index = next((i for i, lead in enumerate(leads) if lead.received >= received), len(rows))
        rows.insert(index, bad)
    return rows


def _summary(templates: Sequence[str], t: Township, rng: Random,
             village: str | None = None) -> str:
    """A summary in a voter's words, about the station's own village when there is one."""
    return rng.choice(templates).format(town=t.name, village=village or rng.choice(t.villages))


def _leads(t: Township, activities: ActivityLog, visits: VisitLog, rng: Random) -> list[Lead]:
    """Voters' opinions from reception days and campaign visits, deputies' suggestions
    and motions at the congress, and the odd criticism."""
    leads = []
    for r in activities.receptions:
        for _ in range(_weighted(rng, OPINIONS_PER_RECEPTION)):
            category = _weighted(rng, CATEGORY_WEIGHTS)
            summary = _summary(SUMMARIES[category], t, rng, r.station.village)
            leads.append(Lead(r.day, VOTER_OPINION, category, summary, r.station,
                              [rng.choice(r.deputy_ids)]))
    for day, village, deputy_ids, campaign in visits.leads:
        category = rng.choice(CAMPAIGN_CATEGORIES)
        leads.append(Lead(day, VOTER_OPINION, category,
                          _summary(SUMMARIES[category], t, rng, village),
                          deputy_ids=deputy_ids[:1], campaign=campaign))
    everyone = [d.deputy_id for d in t.deputies]
    per_session = {"strong": (8, 14), "normal": (5, 12), "weak": (2, 6)}[t.profile.label]
    for day in activities.sessions:
        for _ in range(rng.randint(*per_session)):
            category = _weighted(rng, CATEGORY_WEIGHTS)
            leads.append(Lead(day, DEPUTY_SUGGESTION, category,
                              _summary(SUMMARIES[category], t, rng),
                              deputy_ids=sorted(rng.sample(everyone, rng.randint(1, 3)))))
        if rng.random() < 0.5:
            template, category = rng.choice(MOTIONS)
            leads.append(Lead(day, MOTION, category, _summary((template,), t, rng),
                              deputy_ids=sorted(rng.sample(everyone, rng.randint(5, 8)))))
    low, high = DUE_SOON_WINDOW  # suggestions handed in between sessions, lately too
    for _ in range(t.profile.due_soon):
        day = _day_in(rng, AS_OF - dt.timedelta(days=high), AS_OF - dt.timedelta(days=low))
        category = _weighted(rng, CATEGORY_WEIGHTS)
        leads.append(Lead(day, DEPUTY_SUGGESTION, category, _summary(SUMMARIES[category], t, rng),
                          deputy_ids=[rng.choice(everyone)]))
    for year in LOG_YEARS:
        for _ in range(rng.randint(0, 2)):
            day = _day_in(rng, max(LOG_START, dt.date(year, 1, 1)),
                          min(LOG_END, dt.date(year, 12, 31)))
            template, category = rng.choice(CRITICISMS)
            leads.append(Lead(day, CRITICISM, category, _summary((template,), t, rng)))
    return leads


Handling = tuple[str, str | None, dt.date | None, dt.date | None, str | None, str | None]


def _handle(t: Township, lead: Lead, rng: Random) -> Handling:
    """(status, handler, referred_on, resolved_on, outcome, satisfaction) as of AS_OF.

    A suggestion is referred a few days after it is collected and resolved some
    weeks later, sooner in a strong township; some are never resolved (those
    become overdue). Whatever would be resolved after AS_OF is still open, in the
    status its age gives it.
    """
    profile = t.profile
    age = (AS_OF - lead.received).days
    refer = rng.randint(*profile.refer_days)
    days = profile.resolve_days[0] + int(rng.expovariate(1 / profile.resolve_days[1]))
    if lead.source == MOTION:
        days += rng.randint(30, 90)
    days = max(days, refer)
    stuck = rng.random() < profile.stuck
    handler = t.unit + rng.choice(HANDLERS[lead.category])
    referred = lead.received + dt.timedelta(days=refer)
    if not stuck and days <= age:
        letter = _weighted(rng, OUTCOME_WEIGHTS[profile.label])
        satisfaction = None
        if rng.random() < 0.95:
            satisfaction = _weighted(rng, SATISFACTION_BY_OUTCOME[letter])
        referred_cell = referred if rng.random() < 0.85 else None
        return (RESOLVED, handler, referred_cell, lead.received + dt.timedelta(days=days),
                letter, satisfaction)
    if age < refer or (stuck and lead.source == CRITICISM):
        return COLLECTED, None, None, None, None, None
    status = REFERRED if age < refer + 14 else IN_PROGRESS
    return status, handler, referred, None, None, None


def _keep_some_due_soon(t: Township, leads: list[Lead], handled: list[Handling],
                        rng: Random) -> None:
    """Keep a few suggestions aged 75-90 days open at AS_OF, so 临期 has something to chase."""
    low, high = DUE_SOON_WINDOW
    window = [i for i, lead in enumerate(leads) if low <= (AS_OF - lead.received).days <= high]
    still_open = [i for i in window if handled[i][0] != RESOLVED]
    resolved = [i for i in window if handled[i][0] == RESOLVED]
    wanted = max(0, t.profile.due_soon - len(still_open))
    for i in rng.sample(resolved, min(wanted, len(resolved))):
        _, handler, referred, _, _, _ = handled[i]
        referred = referred or leads[i].received + dt.timedelta(days=2)
        handled[i] = (IN_PROGRESS, handler, referred, None, None, None)


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


class CsvFile:
    """A register as Excel on a Chinese Windows saves CSV: GB18030, CRLF line ends."""

    def __init__(self, path: Path, register: Register, mess: Mess) -> None:
        self.path, self.mess = path, mess
        self.handle = open(path, "w", encoding="gb18030", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.handle)
        self.writer.writerow([c.header for c in register.columns])
        self.date_columns = [i for i, c in enumerate(register.columns) if c.type == DATE]

    def write(self, rows: list[list]) -> None:
        date_text = self.mess.date_text
        for row in rows:
            for i in self.date_columns:
                value = row[i]
                if isinstance(value, dt.date):
                    row[i] = date_text(value)
        self.writer.writerows(rows)

    def close(self) -> None:
        self.handle.close()


class XlsxFile:
    """A register as an office keeps it in Excel: a merged title row, a blank row,
    the header on row 3, real date cells and numbers as numbers."""

    HEADER_ROW = 2

    def __init__(self, path: Path, register: Register, title: str) -> None:
        self.path = path
        self.workbook = xlsxwriter.Workbook(str(path), XLSX_TEXT_ONLY)
        # A fixed creation time keeps the file byte-identical from run to run.
        self.workbook.set_properties({
            "title": title, "author": "人大主席团办公室", "created": dt.datetime(2026, 9, 30, 9),
        })
        self.sheet = self.workbook.add_worksheet(register.title)
        self.date_format = self.workbook.add_format({"num_format": XLSX_DATE_FORMAT})
        title_format = self.workbook.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        header_format = self.workbook.add_format(
            {"bold": True, "border": 1, "align": "center", "bg_color": "#DDEBF7"})
        columns = register.columns
        self.sheet.merge_range(0, 0, 0, len(columns) - 1, title, title_format)
        self.sheet.set_row(0, 28)
        for i, column in enumerate(columns):
            self.sheet.write_string(self.HEADER_ROW, i, column.header, header_format)
            wide = column.key in ("title", "summary", "station_name", "host_unit", "enterprise")
            self.sheet.set_column(i, i, 30 if wide else 12)
        self.sheet.freeze_panes(self.HEADER_ROW + 1, 0)
        self.numbers = {i for i, c in enumerate(columns) if c.type in (COUNT, YEAR)}
        self.next_row = self.HEADER_ROW + 1

    def write(self, rows: list[list]) -> None:
        sheet, numbers = self.sheet, self.numbers
        for row in rows:
            r = self.next_row
            for i, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, i, dt.datetime(value.year, value.month, value.day),
                                         self.date_format)
                elif i in numbers and isinstance(value, int):
                    sheet.write_number(r, i, value)
                else:
                    sheet.write_string(r, i, str(value))
            self.next_row += 1

    def close(self) -> None:
        self.workbook.close()


class Registers:
    """Where each register's rows go: one file, or one file per year for the logs,
    opened on first use, CSV or XLSX by the demo's file shapes."""

    def __init__(self, out_dir: Path, big: bool, area: str, mess: Mess) -> None:
        self.out_dir, self.big, self.area, self.mess = out_dir, big, area, mess
        self.files: dict[tuple[str, int | None], CsvFile | XlsxFile] = {}

    def write(self, register: Register, rows: list[list], year: int | None = None) -> None:
        if not rows:
            return
        key = (register.kind, year if register.kind in YEARLY_REGISTERS else None)
        file = self.files.get(key) or self._open(register, key[1])
        self.files[key] = file
        file.write(rows)

    def write_by_year(self, register: Register, entries: list[tuple[dt.date, list]]) -> None:
        """Date-sorted (date, row) entries, each to its year's file."""
        start = 0
        for i in range(1, len(entries) + 1):
            if i == len(entries) or entries[i][0].year != entries[start][0].year:
                year = entries[start][0].year
                self.write(register, [row for _, row in entries[start:i]], year)
                start = i

    def _open(self, register: Register, year: int | None) -> CsvFile | XlsxFile:
        stem = register.title if year is None else f"{register.title}_{year}"
        xlsx = not self.big and (register.kind in XLSX_REGISTERS
                                 or year in XLSX_YEARS.get(register.kind, ()))
        if xlsx:
            title = self.area + XLSX_TITLES[register.kind].format(year=year)
            return XlsxFile(self.out_dir / f"{stem}.xlsx", register, title)
        return CsvFile(self.out_dir / f"{stem}.csv", register, self.mess)

    def close(self) -> list[Path]:
        """Close every file; their paths in load order (rosters first, years in order)."""
        order = {r.kind: i for i, r in enumerate(REGISTERS)}
        for file in self.files.values():
            file.close()
        keys = sorted(self.files, key=lambda k: (order[k[0]], k[1] or 0))
        return [self.files[k].path for k in keys]


def _remove_previous(out_dir: Path) -> None:
    """Delete the register files an earlier run wrote (and only those), so a smaller or
    differently shaped demo leaves no stale file behind for the loader to pick up."""
    titles = "|".join(re.escape(r.title) for r in REGISTERS)
    pattern = re.compile(rf"(?:{titles})(?:_\d{{4}})?\.(?:csv|xlsx)")
    for path in out_dir.iterdir():
        if path.is_file() and pattern.fullmatch(path.name):
            path.unlink()


def generate_registers(out_dir: Path, townships: int = 10, seed: int = 42) -> list[Path]:
    """Write a fictional county's (or province's) registers into out_dir; return the paths.

    The default is the county 青禾县 with ten townships, in the mixed file shapes
    of a real office (GB18030 CSV and XLSX with a title row). More than
    XLSX_MAX_TOWNSHIPS townships (a province for benchmarks) are written as CSV
    only. The same seed and size give byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_previous(out_dir)
    rng, mess = Random(seed), Mess(seed)
    plan = plan_townships(townships, rng)
    area = plan[0].county if townships <= SINGLE_COUNTY_MAX else "全市"
    files = Registers(out_dir, townships > XLSX_MAX_TOWNSHIPS, area, mess)
    try:
        for i, t in enumerate(plan):
            _write_township(t, rng, mess, files)
            plan[i] = None  # let its rosters go: a province holds one township at a time
    finally:
        paths = files.close()
    return paths


def _write_township(t: Township, rng: Random, mess: Mess, files: Registers) -> None:
    """Build one township and write all its rows, so memory holds one township at a time."""
    build_township(t, rng)
    t.separator = mess.separator()
    files.write(TOWNSHIPS, township_rows(t, mess))
    files.write(STATIONS, station_rows(t, mess))
    files.write(DEPUTIES, deputy_rows(t, rng, mess))
    files.write(HOUSEHOLDS, household_rows(t, mess))
    activities = activity_entries(t, rng, mess)
    number_activities(t, activities.entries)
    files.write_by_year(ACTIVITIES, activities.entries)
    visits = visit_entries(t, rng, mess)
    files.write(SUGGESTIONS, suggestion_rows(t, activities, visits, rng, mess))
    files.write_by_year(VISITS, visits.entries)
