"""The blank templates carry the contract's exact headers and Excel's checks."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from etl.registers import CHOICE, COUNT, DATE, REGISTERS, Register
from etl.templates import INSTRUCTIONS_SHEET, write_templates

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Write the templates once; map register kind to its file."""
    out_dir = tmp_path_factory.mktemp("templates")
    paths = write_templates(out_dir)
    assert len(paths) == len(REGISTERS)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in paths)
    return {r.kind: out_dir / f"{r.title}模板.xlsx" for r in REGISTERS}


def sheet_rows(path: Path, name: str) -> list[list[str]]:
    """A sheet's cells as stripped strings, via the loader's own reader."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    return [[str(v).strip() for v in row] for row in sheet.to_python()]


def validations(path: Path) -> dict[str, ElementTree.Element]:
    """The first sheet's data validations, by cell range (sqref)."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    return {dv.get("sqref"): dv for dv in root.iterfind(".//m:dataValidation", NS)}


def column_range(register: Register, key: str) -> str:
    """The sqref of a column's data rows 3..5000."""
    index = [c.key for c in register.columns].index(key)
    letter = xl_col_to_name(index)
    return f"{letter}3:{letter}5000"


def test_one_file_per_register(tmp_path: Path) -> None:
    paths = write_templates(tmp_path)
    assert len(paths) == len(REGISTERS)
    assert {p.name for p in paths} == {f"{r.title}模板.xlsx" for r in REGISTERS}
    assert all(p.is_file() and p.parent == tmp_path for p in paths)
    assert "活动记录模板.xlsx" in {p.name for p in paths}


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.kind)
def test_first_sheet_has_exact_headers(templates: dict[str, Path], register: Register) -> None:
    path = templates[register.kind]
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names[0] == register.title
    rows = sheet_rows(path, register.title)
    headers = [c.header for c in register.columns]
    assert rows[1] == headers  # row 2 in Excel, below the merged title
    assert rows[0][0].startswith(register.title)


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.kind)
def test_instructions_sheet_lists_every_header(
    templates: dict[str, Path], register: Register
) -> None:
    rows = sheet_rows(templates[register.kind], INSTRUCTIONS_SHEET)
    by_header = {row[0]: row for row in rows if row and row[0]}
    for column in register.columns:
        row = by_header[column.header]
        assert row[1] == ("必填" if column.required else "选填")
        for choice in column.choices:
            assert choice in row[2]
        if column.note:
            assert column.note in row[2]


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.kind)
def test_choice_columns_have_dropdowns(templates: dict[str, Path], register: Register) -> None:
    found = validations(templates[register.kind])
    for column in register.columns:
        if column.type != CHOICE:
            continue
        rule = found[column_range(register, column.key)]
        assert rule.get("type") == "list"
        formula = rule.findtext("m:formula1", default="", namespaces=NS)
        for choice in column.choices:
            assert choice in formula, (column.header, choice)


def test_activity_kinds_dropdown(templates: dict[str, Path]) -> None:
    activities = next(r for r in REGISTERS if r.kind == "activities")
    rule = validations(templates["activities"])[column_range(activities, "kind")]
    formula = rule.findtext("m:formula1", default="", namespaces=NS)
    assert "视察" in formula and "执法检查" in formula


def test_outcome_dropdown_uses_letters(templates: dict[str, Path]) -> None:
    suggestions = next(r for r in REGISTERS if r.kind == "suggestions")
    rule = validations(templates["suggestions"])[column_range(suggestions, "outcome")]
    assert rule.findtext("m:formula1", namespaces=NS) == '"A,B,C,D"'


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.kind)
def test_date_and_count_validations(templates: dict[str, Path], register: Register) -> None:
    found = validations(templates[register.kind])
    for column in register.columns:
        if column.type == DATE:
            rule = found[column_range(register, column.key)]
            assert "2020年6月4日" in rule.get("prompt", "")
        elif column.type == COUNT:
            rule = found[column_range(register, column.key)]
            assert rule.get("type") == "whole"
            assert rule.get("operator") == "greaterThanOrEqual"
            assert rule.findtext("m:formula1", namespaces=NS) == "0"


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.kind)
def test_required_headers_styled_apart(templates: dict[str, Path], register: Register) -> None:
    with zipfile.ZipFile(templates[register.kind]) as archive:
        root = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    styles = {c.get("r"): c.get("s") for c in root.iterfind(".//m:row[@r='2']/m:c", NS)}
    required, optional = set(), set()
    for index, column in enumerate(register.columns):
        style = styles[f"{xl_col_to_name(index)}2"]
        (required if column.required else optional).add(style)
    assert required and not required & optional
