"""Blank Excel templates, one per register of the data contract.

Users fill registers in Excel, so the easiest way to get files that load cleanly
is to hand them a workbook that already has the exact headers, drop-down lists
for every vocabulary, date-formatted date columns and a sheet explaining each
column. Everything is derived from etl.registers so a template can never drift
from what the loader accepts.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from etl.registers import (
    CHOICE,
    COUNT,
    DATE,
    ID_LIST,
    OUTCOME_WORDS,
    REGISTERS,
    TEXT,
    YEAR,
    Column,
    Register,
)
from etl.safe_text import XLSX_TEXT_ONLY

TITLE_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2  # row 3 as a user sees it in Excel
LAST_DATA_ROW = 4999  # row 5000 as a user sees it in Excel

INSTRUCTIONS_SHEET = "填写说明"
DATE_NUM_FORMAT = "yyyy-mm-dd"
DATE_FORMS = "2020-06-04、2020/6/4、2020年6月4日"

# How each column type reads in the instructions sheet.
TYPE_LABELS = {
    TEXT: "文本",
    DATE: f"日期，可填 {DATE_FORMS}",
    COUNT: "非负整数",
    YEAR: "4位年份，如 2020",
    CHOICE: "从下拉列表中选择",
    ID_LIST: "代表编号列表",
}

INSTRUCTIONS_INTRO = (
    "使用说明：",
    (
        "1. 请在第一个工作表中从第3行起逐行填写，不要修改、删除或调换表头（第2行），"
        "系统按表头文字识别各列；表头为红色粗体的列为必填项。"
    ),
    "2. 填好后可直接保存为 Excel（.xlsx）文件，也可另存为 CSV 文件，再在系统中导入。",
    f"3. 日期可填 {DATE_FORMS} 等形式，也可直接使用 Excel 日期。",
    (
        "4. 带下拉列表的列请从列表中选择；未通过检查的行不会导入，"
        "系统会在“数据”页列出这些行的行号、列名和原因，改正后重新导入即可。"
    ),
)


def write_templates(out_dir: Path) -> list[Path]:
    """Write one blank template per register into out_dir and return their paths.

    The file name carries the register title, which is also the loader's file-name
    keyword fallback, so a filled template is recognised even before its headers are.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_template(register, out_dir) for register in REGISTERS]


def template_path(register: Register, out_dir: Path) -> Path:
    """The template's file name, e.g. 活动记录模板.xlsx."""
    return Path(out_dir) / f"{register.title}模板.xlsx"


def write_template(register: Register, out_dir: Path) -> Path:
    """Write one register's template: the data sheet first, because the loader
    reads the first sheet (or the sheet named after the register)."""
    path = template_path(register, out_dir)
    workbook = xlsxwriter.Workbook(str(path), XLSX_TEXT_ONLY)
    try:
        formats = make_formats(workbook)
        write_data_sheet(workbook.add_worksheet(register.title), register, formats)
        write_instructions_sheet(
            workbook.add_worksheet(INSTRUCTIONS_SHEET), register, formats
        )
    finally:
        workbook.close()
    return path


def make_formats(workbook: Workbook) -> dict[str, object]:
    """Cell formats shared by both sheets; created once per workbook as xlsxwriter
    requires formats to belong to the workbook that uses them."""
    header = {"bold": True, "border": 1, "align": "center", "valign": "vcenter",
              "text_wrap": True, "bg_color": "#DDEBF7"}
    return {
        "title": workbook.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
        ),
        "header": workbook.add_format(header),
        # Required columns are marked by format only: the loader matches header
        # text exactly, so an asterisk in the text would break recognition.
        "required": workbook.add_format(
            {**header, "font_color": "#C00000", "bg_color": "#FCE4D6"}
        ),
        "date": workbook.add_format({"num_format": DATE_NUM_FORMAT}),
        # Text format keeps ids and phone numbers from turning into numbers
        # (leading zeros lost, long numbers shown as 1.39E+10).
        "text": workbook.add_format({"num_format": "@"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "intro": workbook.add_format({"text_wrap": True, "valign": "vcenter"}),
    }


def title_text(register: Register) -> str:
    """The merged title above the headers; the loader skips title rows."""
    return f"{register.title}（请从第3行起填写，勿改表头）"


def write_data_sheet(sheet: Worksheet, register: Register, formats: dict) -> None:
    """The sheet users fill: title, headers, widths, formats and validations."""
    last_col = len(register.columns) - 1
    if last_col > 0:
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title_text(register),
                          formats["title"])
    else:
        sheet.write(TITLE_ROW, 0, title_text(register), formats["title"])
    sheet.set_row(TITLE_ROW, 28)
    sheet.set_row(HEADER_ROW, 22)
    for col, column in enumerate(register.columns):
        style = formats["required"] if column.required else formats["header"]
        sheet.write_string(HEADER_ROW, col, column.header, style)
        sheet.set_column(col, col, column_width(column), column_format(column, formats))
        add_validation(sheet, col, column)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)


