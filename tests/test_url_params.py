"""Hostile links: every URL parameter gets a sane default and a Chinese note, on every page.

The rules are tested on ui/url_params.py directly (exact messages), then every page of
pages/ is opened through the router with each hostile link against the hand-counted
county: no exception, no error box, the note under the header, and the default shown.
The default period of the county is 2024年第三季度 (its newest record is 2024-07-05).
"""

from __future__ import annotations

import datetime as dt

import pytest

from etl.validate import plausible_dates
from queries import periods
from queries.db import PROJECT_ROOT
from queries.metrics import Period
from tests.apptest import deep_link
from ui import url_params

TODAY = dt.date(2026, 5, 1)
ROSTER = [("QH01", "青河镇", "青禾县", None), ("QH02", "石桥镇", "青禾县", None), ("QH03", "柳林乡", "白水县", None),
          ("BS09", "石桥镇", "白水县", None)]
PAGES = sorted(str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "pages").glob("*.py"))
# Pages without the sidebar filters (账号管理) read no period or scope from a link: they only must not break.
FILTERED = {page for page in PAGES if "sidebar_filters(" in (PROJECT_ROOT / page).read_text(encoding="utf-8")}
DEFAULT_PERIOD = "2024年第三季度"
BRIEFING = "pages/briefing.py"
SUMMARY = "pages/summary.py"
SUMMARY_YEARS = {"far": 2024, "widest": plausible_dates()[1].year, "reversed": 2024}  # the period each link shows
EVIL = "[**钓鱼镇**](http://evil.example)"
REFUSED = "不在当前账号的查看范围内"  # the scope guard's note for townships and counties not on the roster


# --- the rules --------------------------------------------------------------------

def test_a_period_within_bounds_is_taken_as_given():
    assert url_params.period("2024-04-01", "2024-06-30", TODAY) == (
        Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30)), [])
    assert url_params.period("1949-10-01", "2027-05-01", TODAY)[0] == Period(dt.date(1949, 10, 1), dt.date(2027, 5, 1))
    assert url_params.period(None, None, TODAY) == (None, [])
    assert url_params.period("", "", TODAY) == (None, [])


def test_a_period_out_of_bounds_falls_back_to_the_default():
    assert url_params.period("0001-01-01", "9999-12-31", TODAY) == (None, [
        "网址中的统计期 0001-01-01 至 9999-12-31 超出可统计的范围（1949-10-01 至 2027-05-01），已显示默认统计期。"])
    assert url_params.period("2024-01-01", "2027-05-02", TODAY)[0] is None  # one day past today + 1 year
    assert url_params.period("1949-09-30", "2024-01-01", TODAY)[0] is None


def test_a_reversed_period_is_turned_round():
    assert url_params.period("2024-06-30", "2024-04-01", TODAY) == (
        Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        ["网址中的统计期开始日期晚于结束日期，已对调为 2024-04-01 至 2024-06-30。"])


@pytest.mark.parametrize(("start", "end"), [
    ("abc", "2024-06-30"), ("2024-02-30", "2024-06-30"), ("2024-W14-1", "2024-06-30"), ("20240401", "20240630"),
    ("2024-04-01\x00", "2024-06-30"), ("９９９９-01-01", "2024-06-30"),
])
def test_a_date_that_is_no_date_falls_back_to_the_default(start, end):
    chosen, notes = url_params.period(start, end, TODAY)
    assert chosen is None
    assert len(notes) == 1 and "无法识别（日期应写成 2024-04-01），已显示默认统计期。" in notes[0]


def test_a_period_with_one_end_falls_back_to_the_default():
    assert url_params.period("2024-04-01", None, TODAY) == (
        None, ["网址中缺少统计期的结束日期（to），已显示默认统计期。"])
    assert url_params.period(None, "2024-04-01", TODAY) == (
        None, ["网址中缺少统计期的开始日期（from），已显示默认统计期。"])


def test_townships_by_code_or_name_in_order_each_once():
    assert url_params.townships(["QH02,青河镇"], ROSTER, None) == (["QH02", "QH01"], [], [])
    assert url_params.townships(["QH01", "QH02"], ROSTER, None) == (["QH01", "QH02"], [], [])  # township=…&…
    assert url_params.townships(["QH01、QH02，QH01"], ROSTER, None) == (
        ["QH01", "QH02"], ["网址中的乡镇有 1 处重复，已合并。"], [])
    assert url_params.townships([""], ROSTER, None) == ([], [], [])


def test_a_township_repeated_twenty_thousand_times_is_one_township():
    assert url_params.townships([",".join(["QH01"] * 20_000)], ROSTER, None) == (
        ["QH01"], ["网址中的乡镇有 19999 处重复，已合并。"], [])


def test_ambiguous_and_out_of_county_townships_are_dropped_with_notes():
    codes, notes, unknown = url_params.townships(["XX99,QH01,石桥镇,QH03,YY1"], ROSTER, "青禾县")
    assert codes == ["QH01"]
    assert notes == [
        "网址中的乡镇名称「石桥镇」对应多个乡镇，已忽略；请在网址中改用乡镇代码。",
        "网址中的乡镇「QH03」不属于「青禾县」，已忽略。",
    ]
    assert unknown == ["XX99", "YY1"]  # noted and audited by the scope guard (ui/access.py)


