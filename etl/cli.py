"""`python -m etl`: load, check, mappings, demo, templates and metrics (data contract section 5).

Exit codes of `load`: 0 every row accepted; 1 some rows rejected; 2 a file could
not be read at all; 3 the environment stopped the load (disk full, read-only
folder or database, a lock held too long): nothing was published. Messages are
Chinese, never a traceback; the metrics JSON uses the contract keys.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from etl.bulk_csv import DecodeAhead
from etl.errors import LoadAborted, environment_cause
from etl.loader import (
    ABORTED,
    CSV_SUFFIXES,
    LOADED,
    READ_SHARE,
    REJECTED_CSV,
    SKIPPED,
    STRICT_REFUSED,
    UNCHANGED,
    UNREADABLE,
    FileResult,
    LoadOptions,
    list_files,
    load_file_parts,
    published_unchanged,
    read_options,
    register_files,
)
from etl.mapping import MappingFileError, read_toml
from etl.publish import LOCK_WAIT_SECONDS, publishing
from etl.report import print_report, write_rejected_csv
from etl.safe_text import visible
from queries.db import PROJECT_ROOT, connect_readonly, db_path
from queries.metrics import Period, Settings, as_of_date, every_metric
from queries.rejections import current_rejections
from queries.scope import ScopeError, resolve_scope

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_ENVIRONMENT = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
DEMO_DIR = PROJECT_ROOT / "data" / "demo"
UNTOUCHED = "数据库「{path}」保持原样，本次没有导入任何文件。"


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever goes wrong ends in a Chinese message and an exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("已中断。正在进行的导入没有发布，数据库保持原样。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except LoadAborted as exc:
        print(f"操作未完成：{exc}。数据库保持原样。", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        cause = environment_cause(exc)
        detail = cause or f"程序内部错误 {type(exc).__name__}：{visible(str(exc), 200)}"
        print(f"操作未完成：{detail}。", file=sys.stderr)
        return EXIT_ENVIRONMENT


class ChineseFormatter(argparse.HelpFormatter):
    """argparse's help with Chinese headings."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """argparse with its messages in Chinese: a user never reads an English error."""

    MESSAGES = (
        (r"the following arguments are required: (.*)", "缺少参数：{0}"),
        (r"unrecognized arguments: (.*)", "无法识别的参数：{0}（文件名以“-”开头时，请写成 ./文件名 或完整路径）"),
        (r"argument (\S+): invalid (\S+) value: (.*)", "参数 {0} 的值 {2} 无效"),
        (r"argument (\S+): expected one argument", "参数 {0} 后面缺少值"),
        (r"argument (\S+): invalid choice: (\S+).*", "没有 {1} 这个命令，可用的命令见 python -m etl --help"),
        (r"argument (\S+): (.*)", "参数 {0}：{1}"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=ChineseFormatter, add_help=False, **kwargs)
        self._positionals.title, self._optionals.title = "参数", "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        for pattern, words in self.MESSAGES:
            if match := re.fullmatch(pattern, message):
                message = words.format(*match.groups())
                break
        self.exit(EXIT_UNREADABLE, f"{self.prog}：{message}。用 {self.prog} --help 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="python -m etl", description="人大履职看板：数据导入与统计")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令", parser_class=ChineseParser)

    load = _command(commands, "load", "导入登记表文件或文件夹")
    load.add_argument("paths", nargs="+", type=Path, metavar="路径", help="文件或文件夹")
    load.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    load.add_argument("--strict", action="store_true", help="文件中有任何被拒绝的行时，整个文件不导入")
    _add_layout_options(load)
    load.add_argument("--wait", type=float, default=LOCK_WAIT_SECONDS, metavar="秒",
                      help=f"另一个导入正在进行时最多等待的秒数（默认{LOCK_WAIT_SECONDS}）")
    load.set_defaults(handler=run_load)

    check = _command(commands, "check", "检查文件：显示系统建议的列对应和试导入结果，不写入数据库")
    check.add_argument("paths", nargs="+", type=Path, metavar="文件", help="要检查的文件或文件夹")
    check.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    _add_layout_options(check)
    check.add_argument("--write-mapping", type=Path, metavar="方案.toml",
                       help="把建议的列对应写成导入方案文件，修改后用 load --mapping 导入")
    check.set_defaults(handler=run_check)

    mappings = _command(commands, "mappings", "列出数据库中保存的导入方案")
    mappings.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    mappings.add_argument("--delete", metavar="表头形状", help="删除该表头形状的导入方案")
    mappings.set_defaults(handler=run_mappings)

    demo = _command(commands, "demo", "生成演示县的登记表并导入")
    demo.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    demo.add_argument("--townships", type=int, default=10, help="乡镇个数（默认10；2000 即省级规模）")
    demo.add_argument("--seed", type=int, default=42, help="随机种子（相同种子生成相同数据）")
    demo.add_argument("--out", type=Path, default=DEMO_DIR, help="登记表写入的文件夹（默认 data/demo）")
    demo.set_defaults(handler=run_demo)

    templates = _command(commands, "templates", "生成空白 Excel 登记表模板")
    templates.add_argument("dir", type=Path, metavar="文件夹", help="模板写入的文件夹")
    templates.set_defaults(handler=run_templates)

    export = _command(commands, "export-parquet", "把数据库导出为按县、年份分区的 Parquet 文件（个人信息已隐去）")
    export.add_argument("dir", type=Path, metavar="文件夹", help="导出到的文件夹（其中的同名表会被替换）")
    export.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    export.set_defaults(handler=run_export_parquet)

    metrics = _command(commands, "metrics", "按统计期和范围计算各项指标")
    metrics.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    metrics.add_argument("--from", dest="start", required=True, type=parse_cli_date, help="统计期开始日期")
    metrics.add_argument("--to", dest="end", required=True, type=parse_cli_date, help="统计期结束日期")
    metrics.add_argument("--township", action="append", default=[], help="乡镇名称或代码，可重复")
    metrics.add_argument("--county", help="县名：该县的全部乡镇")
    metrics.add_argument("--json", action="store_true", help="以 JSON 输出（键名按数据约定）")
    metrics.add_argument("--time-limit-days", type=int, default=90, help="办理时限天数（默认90）")
    metrics.add_argument("--due-soon-days", type=int, default=15, help="临期提醒天数（默认15）")
    metrics.set_defaults(handler=run_metrics)

    summary = _command(commands, "summary", "撰写年度或届期工作总结的数据部分（可输出 Word）")
    summary.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    which = summary.add_mutually_exclusive_group(required=True)
    which.add_argument("--year", type=int, help="年度，如 2024")
    which.add_argument("--term", action="store_true", help="本届（从乡镇名册的本届开始日期起五年）")
    summary.add_argument("--township", action="append", default=[], help="乡镇名称或代码，可重复")
    summary.add_argument("--county", help="县名：该县的全部乡镇")
    summary.add_argument("--as-of", type=parse_cli_date, help="届期尚未结束时统计到哪一天（默认今天）")
    summary.add_argument("--docx", type=Path, help="同时写出 Word 文档到此路径")
    summary.add_argument("--template", type=Path, help="Word 模板（默认用系统自带模板）")
    summary.set_defaults(handler=run_summary)

    batch = _command(commands, "briefings", "为每个乡镇和全县各写一份季度简报（Word）")
    batch.add_argument("--db", help="数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB）")
    batch.add_argument("--quarter", required=True, type=parse_quarter, help="季度，如 2026Q3")
    batch.add_argument("--county", action="append", default=[], help="县名，可重复（默认全部县）")
    batch.add_argument("--out", required=True, type=Path, help="简报写入的文件夹")
    batch.set_defaults(handler=run_briefings)

    from etl import users

    users.add_parsers(commands)
    return parser


def _command(commands, name: str, summary: str) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=summary, description=summary)