def column_format(column: Column, formats: dict) -> object | None:
    """Default cell format of a column, so typed values keep their meaning."""
    if column.type == DATE:
        return formats["date"]
    if column.type in (TEXT, ID_LIST):
        return formats["text"]
    return None


def display_width(text: str) -> int:
    """Width of text in Excel character units: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_width(column: Column) -> float:
    """A width that fits the header and the longest choice, within reason."""
    widths = [display_width(column.header), *map(display_width, column.choices)]
    minimum = {DATE: 12, ID_LIST: 20}.get(column.type, 10)
    if column.key in ("title", "summary", "place", "host_unit", "enterprise"):
        minimum = 24
    return min(max(max(widths) + 2, minimum), 40)


def data_range(col: int) -> tuple[int, int, int, int]:
    """Rows 3..5000 of one column, as xlsxwriter's (first_row, first_col, last_row,
    last_col)."""
    return FIRST_DATA_ROW, col, LAST_DATA_ROW, col


def add_validation(sheet: Worksheet, col: int, column: Column) -> None:
    """Attach the column's data validation, if its type has one."""
    options = validation_options(column)
    if options is not None:
        sheet.data_validation(*data_range(col), options)


def validation_options(column: Column) -> dict | None:
    """Excel checks the user can see while typing, mirroring the loader's rules so
    mistakes are caught in Excel rather than as rejected rows after a load."""
    if column.type == CHOICE:
        options = {
            "validate": "list",
            "source": list(column.choices),
            "error_title": "输入有误",
            "error_message": "请从下拉列表中选择：" + "、".join(column.choices),
        }
        if column.key == "outcome":
            options["input_title"] = "办理结果"
            options["input_message"] = "\n".join(
                f"{letter}：{words}" for letter, words in OUTCOME_WORDS.items()
            )
        return options
    if column.type == DATE:
        # An "any" rule only shows the message: a date rule would refuse dates
        # typed as text (2020年6月4日 on some systems), which the loader accepts.
        return {
            "validate": "any",
            "input_title": "日期",
            "input_message": f"可填 {DATE_FORMS}，也可直接使用 Excel 日期。",
        }
    if column.type == COUNT:
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": "输入有误",
            "error_message": "请填写大于或等于 0 的整数。",
        }
    if column.type == YEAR:
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1900,
            "maximum": 2100,
            "error_title": "输入有误",
            "error_message": "请填写4位年份，如 2020。",
        }
    return None


def requirement_text(column: Column) -> str:
    """The 填写要求 cell: type, vocabulary and the register's note, in Chinese."""
    parts = [TYPE_LABELS.get(column.type, "文本")]
    if column.choices:
        parts.append("可选值：" + "、".join(column.choices))
    if column.note:
        parts.append(column.note)
    return "；".join(parts)


def write_instructions_sheet(sheet: Worksheet, register: Register, formats: dict) -> None:
    """A per-column guide, so users need not read the contract to fill the file."""
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 80)
    sheet.merge_range(0, 0, 0, 2, f"{register.title}填写说明", formats["title"])
    row = 1
    for line in INSTRUCTIONS_INTRO:
        sheet.merge_range(row, 0, row, 2, line, formats["intro"])
        sheet.set_row(row, 32)
        row += 1
    row += 1  # a blank row between the paragraph and the table
    for col, label in enumerate(("列名", "是否必填", "填写要求")):
        sheet.write_string(row, col, label, formats["header"])
    for column in register.columns:
        row += 1
        sheet.write_string(row, 0, column.header,
                           formats["required"] if column.required else formats["wrap"])
        sheet.write_string(row, 1, "必填" if column.required else "选填", formats["wrap"])
        sheet.write_string(row, 2, requirement_text(column), formats["wrap"])
