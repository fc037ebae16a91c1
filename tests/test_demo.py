"""The demo generator writes real register files, in real shapes, with a real rhythm.

The files are read back here the way a user's files are: CSV bytes decoded as
GB18030, workbooks through python_calamine, ids folded from full-width, dates in
every spelling the generator uses. One test loads them through the real loader
to check that exactly the rows listed in BAD_ROWS are rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from etl.demo import (
    AS_OF,
    BAD_ROWS,
    CAMPAIGN_YEARS,
    DEPUTIES_PER_TOWNSHIP,
    DUE_SOON_WINDOW,
    HOUSEHOLDS_PER_TOWNSHIP,
    LOG_END,
    LOG_START,
    RECEPTION_DAYS,
    STATIONS_PER_TOWNSHIP,
    TIME_LIMIT_DAYS,
    XLSX_MAX_TOWNSHIPS,
    generate_registers,
)
from etl.registers import (
    ACTIVITIES,
    BY_KIND,
    DATE,
    DEPUTIES,
    HOUSEHOLD_TARGETS,
    HOUSEHOLDS,
    REGISTERS,
    RESOLVED,
    STATIONS,
    SUGGESTION_STATUSES,
    SUGGESTIONS,
    TOWNSHIPS,
    VISITS,
    Register,
    kind_from_filename,
)

SMALL = 2  # townships: QH01 is the strong one, QH02 the weak one (and carries BAD_ROWS)
DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A two-township demo, generated once for the read-only tests."""
    return generate_registers(tmp_path_factory.mktemp("demo"), townships=SMALL, seed=42)


@pytest.fixture(scope="module")
def rows(small: list[Path]) -> dict[str, list[dict]]:
    """Every register's data rows, keyed by contract key, across its files."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for path in small:
        register = kind_from_filename(path.name)
        by_kind[register.kind] += read_rows(path, register)
    return by_kind


def fold(value: object) -> str:
    """What the loader compares: full-width folded, spaces trimmed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def headers(register: Register) -> list[str]:
    return [c.header for c in register.columns]