def _add_layout_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--township", metavar="乡镇",
                         help="没有「乡镇」一列、标题和文件名也没写明乡镇的登记表属于哪个乡镇（名称或代码）")
    command.add_argument("--mapping", action="append", default=[], type=Path, metavar="方案.toml",
                         help="按导入方案文件对应各列（可重复）；导入后方案保存在数据库中，同样表头的文件不必再指定")


def load_options(args) -> LoadOptions:
    """--strict, --township and --mapping as the loader takes them; raises MappingFileError."""
    return LoadOptions(
        strict=getattr(args, "strict", False), township=args.township,
        mappings=tuple(read_toml(path) for path in args.mapping),
    )


def parse_cli_date(text: str) -> dt.date:
    """2020-06-04, 2020/6/4, 2020.6.4 or 20200604."""
    match = re.fullmatch(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})", text.strip())
    try:
        return dt.date(*map(int, match.groups()))
    except (AttributeError, ValueError):
        raise argparse.ArgumentTypeError(f"日期「{text}」无法识别，请按 2020-06-04 填写") from None


def parse_quarter(text: str):
    """2026Q3, 2026q3 or 2026-Q3."""
    from queries.periods import quarter_of

    match = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"季度「{text}」无法识别，请按 2026Q3 填写")
    year, quarter = map(int, match.groups())
    return quarter_of(dt.date(year, 3 * quarter - 2, 1))


