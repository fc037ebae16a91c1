"""What a user sees when a page breaks anyway: a Chinese message with an error number, never a
traceback or a file path (ui/errors.py, run by dashboard.py for every page)."""

from __future__ import annotations

import logging
import re
import tomllib

import pytest

from queries.db import PROJECT_ROOT
from tests.apptest import deep_link, markdown_texts
from tests.test_url_params import PAGES
from ui import errors, layout

REF = re.compile(r"错误编号 (\d{8}-\d{6}-[0-9a-f]{4})")


def shown(at) -> str:
    return "\n".join(markdown_texts(at))


def test_streamlit_shows_no_error_details():
    """`false` is Streamlit's legacy spelling of "stacktrace": only "none" hides the traceback."""
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("page", PAGES)
def test_a_broken_database_file_gives_a_chinese_message_on_every_page(page, tmp_path, monkeypatch, caplog):
    broken = tmp_path / "secret-folder" / "dashboard.duckdb"
    broken.parent.mkdir()
    broken.write_bytes(b"not a database, " * 1000)
    monkeypatch.setenv("DASHBOARD_DB", str(broken))
    with caplog.at_level(logging.ERROR, logger=errors.LOG.name):
        at = deep_link(page, {"from": "2024-04-01", "to": "2024-06-30"})
    assert not at.exception
    (box,) = at.error
    assert box.value.startswith("读取数据库时出错，本页部分内容未能显示")
    ref = REF.search(box.value).group(1)
    text = shown(at)
    assert "secret-folder" not in text and "Traceback" not in text and "duckdb" not in text.lower()
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info  # the details are in the server log, under the number shown


def test_an_unexpected_error_keeps_what_was_drawn_and_explains(county_db_master, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(county_db_master))

    def broken_header(title, selection):
        layout.st.title(title)
        raise RuntimeError("boom in /srv/secret/layout.py")

    monkeypatch.setattr(layout, "page_header", broken_header)
    at = deep_link("pages/suggestions.py", {"from": "2024-04-01", "to": "2024-06-30"})
    assert not at.exception
    assert at.title[0].value == "建议办理"  # what the page drew before the error stays
    (box,) = at.error
    assert box.value.startswith("本页遇到意外错误，部分内容未能显示。请刷新页面或更改筛选条件后重试")
    assert REF.search(box.value)
    assert "boom" not in shown(at) and "/srv/secret" not in shown(at)


def test_st_stop_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))  # no database: pages stop after a note
    at = deep_link("pages/overview.py")
    assert not at.exception and not at.error
    assert any("还没有数据" in info.value for info in at.info)