def csv_grid(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"), newline="")))


def xlsx_grid(path: Path) -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def read_rows(path: Path, register: Register) -> list[dict]:
    """A file's data rows as {key: value}; CSV header on row 1, XLSX header on row 3."""
    if path.suffix == ".csv":
        grid = csv_grid(path)
        header, data = grid[0], grid[1:]
    else:
        grid = xlsx_grid(path)
        header, data = grid[2], grid[3:]
    keys = {c.header: c.key for c in register.columns}
    return [
        {keys[h]: (None if v == "" else v) for h, v in zip(header, row, strict=True)}
        for row in data if any(v != "" for v in row)
    ]


def as_date(value: object) -> dt.date | None:
    """An Excel date cell or a date in any spelling the generator writes; None if invalid."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = fold(value)
    for form in DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def township_codes(rows: dict[str, list[dict]]) -> dict[str, str]:
    """Township code or name -> code, as the loader resolves the 乡镇 column."""
    lookup = {}
    for row in rows[TOWNSHIPS.kind]:
        lookup[fold(row["township_code"])] = fold(row["township_code"])
        lookup[fold(row["township_name"])] = fold(row["township_code"])
    return lookup


def per_township(rows: dict[str, list[dict]], kind: str, key: str) -> dict[str, set[str]]:
    """Distinct values of `key` per township code in one register."""
    codes = township_codes(rows)
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows[kind]:
        found[codes[fold(row["township"])]].add(fold(row[key]))
    return found


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def test_every_register_written_in_load_order(small: list[Path]) -> None:
    kinds = [kind_from_filename(p.name).kind for p in small]
    assert set(kinds) == {r.kind for r in REGISTERS}
    assert kinds == sorted(kinds, key=[r.kind for r in REGISTERS].index)
    assert sorted(p.name for p in small[0].parent.iterdir()) == sorted(p.name for p in small)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate_registers(tmp_path / "a", townships=SMALL, seed=7)
    second = generate_registers(tmp_path / "b", townships=SMALL, seed=7)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    other = generate_registers(tmp_path / "c", townships=SMALL, seed=8)
    assert any(a.read_bytes() != c.read_bytes() for a, c in zip(first, other, strict=True))


def test_rerun_replaces_earlier_files(tmp_path: Path) -> None:
    """A second run into the same folder leaves only its own files (and any foreign file)."""
    (tmp_path / "说明.txt").write_text("not a register", encoding="utf-8")
    generate_registers(tmp_path, townships=SMALL, seed=1)
    stale = tmp_path / f"{ACTIVITIES.title}_2019.csv"
    stale.write_text("old", encoding="utf-8")
    paths = generate_registers(tmp_path, townships=SMALL, seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in paths] + ["说明.txt"])


def test_file_names_name_their_register(small: list[Path]) -> None:
    for path in small:
        register = kind_from_filename(path.name)
        grid = csv_grid(path) if path.suffix == ".csv" else xlsx_grid(path)[2:]
        assert grid[0] == headers(register), path.name


def test_csv_files_are_gb18030_with_exact_headers(small: list[Path]) -> None:
    csv_files = [p for p in small if p.suffix == ".csv"]
    assert csv_files
    for path in csv_files:
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # Chinese text in GB18030 is never valid UTF-8
        assert b"\r\n" in data and not data.startswith(b"\xef\xbb\xbf")
        assert csv_grid(path)[0] == headers(kind_from_filename(path.name)), path.name


def test_xlsx_files_have_a_title_row_and_date_cells(small: list[Path]) -> None:
    xlsx_files = [p for p in small if p.suffix == ".xlsx"]
    assert {kind_from_filename(p.name).kind for p in xlsx_files} >= {
        STATIONS.kind, HOUSEHOLDS.kind, ACTIVITIES.kind, VISITS.kind}
    for path in xlsx_files:
        register = kind_from_filename(path.name)
        grid = xlsx_grid(path)
        assert isinstance(grid[0][0], str) and grid[0][0].strip(), path.name
        assert all(v == "" for v in grid[1]), path.name
        assert grid[2] == headers(register), path.name
        date_columns = [i for i, c in enumerate(register.columns) if c.type == DATE]
        cells = [row[i] for row in grid[3:] for i in date_columns if row[i] != ""]
        assert not date_columns or all(isinstance(c, dt.date) for c in cells), path.name


def test_default_demo_file_shapes(tmp_path: Path) -> None:
    names = [p.name for p in generate_registers(tmp_path)]
    assert names == [
        "乡镇名册.csv", "活动站名册.xlsx", "代表名册.csv", "脱贫户名册.xlsx",
        "活动记录_2023.xlsx", "活动记录_2024.xlsx", "活动记录_2025.xlsx", "活动记录_2026.csv",
        "建议意见登记.csv",
        "走访记录_2023.csv", "走访记录_2024.xlsx", "走访记录_2025.csv", "走访记录_2026.csv",
    ]
    stems = {Path(n).stem for n in names}
    assert all(bad.file_stem in stems for bad in BAD_ROWS)


@pytest.mark.slow
def test_province_is_csv_only_in_counties(tmp_path: Path) -> None:
    count = XLSX_MAX_TOWNSHIPS + 1
    paths = generate_registers(tmp_path, townships=count, seed=3)
    assert all(p.suffix == ".csv" for p in paths)
    townships = read_rows(paths[0], TOWNSHIPS)
    assert len(townships) == count
    assert all(re.fullmatch(r"C\d{3}T\d{2}", t["township_code"]) for t in townships)
    counties = Counter(t["county"] for t in townships)
    assert len(counties) == 3 and all(15 <= n <= 20 for n in counties.values())
    names = Counter((t["county"], fold(t["township_name"])) for t in townships)
    assert max(names.values()) == 1


# ---------------------------------------------------------------------------
# Contents
# ---------------------------------------------------------------------------


def test_townships_of_the_demo_county(rows: dict[str, list[dict]]) -> None:
    townships = rows[TOWNSHIPS.kind]
    assert [t["township_code"] for t in townships] == ["QH01", "QH02"]
    assert {t["county"] for t in townships} == {"青禾县"}
    assert all(as_date(t["term_start"]) == dt.date(2021, 10, 1) for t in townships)


@pytest.mark.parametrize(
    ("register", "key", "limits"),
    [
        (STATIONS, "station_id", STATIONS_PER_TOWNSHIP),
        (DEPUTIES, "deputy_id", DEPUTIES_PER_TOWNSHIP),
        (HOUSEHOLDS, "household_id", HOUSEHOLDS_PER_TOWNSHIP),
    ],
    ids=lambda v: v.kind if isinstance(v, Register) else None,
)
def test_roster_sizes_per_township(rows, register: Register, key: str, limits) -> None:
    found = per_township(rows, register.kind, key)
    assert sorted(found) == ["QH01", "QH02"]
    low, high = limits
    assert all(low <= len(ids) <= high for ids in found.values()), {
        code: len(ids) for code, ids in found.items()}


def test_roster_ids_and_vocabularies(rows: dict[str, list[dict]]) -> None:
    deputies = rows[DEPUTIES.kind]
    assert all(re.fullmatch(r"QH0\d-D\d{3}", fold(d["deputy_id"])) for d in deputies)
    levels = Counter(fold(d["level"]).removesuffix("级") for d in deputies)
    assert levels["乡镇"] > levels["县"] > levels["市"] >= levels["省"] >= levels["全国"]
    assert all(re.fullmatch(r"1[35]\d{9}", d["phone"]) for d in deputies)
    stations = {fold(s["station_id"]) for s in rows[STATIONS.kind]}
    assert {fold(d["station_id"]) for d in deputies} <= stations
    households = rows[HOUSEHOLDS.kind]
    assert all(re.fullmatch(r"QH0\d-H\d{4}", fold(h["household_id"])) for h in households)
    assert {int(float(h["exit_year"])) for h in households} <= set(range(2016, 2021))


def test_reception_days_fall_on_the_10th_or_20th(rows: dict[str, list[dict]]) -> None:
    receptions = [a for a in rows[ACTIVITIES.kind] if a["kind"] == "接待选民"]
    assert receptions
    days_by_station: dict[str, set[int]] = defaultdict(set)
    for a in receptions:
        day = as_date(a["date"])
        assert day.day in RECEPTION_DAYS, a
        assert LOG_START <= day <= LOG_END
        assert 3 <= int(float(a["voters_received"])) <= 25
        days_by_station[fold(a["station_id"])].add(day.day)
    assert all(len(days) == 1 for days in days_by_station.values())  # a station keeps its day


def test_activity_kinds_and_rhythm(rows: dict[str, list[dict]]) -> None:
    activities = rows[ACTIVITIES.kind]
    kinds = Counter(a["kind"] for a in activities)
    assert set(kinds) >= {"视察", "执法检查", "调研", "评议", "接待选民", "述职", "学习培训",
                          "座谈", "会议"}
    meetings = [a["title"] for a in activities if "主席团会议" in str(a["title"])]
    assert len(meetings) == SMALL * 12  # one per township per quarter, 2023Q4..2026Q3
    assert all(a["evaluated_unit"] for a in activities if a["kind"] == "评议")
    campaigns = {a["campaign"] for a in activities if a["campaign"]}
    assert campaigns == {f"{y}代表行动" for y in CAMPAIGN_YEARS}


def test_strong_and_weak_townships(rows: dict[str, list[dict]]) -> None:
    """QH01 visits every household in each campaign; QH02 only about 70% of them."""
    roster = per_township(rows, HOUSEHOLDS.kind, "household_id")
    codes = township_codes(rows)
    for year in CAMPAIGN_YEARS:
        visited: dict[str, set[str]] = defaultdict(set)
        for v in rows[VISITS.kind]:
            if v["campaign"] == f"{year}代表行动" and v["target_kind"] in HOUSEHOLD_TARGETS:
                visited[codes[fold(v["township"])]].add(fold(v["household_id"]))
        assert visited["QH01"] == roster["QH01"]
        share = len(visited["QH02"] & roster["QH02"]) / len(roster["QH02"])
        assert 0.62 <= share <= 0.78, (year, share)
    receptions = Counter(codes[fold(a["township"])] for a in rows[ACTIVITIES.kind]
                         if a["kind"] == "接待选民")
    stations = per_township(rows, STATIONS.kind, "station_id")
    assert receptions["QH01"] == 36 * len(stations["QH01"])  # never misses a month
    assert receptions["QH02"] < 0.75 * 36 * len(stations["QH02"])


def test_suggestions_move_through_statuses_by_age(rows: dict[str, list[dict]]) -> None:
    codes = township_codes(rows)
    open_ages: dict[str, list[int]] = defaultdict(list)
    bad_ids = 0
    for s in rows[SUGGESTIONS.kind]:
        received = as_date(s["received_on"])
        assert re.fullmatch(rf"QH0\d-{received.year}-\d{{4}}", fold(s["suggestion_id"])), s
        assert s["status"] in SUGGESTION_STATUSES
        if s["status"] == RESOLVED:
            if s["resolved_on"] is None:
                bad_ids += 1  # the BAD_ROWS suggestion
                continue
            assert received <= as_date(s["resolved_on"]) <= AS_OF
            assert s["outcome"]
        else:
            assert s["resolved_on"] is None and s["outcome"] is None
            open_ages[codes[fold(s["township"])]].append((AS_OF - received).days)
        if s["referred_on"]:
            assert as_date(s["referred_on"]) >= received
    assert bad_ids == 1
    low, high = DUE_SOON_WINDOW
    for code in ("QH01", "QH02"):
        assert any(low <= age <= high for age in open_ages[code]), code
    overdue = {code: sum(age > TIME_LIMIT_DAYS for age in ages) for code, ages in open_ages.items()}
    assert overdue.get("QH01", 0) == 0 and overdue["QH02"] >= 10
    sources = Counter(s["source"] for s in rows[SUGGESTIONS.kind])
    assert sources["选民意见"] > sources["代表建议"] > sources["议案"] > 0


def test_bad_rows_are_exactly_the_rejected_rows(small: list[Path], tmp_path: Path) -> None:
    """Through the real loader: every row loads except the five of BAD_ROWS."""
    from etl.cli import load_paths
    from etl.loader import register_files

    results = load_paths(register_files(small), tmp_path / "demo.duckdb", fresh=True)
    assert all(r.status == "loaded" for r in results), [(r.path.name, r.message) for r in results]
    rejected = sorted(
        (r.path.stem, j.column_name) for r in results for j in r.rejections
    )
    assert rejected == sorted((b.file_stem, b.column) for b in BAD_ROWS), [
        (r.path.name, j) for r in results for j in r.rejections]
    assert all(not r.extra_headers and not r.unchecked_references for r in results)
    assert {r.register.kind for r in results} == set(BY_KIND)