def run_load(args) -> int:
    console = Console()
    listing = list_files(args.paths)
    target = db_path(args.db)
    try:
        options = load_options(args)
    except MappingFileError as exc:
        console.print(Text(str(exc), style="red"))
        return EXIT_UNREADABLE
    try:
        results = load_paths(listing.files, target, strict=args.strict, console=console,
                             optional=listing.in_folders, wait_seconds=args.wait,
                             options=options) if listing.files else []
    except LoadAborted as exc:
        aborted = [FileResult(p, ABORTED, message="导入已停止，此文件未导入。") for p in listing.files]
        print_report(console, aborted + listing.others, None)
        console.print(Text(f"✗ 导入未完成：{visible(exc)}。" + UNTOUCHED.format(path=visible(target)), style="red"))
        return EXIT_ENVIRONMENT
    results += listing.others
    try:
        csv_path = _write_rejections(target)
    except OSError as exc:
        print_report(console, results, None)
        console.print(Text(f"✗ 数据已导入，但被拒绝行清单 {REJECTED_CSV} 没能写入：{environment_cause(exc)}。",
                           style="red"))
        return EXIT_ENVIRONMENT
    print_report(console, results, csv_path)
    return exit_code(results)


def _write_rejections(target: Path) -> Path | None:
    """The full list of rows still rejected, as a CSV next to the database."""
    if not target.exists():
        return None
    con = connect_readonly(target)
    try:
        return write_rejected_csv(current_rejections(con), target.with_name(REJECTED_CSV))
    finally:
        con.close()


