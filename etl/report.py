"""The load report: a table of files on the terminal and every rejected row as CSV.

Everything from a file (its name, headers, values) is data: printed as plain
text, never as rich markup, with control characters and terminal escapes shown
as visible escapes, long values cut, and personal values masked.
"""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from etl.loader import ABORTED, LOADED, SKIPPED, STRICT_REFUSED, UNCHANGED, UNREADABLE, FileResult
from etl.reader import HEADER_KEYS, normalize_header
from etl.registers import REGISTERS
from etl.safe_text import csv_cell, visible
from queries.privacy import mask_name, mask_phone, mask_text

SHOWN_REJECTIONS = 20
SHOWN_WARNINGS = 20
SHOWN_HEADERS = 20
STATUS_WORDS = {
    LOADED: "已导入",
    UNCHANGED: "未变化，跳过",
    STRICT_REFUSED: "有错误，整个文件未导入（--strict）",
    UNREADABLE: "无法读取",
    SKIPPED: "已跳过",
    ABORTED: "未导入（导入已停止）",
}
REJECTED_CSV_HEADER = ["文件", "工作表", "行号", "列", "值", "原因"]


def status_word(status: str, rows_rejected: int = 0) -> str:
    """The result of a file's load in Chinese: a load that left rows out says so with the
    count (部分导入), never a plain 已导入."""
    if status == LOADED and rows_rejected:
        return f"部分导入（{rows_rejected}行被拒绝）"
    return STATUS_WORDS.get(status, status)

# Rejected values of these columns are masked in the report and its CSV.
_MASKS = {
    c.header: (mask_phone if c.key == "phone" else mask_name)
    for r in REGISTERS for c in r.columns if c.personal
}


def masked_value(column: str | None, value: str | None) -> str | None:
    """A rejected value as it may be shown: by its column, and by its shape (a phone anywhere)."""
    return mask_text(_MASKS.get(column, lambda v: v)(value))


def shown_value(column: str | None, value: str | None) -> str:
    """A rejected value for a screen: masked, control characters visible, long values cut."""
    return visible(masked_value(column, value) or "", limit=80)


def print_report(console: Console, results: list[FileResult], csv_path: Path | None) -> None:
    console.print(_files_table(results))
    for result in results:
        for line, style in _file_lines(result):
            console.print(Text(line, style=style))
        print_skipped(console, result)
    warnings = [(r, w) for r in results for w in r.warnings]
    if warnings:
        console.print(Text(f"\n请核实（共 {len(warnings)} 条，显示前 {min(len(warnings), SHOWN_WARNINGS)} 条）：",
                           style="yellow"))
        for result, warning in warnings[:SHOWN_WARNINGS]:
            console.print(Text(f"  {visible(result.path.name)} 第 {warning.row_no} 行：{visible(warning.message)}"))
    rejected = [(r, j) for r in results for j in r.rejections]
    if rejected:
        shown = min(len(rejected), SHOWN_REJECTIONS)
        console.print(Text(f"\n被拒绝的行（共 {len(rejected)} 行，显示前 {shown} 行）："))
        for result, rejection in rejected[:SHOWN_REJECTIONS]:
            where = f"（{visible(rejection.sheet)}）" if rejection.sheet and result.sheet_count > 1 else ""
            console.print(Text(
                f"  {visible(result.path.name)}{where} 第 {rejection.row_no} 行「{visible(rejection.column_name)}」"
                f"值「{shown_value(rejection.column_name, rejection.value)}」：{visible(rejection.reason)}"
            ))
        if csv_path:
            console.print(Text(f"全部被拒绝的行及原因已写入：{visible(csv_path)}"))


def _file_lines(result: FileResult) -> list[tuple[str, str | None]]:
    """What the report says about one file under the table: why it was refused or skipped,
    what reading noticed, columns kept out, references left unchecked."""
    name = visible(result.path.name)
    lines: list[tuple[str, str | None]] = []
    if result.status == UNREADABLE:
        lines.append((f"✗ {visible(result.message)}", "red"))
        if "表头" in result.message or "必填列" in result.message:
            lines.append((f"  提示：运行 python -m etl check「{visible(result.path)}」查看系统建议的列对应，"
                          "可写成导入方案（--write-mapping）修改后用 load --mapping 导入。", None))
    elif result.status == SKIPPED:
        lines.append((f"－ 「{name}」{visible(result.message)}", "dim"))
    elif result.message and result.status != ABORTED:  # an aborted load's reason is said once, after
        lines.append((f"提示：{visible(result.message)}", "yellow"))
    if result.status == LOADED and result.rows_read == 0:
        lines.append((f"提示：「{name}」只有表头，没有数据行。", "yellow"))
    repeated, extra = _repeated_headers(result)
    if repeated:
        lines.append((f"「{name}」中以下列出现了不止一次，只导入了第一列：" + _header_list(repeated), "yellow"))
    if extra:
        lines.append((f"「{name}」中以下列不在登记表格式中，未导入：" + _header_list(extra), None))
    for roster, rows in result.unchecked_references.items():
        lines.append((
            f"提示：{roster}尚未导入，「{name}」中 {rows} 行的编号未能核对，导入名册后请重新导入此文件。", "yellow"))
    return lines


