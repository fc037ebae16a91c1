"""Registers that reproduce the figures of the two seed summaries (/work/shared/seeds), written
the way an office keeps them, for the test that the year summary says what the seeds say.

One township, 安宜镇, in 2020: 168 五级代表 (1 省, 12 市, 50 县, 105 乡镇) in 14 代表组 and
34 行动分队; 598 脱贫户 of which 585 visited by 158 deputies, 7 帮扶企业; 33 problems
solved, 56 households consoled; 11 opinions and 2 议案 tagged with the campaign; 46 县
and 51 乡镇 deputies report to voters; 8 stations (2 set up in 2020), each holding 17 to
18 activities; every reception day staffed by 3 县 or 乡镇 deputies.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import ACTIVITY_HEADER, SUGGESTIONS, VISITS, write_csv

CODE, NAME, COUNTY = "AY01", "安宜镇", "宝安县"
YEAR = 2020
LEVELS = ["省"] * 1 + ["市"] * 12 + ["县"] * 50 + ["乡镇"] * 105
STATIONS = [(f"AY-S{i}", f"安宜镇第{i}代表活动站", dt.date(2016, 5, 1)) for i in range(1, 7)] + [
    ("AY-S7", "迅达电磁线公司代表活动站", dt.date(2020, 1, 6)),
    ("AY-S8", "康龙玻璃工艺品公司代表活动站", dt.date(2020, 2, 3)),
]
ENTERPRISES = ["安宜食品公司", "安宜米业公司", "迅达电磁线公司", "康龙玻璃工艺品公司", "安宜纺织公司",
               "安宜机械公司", "安宜茶叶合作社"]


def deputy_ids() -> list[str]:
    return [f"AY-D{i:03d}" for i in range(1, len(LEVELS) + 1)]


def write_seed_township(folder: Path, motions_tagged: bool = True) -> list[Path]:
    """The registers; `motions_tagged=False` leaves the two 议案 without their 专项行动."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = deputy_ids()
    county_level = [d for d, lv in zip(ids, LEVELS, strict=True) if lv == "县"]
    town_level = [d for d, lv in zip(ids, LEVELS, strict=True) if lv == "乡镇"]
    deputies = [["代表编号", "姓名", "代表层级", "乡镇", "活动站编号", "代表小组", "行动分队"]]
    for i, (deputy, level) in enumerate(zip(ids, LEVELS, strict=True)):
        team = i % 34  # 34 teams, each inside one of the 14 groups
        deputies.append([deputy, f"代表{i + 1}", level, CODE, STATIONS[i % 8][0], f"第{team % 14 + 1}代表组",
                         f"第{team + 1}分队"])
    households = [["户编号", "户主姓名", "乡镇", "村"]] + [
        [f"AY-H{i:03d}", f"户主{i}", CODE, f"第{i % 9 + 1}村"] for i in range(1, 599)]
    visits = [VISITS[0]]
    for i in range(585):  # one visit per household, by 158 deputies in turn
        day = dt.date(YEAR, 5, 25) + dt.timedelta(days=i % 36)
        visits.append([day.isoformat(), CODE, f"第{(i + 1) % 9 + 1}村", "脱贫户", f"AY-H{i + 1:03d}", "",
                       ids[i % 158], "1" if i < 40 else "0", "1" if i < 33 else "0", "是" if i < 56 else "否",
                       "2020代表行动"])
    for i, enterprise in enumerate(ENTERPRISES):
        visits.append([f"{YEAR}-06-{10 + i}", CODE, "第1村", "帮扶企业", "", enterprise, ids[i], "0", "0", "",
                       "2020代表行动"])
    activities = [ACTIVITY_HEADER]
    for n, (station, _, established) in enumerate(STATIONS):
        staff = county_level[n * 3:n * 3 + 2] + town_level[n * 6:n * 6 + 4]
        held = 0
        for month in range(1, 13):
            day = dt.date(YEAR, month, 20)
            if day < established:
                continue
            on_duty = [staff[(month + k) % len(staff)] for k in range(3)]
            activities.append(["", day.isoformat(), CODE, station, "接待选民", "", f"{month}月选民接待日",
                               "、".join(on_duty), "", "12", "", "", ""])
            held += 1
        reporting = county_level[n * 6:n * 6 + 6][: 46 - 6 * n if n == 7 else 6] + town_level[n * 7:n * 7 + 7][
            : 51 - 7 * n if n == 7 else 7]
        activities.append(["", f"{YEAR}-12-0{n + 1}", CODE, station, "述职", "", "代表向选民述职",
                           "、".join(reporting), "", "", "", "", ""])
        held += 1
        for k in range(17 + (n == 0) - held):
            activities.append(["", f"{YEAR}-{k % 12 + 1:02d}-1{n}", CODE, station, "座谈", "",
                               f"代表座谈会（{k + 1}）", "、".join(staff[:2]), "", "", "", "", ""])
    suggestions = [SUGGESTIONS[0]]
    for i in range(11):
        source = "选民意见" if i < 6 else "代表建议"
        suggestions.append([f"AY-G{i + 1:02d}", f"{YEAR}-06-{i + 1:02d}", CODE, "", source, ids[i], "农业农村",
                            f"代表行动中收集的意见（{i + 1}）", "镇农业服务中心", "", "", "已转办", "", "",
                            "2020代表行动"])
    for i in range(2):
        suggestions.append([f"AY-M{i + 1}", f"{YEAR}-06-2{i}", CODE, "", "议案", "、".join(ids[:5]), "城乡建设",
                            f"关于改善农村道路的议案（{i + 1}）", "县交通运输局", "", "", "办理中", "", "",
                            "2020代表行动" if motions_tagged else ""])
    named = {
        "乡镇名册": [["乡镇代码", "乡镇名称", "所属县", "本届开始日期"], [CODE, NAME, COUNTY, "2016-10-01"]],
        "活动站名册": [["活动站编号", "活动站名称", "乡镇", "设立日期", "依托单位"]] + [
            [s, name, CODE, day.isoformat(), name.replace("代表活动站", "")] for s, name, day in STATIONS],
        "代表名册": deputies, "脱贫户名册": households, "活动记录": activities, "建议意见登记": suggestions,
        "走访记录": visits,
    }
    return [write_csv(folder / f"{name}.csv", rows, "gb18030") for name, rows in named.items()]