def load_paths(
    files: list[Path], target: Path, strict: bool = False, console=None, fresh: bool = False,
    optional: set[Path] = frozenset(), wait_seconds: float = LOCK_WAIT_SECONDS, on_wait=None,
    options: LoadOptions | None = None, on_stage: Callable[[int, str], None] | None = None,
):
    """Load files into a copy of `target` and publish it (see etl/publish.py).

    Files whose exact content the published database holds already are "unchanged"
    without a copy of the database being made; when every file is, nothing is copied
    or published at all. `optional`: files found in folders, skipped rather than
    refused when they are no register. One result per register read: a workbook
    holding several gives several. Raises LoadAborted when the environment stops the
    load (nothing published). `options.loaded_by` names who loaded them in load_log
    (default: the command line's OS user); `options.scope` (etl/load_scope.LoadScope)
    restricts the rows an account's upload may change. Each file gets a progress bar;
    `on_stage(file index, stage)` hears the stages (读取, 校验, 写入, 完成) of the file being loaded, in order
    (not the next file's decoding ahead in its thread, which would move a bar back).
    """
    console = console or Console(quiet=True)
    options = options or LoadOptions(strict=strict)
    if options.loaded_by is None:
        options = replace(options, loaded_by=cli_user())
    on_wait = on_wait or (lambda message: console.print(Text(message, style="yellow")))
    unchanged, digests = ({}, {}) if fresh else published_unchanged(target, files, options.scope)
    done = {path: [result] for path, result in unchanged.items()}
    to_load = [path for path in files if path not in done]
    if to_load or fresh:
        with publishing(target, fresh=fresh, wait_seconds=wait_seconds, on_wait=on_wait) as publication, \
                _progress(console) as progress, contextlib.closing(DecodeAhead()) as ahead:
            overall = progress.add_task("全部文件", total=len(to_load))
            bars, reached, loading = {}, {}, [None]
            for path in to_load:
                name = escape(visible(path.name, 40))
                task = progress.add_task(f"等待「{name}」", total=1.0)

                def on_file_stage(stage: str, fraction: float, task=task, name=name, path=path) -> None:
                    # Never back: a file decoded ahead starts its load where decoding left it.
                    reached[task] = max(fraction, reached.get(task, 0.0))
                    progress.update(task, completed=reached[task], description=f"{stage}「{name}」")
                    if on_stage and path == loading[0]:  # not the decode-ahead thread's next file
                        on_stage(files.index(path), stage)
                bars[path] = on_file_stage
            for i, path in enumerate(to_load):
                loading[0] = path
                if on_stage:  # a file decoded ahead has read quietly: its load still starts at 读取
                    on_stage(files.index(path), "读取")
                if i + 1 < len(to_load) and to_load[i + 1].suffix.lower() in CSV_SUFFIXES:
                    following = bars[to_load[i + 1]]
                    ahead.start(to_load[i + 1], read_options(publication.con, options),
                                lambda done, on_stage=following: on_stage("读取", READ_SHARE * done))
                done[path] = load_file_parts(publication.con, path, strict=strict, on_stage=bars[path],
                                             optional=path in optional, options=options, ahead=ahead,
                                             digest=digests[path].current(path) if path in digests else None)
                publication.changed |= any(r.status not in (UNCHANGED, SKIPPED) for r in done[path])
                bars[path]("完成", 1.0)
                progress.advance(overall)
    return [result for path in files for result in done[path]]


def cli_user() -> str:
    """How load_log and the audit log name a command-line operator: 命令行（OS user）."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "未知用户"
    return f"命令行（{name}）"


def _progress(console: Console) -> Progress:
    """A bar for every file, moving as it is read, checked and written, and one for all of them."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )


def exit_code(results) -> int:
    """3 environment, 2 a file unreadable, 1 rows rejected, 0 all accepted (skipped files count for nothing)."""
    if any(r.status == ABORTED for r in results):
        return EXIT_ENVIRONMENT
    if any(r.status == UNREADABLE for r in results):
        return EXIT_UNREADABLE
    if any(r.status in (LOADED, STRICT_REFUSED) and r.rows_rejected for r in results):
        return EXIT_REJECTED
    return EXIT_OK


def run_check(args) -> int:
    from etl.check import check_file
    from etl.report import print_check

    console = Console()
    listing = list_files(args.paths)
    refused = [r for r in listing.others if r.status == UNREADABLE]
    for result in refused:
        console.print(Text(visible(result.message), style="red"))
    if refused:
        return EXIT_UNREADABLE
    try:
        options = load_options(args)
    except MappingFileError as exc:
        console.print(Text(str(exc), style="red"))
        return EXIT_UNREADABLE
    checks = [check_file(path, db_path(args.db), options) for path in listing.files]
    for check in checks:
        print_check(console, check)
    if args.write_mapping:
        written = _write_mapping(checks, args.write_mapping)
        console.print(Text(f"导入方案已写入：{written}" if written else "没有可写的列对应。"))
    return exit_code([r for check in checks for r in check.results])


