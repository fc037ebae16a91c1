"""One figure, one value: the same metric of the same scope and period reads the same string on
every page, in the briefing's paragraph and in the comparison's county average (pooled, one
formatter: one decimal with %).

Scope 青禾县 (QH01 + QH02), 2024 Q2, hand counts of tests/conftest.py:
- 本期收集件办结率: G01 G02 G03 of QH01's 5 and G10 of QH02's 2 -> 4 / 7 = 57.1 % (not the mean 55 %).
- 脱贫户走访覆盖率 in 2024代表行动: H01 H02 H04 of QH01's 5 and H06 of QH02's 2 -> 4 / 7 = 57.1 %.
"""

from __future__ import annotations

import pytest

from tests.apptest import Q2, chart_specs, open_page, tile

SCOPE = {"township": "QH01,QH02", **Q2}
RATE, COVERAGE = "57.1%", "57.1%"


@pytest.fixture
def pages(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def run(page: str, **widgets):
        at = open_page(page, True, SCOPE, timeout=60)
        for key, value in widgets.items():
            at.selectbox(key=key).set_value(value).run()
        assert not at.exception
        return at

    return run


def annotations(at) -> list[str]:
    return [a.get("text", "") for spec in chart_specs(at) for a in spec["layout"].get("annotations", [])]


def test_the_resolution_rate_reads_the_same_everywhere(pages):
    overview = pages("pages/overview.py")
    assert tile(overview, "本期收集件办结率") == RATE
    suggestions = pages("pages/suggestions.py")
    assert tile(suggestions, "本期收集件办结率") == RATE
    assert f"合计 {RATE}" in annotations(suggestions)  # the line across the bars per category and handler
    briefing = pages("pages/briefing.py")
    assert tile(briefing, "本期收集件办结率") == RATE
    assert any(f"本期收集件办结率{RATE}" in md.value for md in briefing.markdown)
    attention = next(df.value for df in briefing.dataframe if "全县平均（合计计算）" in df.value.columns)
    assert attention.set_index("指标").loc["本期收集件办结率", "全县平均（合计计算）"] == RATE
    comparison = pages("pages/comparison.py", cmp_metric="resolution_rate")
    assert f"全县平均 {RATE}" in annotations(comparison)
    assert any(f"即 {RATE}" in c.value for c in comparison.caption)


def test_campaign_coverage_reads_the_same_everywhere(pages):
    overview = pages("pages/overview.py")
    assert tile(overview, "脱贫户走访覆盖率") == COVERAGE
    briefing = pages("pages/briefing.py")
    assert tile(briefing, "脱贫户走访覆盖率") == COVERAGE
    assert any(f"覆盖率{COVERAGE}" in md.value for md in briefing.markdown)
    campaign = pages("pages/campaign.py")
    assert f"{COVERAGE}\u30004/7户" in annotations(campaign)  # the progress bar
    assert f"合计 {COVERAGE}" in annotations(campaign)  # the line across the townships' bars
    comparison = pages("pages/comparison.py", cmp_metric="campaign_household_coverage")
    assert f"全县平均 {COVERAGE}" in annotations(comparison)
