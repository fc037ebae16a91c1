"""The load report: a table of files on the terminal and every rejected row as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console
from rich.table import Table

from etl.loader import LOADED, STRICT_REFUSED, UNCHANGED, UNREADABLE, FileResult
from etl.registers import REGISTERS
from queries.privacy import mask_name, mask_phone

SHOWN_REJECTIONS = 20
STATUS_WORDS = {
    LOADED: "已导入",
    UNCHANGED: "未变化，跳过",
    STRICT_REFUSED: "有错误，整个文件未导入（--strict）",
    UNREADABLE: "无法读取",
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
    return _MASKS.get(column, lambda v: v)(value)


def print_report(console: Console, results: list[FileResult], csv_path: Path | None) -> None:
    console.print(_files_table(results))
    for result in results:
        if result.status == UNREADABLE:
            console.print(f"[red]✗ {result.message}[/red]")
        if result.extra_headers:
            console.print(
                f"「{result.path.name}」中以下列不在登记表格式中，未导入："
                + "、".join(result.extra_headers)
            )
        for roster, rows in result.unchecked_references.items():
            console.print(
                f"[yellow]提示：{roster}尚未导入，「{result.path.name}」中 {rows} 行的"
                "编号未能核对，导入名册后请重新导入此文件。[/yellow]"
            )
    rejected = [(r, j) for r in results for j in r.rejections]
    if rejected:
        console.print(f"\n被拒绝的行（共 {len(rejected)} 行，显示前 {SHOWN_REJECTIONS} 行）：")
        for result, rejection in rejected[:SHOWN_REJECTIONS]:
            value = masked_value(rejection.column_name, rejection.value)
            console.print(
                f"  {result.path.name} 第 {rejection.row_no} 行「{rejection.column_name}」"
                f"值「{value if value is not None else ''}」：{rejection.reason}",
                highlight=False,
            )
        if csv_path:
            console.print(f"全部被拒绝的行及原因已写入：{csv_path}")


def _files_table(results: list[FileResult]) -> Table:
    table = Table(title="导入报告")
    for header in ("文件", "登记表", "读取行数", "导入行数", "拒绝行数", "结果"):
        justify = "right" if "行数" in header else "left"
        table.add_column(header, justify=justify)
    for r in results:
        table.add_row(
            r.path.name + (f"（{r.sheet}）" if r.sheet else ""),
            r.register.title if r.register else "—",
            str(r.rows_read), str(r.rows_accepted), str(r.rows_rejected),
            status_word(r.status, r.rows_rejected),
        )
    return table


def write_rejected_csv(rows: list[tuple], path: Path) -> Path | None:
    """Every row still rejected, as a CSV Excel opens (UTF-8 with BOM); values masked."""
    if not rows:
        path.unlink(missing_ok=True)
        return None
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTED_CSV_HEADER)
        writer.writerows(rows)
    return path