def _write_mapping(checks, path: Path) -> Path | None:
    """The first sheet's proposed mapping as an editable TOML file."""
    from etl.mapping import to_toml

    proposal = next((p for check in checks for p in check.proposals), None)
    if proposal is None:
        return None
    source = f"{checks[0].path.name}" + (f"（{proposal.sheet}）" if proposal.sheet else "")
    path.write_text(to_toml(proposal.register, proposal.columns, proposal.labels, source), encoding="utf-8")
    return path


def run_mappings(args) -> int:
    from etl.mapping import delete_mapping, mapping_rows

    target = db_path(args.db)
    if not target.exists():
        print(f"数据库文件「{target}」不存在，还没有导入方案。")
        return EXIT_OK
    if args.delete:
        with publishing(target) as publication:
            removed = delete_mapping(publication.con, args.delete)
            publication.changed = bool(removed)
        print(f"已删除导入方案 {args.delete}。" if removed else f"没有表头形状为 {args.delete} 的导入方案。")
        return EXIT_OK if removed else EXIT_UNREADABLE
    con = connect_readonly(target)
    try:
        rows = mapping_rows(con)
    finally:
        con.close()
    if not rows:
        print("数据库中还没有导入方案。")
    for shape, title, headers, columns, name, saved_at in rows:
        mapped = "、".join(f"{h}→{k or '不导入'}" for h, k in columns.items())
        print(f"[{shape}] {title}　来自「{name}」　保存于 {saved_at:%Y-%m-%d %H:%M}")
        print(f"  表头：{'、'.join(headers)}")
        print(f"  对应：{mapped}")
    return EXIT_OK


def run_demo(args) -> int:
    from etl.demo import generate_registers

    console = Console()
    console.print(f"正在生成演示数据（{args.townships} 个乡镇）……")
    files = generate_registers(args.out, townships=args.townships, seed=args.seed)
    target = db_path(args.db)
    results = load_paths(register_files(files), target, console=console, fresh=True)
    print_report(console, results, None)
    console.print(f"演示数据库已生成：{target}")
    _demo_accounts(console, target)
    return EXIT_UNREADABLE if any(r.status == UNREADABLE for r in results) else EXIT_OK


def _demo_accounts(console: Console, target: Path) -> None:
    """One demo account per role (README: 演示账号), for the demo county's first township."""
    from etl.users import ensure_demo_accounts

    con = connect_readonly(target)
    try:
        first = con.execute(
            "SELECT county, township_code FROM townships ORDER BY county, township_code LIMIT 1").fetchall()
    finally:
        con.close()
    if not first:
        return
    made = ensure_demo_accounts(target, *first[0])
    if not made:
        console.print("账号库中已有正式账号，未建立演示账号。")
        return
    console.print("演示账号（仅供演示，正式使用前请用 python -m etl users disable 停用）：")
    for account, password in made:
        console.print(f"  {account.username}　{account.role_name}　密码 {password}", highlight=False)


def run_templates(args) -> int:
    from etl.templates import write_templates

    for path in write_templates(args.dir):
        print(f"已生成模板：{path}")
    return EXIT_OK


def run_export_parquet(args) -> int:
    from etl.export_parquet import export_parquet

    target = db_path(args.db)
    if not target.exists():
        print(f"数据库文件「{target}」不存在，请先导入登记表。", file=sys.stderr)
        return EXIT_UNREADABLE
    for table, rows in export_parquet(target, args.dir):
        print(f"{table}：{rows} 行")
    print(f"已导出到：{args.dir}（按县、年份分区的 Parquet 文件，说明见 manifest.json）")
    return EXIT_OK


