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
            if "表头" in result.message or "必填列" in result.message:
                console.print(f"  提示：运行 python -m etl check「{result.path}」查看系统建议的列对应，"
                              "可写成导入方案（--write-mapping）修改后用 load --mapping 导入。", highlight=False)
        print_skipped(console, result)
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
            where = f"（{rejection.sheet}）" if rejection.sheet and result.sheet_count > 1 else ""
            console.print(
                f"  {result.path.name}{where} 第 {rejection.row_no} 行「{rejection.column_name}」"
                f"值「{value if value is not None else ''}」：{rejection.reason}",
                highlight=False,
            )
        if csv_path:
            console.print(f"全部被拒绝的行及原因已写入：{csv_path}")


def print_skipped(console: Console, result: FileResult) -> None:
    """Rows neither loaded nor rejected (合计, footers) and sheets that are not registers, with why."""
    if result.skipped:
        console.print(f"「{result.path.name}」跳过 {result.rows_skipped} 行（不是记录，不导入也不算错误）："
                      f"{result.skipped_summary()}", highlight=False)
    for sheet, why in result.skipped_sheets:
        console.print(f"「{result.path.name}」的工作表「{sheet}」未导入：{why}", highlight=False)
    if result.mapping:
        console.print(f"「{result.path.name}」按导入方案「{result.mapping}」对应各列。", highlight=False)


def print_check(console: Console, check) -> None:
    """`etl check`: each sheet's proposed mapping and first records, then what a load would do."""
    console.print(f"\n[bold]文件「{check.path.name}」[/bold]", highlight=False)
    if not check.proposals:
        console.print("  找不到可以对应的表头。", highlight=False)
    for proposal in check.proposals:
        where = f"工作表「{proposal.sheet}」" if proposal.sheet else "表头"
        console.print(f"  {where}：{proposal.register.title}，表头在第 {proposal.header.last_row + 1} 行",
                      highlight=False)
        table = Table(show_header=True)
        for name in ("表头", "对应列", "依据", *(f"第{i + 1}条记录" for i in range(len(proposal.sample[:3])))):
            table.add_column(name)
        personal = proposal.header.personal_columns()
        for column in proposal.columns:
            target = proposal.register.column(column.key).header if column.key else "（不导入）"
            cells = [c[column.index] if column.index < len(c) else "" for c in proposal.sample[:3]]
            if column.index in personal:
                cells = [masked_value("户主姓名", c) for c in cells]
            table.add_row(column.label, target, column.source or "未识别", *cells)
        console.print(table)
    console.print(_files_table(check.results))
    for result in check.results:
        if result.status == UNREADABLE:
            console.print(f"[red]✗ {result.message}[/red]")
        print_skipped(console, result)
        for rejection in result.rejections[:5]:
            value = masked_value(rejection.column_name, rejection.value)
            console.print(f"  第 {rejection.row_no} 行「{rejection.column_name}」值「{value or ''}」："
                          f"{rejection.reason}", highlight=False)
    console.print("（试导入，数据库未改变。）")


def _files_table(results: list[FileResult]) -> Table:
    table = Table(title="导入报告")
    for header in ("文件", "登记表", "读取行数", "导入行数", "拒绝行数", "跳过行数", "结果"):
        justify = "right" if "行数" in header else "left"
        table.add_column(header, justify=justify)
    for r in results:
        table.add_row(
            r.path.name + (f"（{r.sheet}）" if r.sheet else ""),
            r.register.title if r.register else "—",
            str(r.rows_read), str(r.rows_accepted), str(r.rows_rejected), str(r.rows_skipped),
            STATUS_WORDS[r.status],
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
