"""The county's quarterly briefings in one batch: one Word file per township, plus the county's.

`briefing_file` is the whole briefing of one scope from its explicit inputs (no page
state), on reports.briefing and reports.briefing_export, so the 季度简报 page, the
CLI (`python -m etl briefings`) and the ZIP button write the same document. Every
chart of the batch goes through the one kaleido browser of reports/images.py.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from queries import periods
from queries.frames import data_freshness
from queries.labels import METRICS
from queries.metrics import Con, Period, Scope
from queries.scope import ScopeError
from reports import briefing
from reports.briefing_charts import briefing_charts, chart_frames
from reports.briefing_export import briefing_document
from reports.images import Stamp


@dataclass(frozen=True)
class CountyBatch:
    """One county and its townships (code, name), in roster order."""

    county: str
    townships: tuple[tuple[str, str], ...]
    whole: bool = True  # every township of the county (else the summary file says 所选乡镇)

    @property
    def name(self) -> str:
        return self.county if self.whole else f"{self.county}所选{len(self.townships)}个乡镇"


def county_batches(con: Con, counties: list[str] = (), scope: Scope | None = None) -> list[CountyBatch]:
    """The counties to write (all when none named), each with its townships; `scope`
    narrows the townships (the signed-in account's)."""
    codes = None if scope is None else set(scope.township_codes)
    rows = con.execute(
        "SELECT county, township_code, township_name FROM townships ORDER BY county, township_code").fetchall()
    known = {county for county, _, _ in rows}
    for name in counties:
        if name.strip() not in known:
            raise ScopeError(f"乡镇名册中没有「{name}」的乡镇。")
    wanted = {c.strip() for c in counties} or known
    batches = []
    for county in sorted(wanted):
        in_county = [(code, name) for c, code, name in rows if c == county]
        towns = tuple(t for t in in_county if codes is None or t[0] in codes)
        if towns:
            batches.append(CountyBatch(county, towns, len(towns) == len(in_county)))
    return batches


def file_name(name: str, quarter: Period) -> str:
    return f"{name}{periods.describe(quarter)}人大工作简报.docx"


def stamp_for(name: str, quarter: Period, as_of: str) -> Stamp:
    return Stamp(name, f"{periods.describe(quarter)}（{quarter.start:%Y-%m-%d} 至 {quarter.end:%Y-%m-%d}）", as_of)


def briefing_file(con: Con, scope: Scope, quarter: Period, name: str, township_names: list[str],
                  county: str | None, stamp: Stamp) -> bytes:
    """One scope's briefing as .docx bytes: figures, paragraph, charts, 需要关注 and 口径."""
    shown = briefing.briefing_figures(con, scope, quarter)
    text = briefing.paragraph(shown.now, briefing.scope_word(township_names, county), briefing.period_word(quarter))
    charts = briefing_charts(chart_frames(con, scope, quarter, shown.now), shown.now)
    attention = briefing.attention_items(con, scope, quarter, shown.now)
    definitions = [(METRICS[k].name, METRICS[k].definition) for k in briefing.HEADLINE]
    title = f"{name}{periods.describe(quarter)}人大工作简报"
    return briefing_document(title, stamp, text, shown, charts, attention, definitions)


@dataclass(frozen=True)
class BatchFile:
    county: str  # the folder it goes in when the batch spans several counties
    name: str
    data: bytes


def batch_files(con: Con, batches: list[CountyBatch], quarter: Period,
                on_done: Callable[[str], None] = lambda name: None) -> Iterator[BatchFile]:
    """Every township's briefing, then its county's, county by county. Township names are
    unique within a county only, so each file carries its county."""
    every = Scope(tuple(code for batch in batches for code, _ in batch.townships))
    latest = data_freshness(con, every)["latest_load"]
    as_of = f"{latest:%Y-%m-%d}" if latest else "—"
    for batch in batches:
        for code, name in batch.townships:
            data = briefing_file(con, Scope((code,)), quarter, name, [name], None, stamp_for(name, quarter, as_of))
            yield BatchFile(batch.county, file_name(name, quarter), data)
            on_done(name)
        codes = tuple(code for code, _ in batch.townships)
        names = [name for _, name in batch.townships]
        data = briefing_file(con, Scope(codes), quarter, batch.name, names, batch.county if batch.whole else None,
                             stamp_for(batch.name, quarter, as_of))
        yield BatchFile(batch.county, file_name(batch.name, quarter), data)
        on_done(batch.name)


def write_batch(con: Con, batches: list[CountyBatch], quarter: Period, out: Path,
                on_done: Callable[[str], None] = lambda name: None) -> list[Path]:
    """Write every briefing into `out` (one folder per county when there are several)."""
    written = []
    for file in batch_files(con, batches, quarter, on_done):
        folder = out / file.county if len(batches) > 1 else out
        folder.mkdir(parents=True, exist_ok=True)
        (folder / file.name).write_bytes(file.data)
        written.append(folder / file.name)
    return written


def batch_zip(con: Con, batches: list[CountyBatch], quarter: Period,
              on_done: Callable[[str], None] = lambda name: None) -> bytes:
    """The same briefings in one ZIP (the 季度简报 page's download for a county)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in batch_files(con, batches, quarter, on_done):
            archive.writestr(f"{file.county}/{file.name}" if len(batches) > 1 else file.name, file.data)
    return buffer.getvalue()