def test_unknown_townships_handed_on_are_bounded():
    codes, notes, unknown = url_params.townships([",".join(f"X{i}" for i in range(20_000))], ROSTER, None)
    assert (codes, notes, len(unknown)) == ([], [], url_params.MAX_UNKNOWN)


def test_values_quoted_in_notes_are_escaped_and_shortened():
    _, notes, _ = url_params.townships([f"{EVIL},{EVIL}x"], [("E1", EVIL, "县", None), ("E2", EVIL, "县", None)],
                                       None)
    assert notes == ["网址中的乡镇名称「\\[\\*\\*钓鱼镇\\*\\*\\]\\(http\\:\u2060\\/\\/evil\\.ex…」对应多个乡镇，"
                     "已忽略；请在网址中改用乡镇代码。"]
    _, notes = url_params.choice("x" * 100_000, [], "活动站", "全部活动站")
    assert notes == [f"网址中的活动站「{'x' * url_params.SHOWN_CHARS}…」不在可选范围内，已显示全部活动站。"]


def test_choice_takes_a_known_value_and_explains_an_unknown_one():
    assert url_params.choice("S01", ["S01", "S02"], "活动站", "全部活动站") == ("S01", [])
    assert url_params.choice(None, ["S01"], "活动站", "全部活动站") == (None, [])
    assert url_params.choice("", ["S01"], "活动站", "全部活动站") == (None, [])
    assert url_params.choice("S99", ["S01"], "活动站", "全部活动站") == (
        None, ["网址中的活动站「S99」不在可选范围内，已显示全部活动站。"])


def test_present_is_one_or_nothing():
    assert url_params.presenting("1") == [] and url_params.presenting(None) == []
    assert url_params.presenting("yes") == ["网址参数 present 只能为 1（投影模式），「yes」无效，已按普通方式显示。"]


# --- every page, every hostile link ------------------------------------------------

# link -> (notes every page shows, notes only some pages show, what the header caption must say)
HOSTILE = {
    "far": ({"from": "0001-01-01", "to": "9999-12-31"}, ["超出可统计的范围"], {}, f"统计期：{DEFAULT_PERIOD}"),
    "widest": ({"from": "1949-10-01", "to": plausible_dates()[1].isoformat()}, [], {},
               "1949-10-01 至"),
    "reversed": ({"from": "2024-06-30", "to": "2024-04-01"}, ["已对调为 2024-04-01 至 2024-06-30"], {},
                 "2024年第二季度"),
    "repeated": ({"township": ",".join(["QH01"] * 20_000), "from": "2024-04-01", "to": "2024-06-30"},
                 ["有 19999 处重复，已合并"], {}, "范围：青河镇"),
    "unknown": ({"township": "XX99", "county": "火星县", "station": "S99", "deputy": "D99", "present": "yes",
                 "from": "abc", "to": "\x00<script>"},
                [REFUSED, "present 只能为 1", "无法识别"],
                {"pages/stations.py": "活动站「S99」不在可选范围内", "pages/deputies.py": "代表「D99」不在可选范围内"},
                "范围：全部乡镇"),
    "markup": ({"township": EVIL, "county": EVIL, "station": EVIL}, [REFUSED], {"pages/stations.py": r"「\[\*\*钓鱼镇"},
               "范围：全部乡镇"),
}


@pytest.fixture
def hostile_page(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))
    return lambda page, query: deep_link(page, query, timeout=60)


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_a_hostile_link_and_says_so(hostile_page, page, case):
    query, notes, page_notes, caption = HOSTILE[case]
    at = hostile_page(page, query)
    assert not at.exception
    assert not at.error  # the router's error box (ui/errors.py) would mean the page broke
    if page not in FILTERED:
        return
    warnings = [w.value for w in at.warning]
    for note in [*notes, *([page_notes[page]] if page in page_notes else [])]:
        assert any(note in w for w in warnings), (note, warnings)
    if not notes and not page_notes:
        assert warnings == []
    if case == "widest" and page == BRIEFING:  # the briefing is always the quarter the period ends in
        caption = periods.describe(periods.quarter_of(plausible_dates()[1]))
    if case in SUMMARY_YEARS and page == SUMMARY:  # the work summary is always the year the period ends in
        caption = f"统计期：{SUMMARY_YEARS[case]}年"
    header = at.caption[0].value
    assert caption in header
    if case == "markup":
        assert EVIL not in " ".join(warnings)


def test_the_link_is_rewritten_to_what_is_shown(hostile_page):
    at = hostile_page("pages/overview.py", HOSTILE["repeated"][0])
    assert at.query_params["township"] == "QH01"
    at = hostile_page("pages/overview.py", HOSTILE["far"][0])
    assert (at.query_params["from"], at.query_params["to"]) == ("2024-07-01", "2024-09-30")
    at.run()  # the next run reads the clean link: the note has done its job
    assert not at.warning