def run_metrics(args) -> int:
    target = db_path(args.db)
    if not target.exists():
        print(f"数据库文件「{target}」不存在，请先导入登记表。", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.end < args.start:
        print("统计期结束日期早于开始日期。", file=sys.stderr)
        return EXIT_UNREADABLE
    con = connect_readonly(target)
    try:
        scope = resolve_scope(con, args.township, args.county)
        settings = Settings(args.time_limit_days, args.due_soon_days)
        period = Period(args.start, args.end)
        figures = every_metric(con, scope, period, settings)
        # Not a metric: the day 超期未办结 and 临期 were counted at (the period's end when it is past).
        as_of = as_of_date(con, period, scope=scope)
    except ScopeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        con.close()
    if args.json:
        print(json.dumps({**figures, "as_of": as_of.isoformat()}, ensure_ascii=False, indent=2))
    else:
        print_metrics(figures)
        print(f"超期未办结、临期截至 {as_of:%Y-%m-%d} 计。")
    return EXIT_OK


def print_metrics(figures: dict) -> None:
    from queries.labels import METRICS

    table_console = Console()
    for key, value in figures.items():
        label = METRICS[key]
        if isinstance(value, dict):
            shown = "、".join(f"{k} {v}" for k, v in value.items()) or "—"
        elif value is None:
            shown = "—"
        elif label.unit == "%":
            shown = f"{value:.1%}"
        else:
            shown = f"{value:g} {label.unit}"
        table_console.print(f"{label.name}：{shown}", highlight=False)


def run_summary(args) -> int:
    from queries import summary as summary_queries
    from queries.frames import data_freshness
    from reports.summary import TERM, YEAR, work_summary
    from reports.summary_docx import TemplateProblem, render

    target = db_path(args.db)
    if not target.exists():
        print(f"数据库文件「{target}」不存在，请先导入登记表。", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.template and not args.template.exists():
        print(f"找不到模板文件「{args.template}」。", file=sys.stderr)
        return EXIT_UNREADABLE
    con = connect_readonly(target)
    try:
        scope = resolve_scope(con, args.township, args.county)
        if args.year:
            period = summary_queries.year_period(args.year)
            previous, kind = summary_queries.previous_year(period), YEAR
        else:
            period = summary_queries.term_period(con, scope, args.as_of or dt.date.today())
            previous, kind = summary_queries.previous_term(period), TERM
        names = _township_names(con, scope)
        summary = work_summary(con, scope, period, previous, kind, names, args.county)
        latest = data_freshness(con, scope)["latest_load"]
    except (ScopeError, summary_queries.NoTermStart) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        con.close()
    print(summary.title)
    for section in summary.sections:
        print(f"\n{section.title}\n{section.text}")
    if not summary.sections:
        print(f"\n{summary.period_name}，所选范围暂无代表履职记录。")
    if args.docx:
        template = args.template.read_bytes() if args.template else None
        try:
            data = render(summary, f"{latest:%Y-%m-%d}" if latest else "—", template,
                          args.template.name if args.template else "")
        except TemplateProblem as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_UNREADABLE
        args.docx.parent.mkdir(parents=True, exist_ok=True)
        args.docx.write_bytes(data)
        print(f"\n已写出 Word 文档：{args.docx}")
    return EXIT_OK


def _township_names(con, scope) -> list[str]:
    rows = con.execute("SELECT township_code, township_name FROM townships").fetchall()
    names = dict(rows)
    return [names[c] for c in scope.township_codes]


def run_briefings(args) -> int:
    import warnings

    from reports.briefing_batch import county_batches, write_batch

    # plotly warns on every image that kaleido's persistent server ignores per-call options.
    warnings.filterwarnings("ignore", message="The kopts argument is ignored")

    target = db_path(args.db)
    if not target.exists():
        print(f"数据库文件「{target}」不存在，请先导入登记表。", file=sys.stderr)
        return EXIT_UNREADABLE
    console = Console()
    con = connect_readonly(target)
    try:
        batches = county_batches(con, args.county)
        total = sum(len(b.townships) + 1 for b in batches)
        with _progress(console) as progress:
            task = progress.add_task("正在生成简报", total=total)

            def done(name: str) -> None:
                progress.update(task, advance=1, description=f"已生成「{name}」")

            written = write_batch(con, batches, args.quarter, args.out, on_done=done)
    except ScopeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        con.close()
    for path in written:  # plain print: rich would wrap a long path across lines
        print(f"已写出：{path}")
    print(f"共 {len(written)} 份简报，写入「{args.out}」。")
    return EXIT_OK
