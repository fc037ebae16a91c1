"""Names from registers are text, never markup: a township called `[**钓鱼镇**](http://evil.example)`.

The hand-counted county is loaded through the real ETL with its names replaced by markup
(a markdown link for 青河镇 and 张三丰, HTML for 李四, a link for the village 东村).
Every page is opened through the router and every text Streamlit renders as markdown is
read: the markup may appear only escaped (ui/escape.py). The browser half of this check,
that no link reaches the DOM, is in tests/test_hostile_browser.py.
"""

from __future__ import annotations

import copy

import pytest

from etl.cli import load_paths
from tests import conftest
from tests.apptest import deep_link, markdown_texts
from tests.test_url_params import FILTERED, PAGES
from ui.escape import html_text, md

TOWNSHIP = "[**钓鱼镇**](http://evil.example)"  # for 青河镇 (QH01)
DEPUTY = "[**张三丰**](http://evil.example)"  # for 张三丰 (D01)
HTML_DEPUTY = '<a href="http://evil.example">李四</a>'  # for 李四 (D02)
VILLAGE = "[东村](http://evil.example)"  # for 东村
COUNTY = "青禾县 :red[假] $x^2$ ![图](http://evil.example/a.png) www.evil.example a@evil.example"  # for 青禾县
RENAMED = {"青河镇": TOWNSHIP, "张三丰": DEPUTY, "李四": HTML_DEPUTY, "东村": VILLAGE, "青禾县": COUNTY}
MARKUP = list(RENAMED.values())
Q2 = {"township": "QH01", "from": "2024-04-01", "to": "2024-06-30"}


def renamed(rows: list[list]) -> list[list]:
    return [[RENAMED.get(cell, cell) if isinstance(cell, str) else cell for cell in row] for row in copy.deepcopy(rows)]


def write_evil_county(folder):
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "乡镇名册": conftest.TOWNSHIPS, "活动站名册": conftest.STATIONS, "代表名册": conftest.DEPUTIES,
        "脱贫户名册": conftest.HOUSEHOLDS, "活动记录": [conftest.ACTIVITY_HEADER, *conftest.ACTIVITIES],
        "建议意见登记": conftest.SUGGESTIONS, "走访记录": conftest.VISITS,
    }
    return [conftest.write_xlsx(folder / f"{name}.xlsx", name, renamed(rows)) for name, rows in tables.items()]


@pytest.fixture(scope="module")
def evil_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    db = folder / "dashboard.duckdb"
    results = load_paths(write_evil_county(folder / "registers"), db)
    assert all(r.rows_rejected == 0 for r in results), [(r.path.name, r.rejections[:3]) for r in results]
    return db


@pytest.fixture
def evil_page(evil_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(evil_db))
    return lambda page, query: deep_link(page, query, timeout=60)


def test_md_escapes_every_markdown_construct():
    joiner = "\u2060"  # invisible: GFM links bare URLs, www. and e-mail addresses even when escaped
    assert md(TOWNSHIP) == rf"\[\*\*钓鱼镇\*\*\]\(http\:{joiner}\/\/evil\.example\)"
    assert md("www.evil.example a@b.cn HTTPS://x") == (
        rf"www{joiner}\.evil\.example a{joiner}\@b\.cn HTTPS\:{joiner}\/\/x")
    assert md(":red[假] $x$ :material/home:") == r"\:red\[假\] \$x\$ \:material\/home\:"
    assert md("第一行\n# 标题\n\n    代码") == r"第一行 \# 标题 代码"  # a value never opens a block
    assert md(None) == "" and md(12) == "12"
    assert html_text(HTML_DEPUTY) == "&lt;a href=&quot;http://evil.example&quot;&gt;李四&lt;/a&gt;"


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_a_name_as_markup(evil_page, page):
    at = evil_page(page, {**Q2, "deputy": "D01"})
    assert not at.exception and not at.error
    texts = markdown_texts(at)
    for text in texts:
        for markup in MARKUP:
            assert markup not in text, (markup, text)
    if page in FILTERED:
        assert md(TOWNSHIP) in at.caption[0].value  # the name is shown, as the characters it is


def test_the_county_and_a_deputy_are_shown_escaped(evil_page):
    at = evil_page("pages/overview.py", {"county": COUNTY})
    assert not at.exception and not at.error
    assert f"范围：{md(COUNTY)}全部乡镇" in at.caption[0].value
    at = evil_page("pages/deputies.py", {**Q2, "deputy": "D01"})
    assert any(text.startswith(f"**{md(DEPUTY)}统计期内的活动和走访明细") for text in markdown_texts(at))
    at = evil_page("pages/deputies.py", {**Q2, "deputy": "D02"})
    assert any(text.startswith(f"**{md(HTML_DEPUTY)}统计期内的活动和走访明细") for text in markdown_texts(at))
