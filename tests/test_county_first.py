"""Pages a province can read (issue 11): above one county, comparisons and county-wide charts
group by county first, with a drill to a county's townships, and no chart has more bars than
can be read. The hand-counted county of conftest.py spans two counties: 青禾县 (QH01 青河镇,
QH02 石桥镇) and 白水县 (QH03 柳林乡)."""

from __future__ import annotations

import pandas as pd
import pytest

from queries import comparison, frames
from tests.apptest import chart_specs, open_page, plotly_values

Q2 = {"from": "2024-04-01", "to": "2024-06-30"}


@pytest.fixture
def app(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def run(page: str, **query):
        at = open_page(f"pages/{page}.py", via_router=False, query={**Q2, **query})
        assert not at.exception, at.exception
        return at

    return run


def charts(at) -> dict[str, dict]:
    return {spec["layout"]["meta"]["title"]: spec for spec in chart_specs(at) if "meta" in spec["layout"]}


def test_stations_compare_counties_then_a_countys_townships(app):
    at = app("stations")
    grid = charts(at)["各县活动站每月活动（站均次数）"]
    assert set(plotly_values(grid["data"][0]["y"])) == {"青禾县"}  # 白水县 has no station on the roster
    at.selectbox(key="stations_county").set_value("青禾县").run()
    grid = charts(at)["青禾县各乡镇活动站每月活动（站均次数）"]
    assert sorted(set(plotly_values(grid["data"][0]["y"]))) == ["石桥镇", "青河镇"]
    at.selectbox(key="stations_township").set_value("QH01").run()  # one township: its stations
    assert "活动站每月活动次数（各类活动）" in charts(at)


def test_data_completeness_by_county_first(app):
    at = app("data")
    grid = next(spec for title, spec in charts(at).items() if title.endswith("月度完整性"))
    assert sorted(set(plotly_values(grid["data"][0]["y"]))) == ["白水县", "青禾县"]
    at.selectbox(key="data_grid_county").set_value("白水县").run()
    grid = next(spec for title, spec in charts(at).items() if title.endswith("月度完整性"))
    assert plotly_values(grid["data"][0]["y"]) == ["柳林乡"] * len(plotly_values(grid["data"][0]["y"]))


def test_one_deputy_is_picked_county_first(app):
    at = app("deputies")
    assert at.selectbox(key="deputies_pick_county").options == ["白水县", "青禾县"]
    at.selectbox(key="deputies_pick_county").set_value("白水县").run()
    assert [o.split("（")[0] for o in at.selectbox(key="deputies_pick").options] == ["吴十"]  # D08, 柳林乡 only


def test_a_deputy_in_the_link_opens_in_their_township(app):
    at = app("deputies", deputy="D05")  # 钱七 of 石桥镇
    assert at.selectbox(key="deputies_pick_county").value == "青禾县"
    assert at.selectbox(key="deputies_pick_township").value == "QH02"
    assert at.selectbox(key="deputies_pick").value == "D05"


def test_a_long_comparison_shows_the_best_and_the_worst_and_pools_the_rest():
    frame = pd.DataFrame({
        "township_code": [f"T{i:02d}" for i in range(40)], "township_name": [f"第{i}镇" for i in range(40)],
        "collected_resolved": list(range(40)), "suggestions_collected": [40] * 40,
    })
    frame["resolution_rate"] = frame["collected_resolved"] / frame["suggestions_collected"]
    ranked = frame.sort_values("resolution_rate", ascending=False).assign(rank=range(1, 41))
    bars, summed = comparison.readable_bars(frame, ranked, "resolution_rate")
    assert summed == 20 and len(bars) == 21
    assert list(bars["township_name"][:10]) == [f"第{i}镇" for i in range(39, 29, -1)]
    assert bars.loc[10, "township_name"] == "其余20个"
    middle = frame[frame["township_code"].isin([f"T{i:02d}" for i in range(10, 30)])]
    assert bars.loc[10, "resolution_rate"] == pytest.approx(100 * middle["collected_resolved"].sum() / 800)
    assert comparison.readable_bars(frame.head(30), ranked.head(30), "resolution_rate")[1] == 0


def test_bars_past_thirty_keep_both_ends_and_pool_the_middle():
    frame = pd.DataFrame({"station": [f"站{i}" for i in range(35)], "voters": [i * 10 for i in range(35)],
                          "deputies": [10] * 35})
    frame["per_deputy"] = frame["voters"] / frame["deputies"]
    rows, pooled = frames.ends_with_rest(frame, "station", "per_deputy", ("voters", "deputies"), "个站")
    assert pooled == 15 and len(rows) == 21
    assert rows.loc[10, "station"] == "其余15个站"
    assert rows.loc[10, "per_deputy"] == round(sum(i * 10 for i in range(10, 25)) / 150, 1)