def _repeated_headers(result: FileResult) -> tuple[list[str], list[str]]:
    """Extra headers split into repeats of a register column and truly unknown ones."""
    if result.register is None:
        return [], list(result.extra_headers)
    keys = HEADER_KEYS[result.register.kind]
    repeated = [h for h in result.extra_headers if normalize_header(h) in keys]
    return repeated, [h for h in result.extra_headers if normalize_header(h) not in keys]


def _header_list(headers: list[str]) -> str:
    shown = "、".join(visible(mask_text(h), limit=40) for h in headers[:SHOWN_HEADERS])
    return shown + (f" 等 {len(headers)} 列" if len(headers) > SHOWN_HEADERS else "")


def print_skipped(console: Console, result: FileResult) -> None:
    """Rows neither loaded nor rejected (合计, footers) and sheets that are not registers, with why."""
    name = visible(result.path.name)
    if result.skipped:
        console.print(Text(f"「{name}」跳过 {result.rows_skipped} 行（不是记录，不导入也不算错误）："
                           f"{visible(result.skipped_summary())}"))
    for sheet, why in result.skipped_sheets:
        console.print(Text(f"「{name}」的工作表「{visible(sheet)}」未导入：{visible(why)}"))
    if result.mapping:
        console.print(Text(f"「{name}」按导入方案「{visible(result.mapping)}」对应各列。"))


def print_check(console: Console, check) -> None:
    """`etl check`: each sheet's proposed mapping and first records, then what a load would do."""
    console.print(Text(f"\n文件「{visible(check.path.name)}」", style="bold"))
    if not check.proposals:
        console.print(Text("  找不到可以对应的表头。"))
    for proposal in check.proposals:
        where = f"工作表「{visible(proposal.sheet)}」" if proposal.sheet else "表头"
        console.print(Text(f"  {where}：{proposal.register.title}，表头在第 {proposal.header.last_row + 1} 行"))
        table = Table(show_header=True)
        for name in ("表头", "对应列", "依据", *(f"第{i + 1}条记录" for i in range(len(proposal.sample[:3])))):
            table.add_column(name)
        personal = proposal.header.personal_columns()
        for column in proposal.columns:
            target = proposal.register.column(column.key).header if column.key else "（不导入）"
            cells = [c[column.index] if column.index < len(c) else "" for c in proposal.sample[:3]]
            if column.index in personal:
                cells = [masked_value("户主姓名", c) for c in cells]
            table.add_row(*(Text(visible(mask_text(v) or "", limit=40))
                            for v in (column.label, target, column.source or "未识别", *cells)))
        console.print(table)
    console.print(_files_table(check.results))
    for result in check.results:
        for line, style in _file_lines(result):
            console.print(Text(line, style=style))
        print_skipped(console, result)
        for rejection in result.rejections[:5]:
            value = shown_value(rejection.column_name, rejection.value)
            console.print(Text(f"  第 {rejection.row_no} 行「{visible(rejection.column_name)}」"
                               f"值「{value}」：{visible(rejection.reason)}"))
    console.print(Text("（试导入，数据库未改变。）"))


def _files_table(results: list[FileResult]) -> Table:
    table = Table(title="导入报告")
    for header in ("文件", "登记表", "读取行数", "导入行数", "拒绝行数", "跳过行数", "结果"):
        justify = "right" if "行数" in header else "left"
        table.add_column(header, justify=justify)
    for r in results:
        table.add_row(
            Text(visible(r.path.name) + (f"（{visible(r.sheet)}）" if r.sheet else "")),
            r.register.title if r.register else "—",
            str(r.rows_read), str(r.rows_accepted), str(r.rows_rejected), str(r.rows_skipped),
            status_word(r.status, r.rows_rejected),
        )
    return table


def write_rejected_csv(rows: list[tuple], path: Path) -> Path | None:
    """Every row still rejected, as a CSV Excel opens (UTF-8 with BOM); values masked,
    and no cell Excel would run as a formula."""
    if not rows:
        path.unlink(missing_ok=True)
        return None
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTED_CSV_HEADER)
        writer.writerows([csv_cell(c) for c in row] for row in rows)
    return path
