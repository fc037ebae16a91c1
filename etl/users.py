"""`python -m etl users …` and `python -m etl audit`: accounts on the command line.

The command line is the server operator's: it may create any account, including the
first 县人大（管理） of a fresh install (the dashboard has no open door: without an
account nobody can sign in). Passwords are read without echo (getpass) or, for
scripts, from standard input with --password-stdin; they are never taken as an
argument, where the shell history and the process list would keep them.
"""

from __future__ import annotations

import getpass
import sys

from etl.accounts import (
    COUNTY_VIEWER,
    ROLES,
    SYSTEM_ADMIN,
    TOWNSHIP_ADMIN,
    TOWNSHIP_VIEWER,
    Account,
    AccountError,
    AccountStore,
)
from queries.db import connect_readonly, db_path
from queries.labels import AUDIT_EVENTS, ROLE_NAMES

EXIT_OK, EXIT_ERROR = 0, 2
DB_HELP = "数据库文件（默认 data/dashboard.duckdb 或 DASHBOARD_DB；账号库在其旁边，或 DASHBOARD_ACCOUNTS_DB）"

# Demo accounts `etl demo` creates, one per role; the README lists them (演示 only).
DEMO_PASSWORD_NOTE = "演示账号，密码见 README，正式使用前请停用"


def demo_accounts(county: str, township_code: str) -> list[tuple[Account, str]]:
    return [
        (Account("xitong", "演示·系统管理员", SYSTEM_ADMIN), "yanshi-2026-sys"),
        (Account("xian_guanli", "演示·县人大管理员", "county_admin", county=county), "yanshi-2026-xg"),
        (Account("xian_chakan", "演示·县人大领导", COUNTY_VIEWER, county=county), "yanshi-2026-xc"),
        (Account("zhen_guanli", "演示·乡镇人大管理员", TOWNSHIP_ADMIN, county=county, township_code=township_code),
         "yanshi-2026-zg"),
        (Account("zhen_chakan", "演示·乡镇人大主席", TOWNSHIP_VIEWER, county=county, township_code=township_code),
         "yanshi-2026-zc"),
    ]


def add_parsers(commands) -> None:
    users = commands.add_parser("users", help="管理看板账号", description="管理看板账号（账号、角色、所属县或乡镇）")
    actions = users.add_subparsers(dest="action", required=True, metavar="操作", help="要做的账号操作")

    def action(name: str, summary: str, handler, password: bool = False, username: bool = True):
        parser = actions.add_parser(name, help=summary, description=summary)
        if username:
            parser.add_argument("username", metavar="账号", help="账号名")
        parser.add_argument("--db", help=DB_HELP)
        if password:
            parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
        parser.set_defaults(handler=handler)
        return parser

    add = action("add", "新建账号；密码在提示时输入（不回显）", run_add, password=True)
    add.add_argument("--role", required=True, choices=ROLES,
                     help="角色：" + "；".join(f"{k} {v}" for k, v in ROLE_NAMES.items()))
    add.add_argument("--county", help="所属县（县人大账号必填；乡镇账号可由乡镇名册得出）")
    add.add_argument("--township", help="所属乡镇代码（乡镇账号必填）")
    add.add_argument("--name", default="", help="姓名或单位（显示用）")
    action("passwd", "重设密码；该账号已登录的会话全部失效", run_passwd, password=True)
    action("disable", "停用账号（其登录立即失效）", run_disable)
    action("enable", "重新启用账号", run_enable)
    action("unlock", "解除因密码错误造成的锁定", run_unlock)
    listing = action("list", "列出账号（不含密码）", run_list, username=False)
    listing.add_argument("--county", help="只列出该县的账号")
    rankings = action(
        "rankings", "乡镇对比排名是否对本县乡镇账号公开（默认不公开：乡镇账号只看到本乡镇、全县平均和名次）",
        run_rankings, username=False)
    rankings.add_argument("county", metavar="县", help="县名（与乡镇名册中的所属县一致）")
    rankings.add_argument("choice", choices=["on", "off"], metavar="on|off", help="on 公开，off 不公开")

    audit = commands.add_parser("audit", help="查看或校验审计日志", description="查看审计日志；--verify 校验是否被改动")
    audit.add_argument("--db", help=DB_HELP)
    audit.add_argument("--verify", action="store_true", help="校验审计日志的哈希链（发现被改动或删除的行）")
    audit.add_argument("--limit", type=int, default=50, help="显示最近多少条（默认50）")
    audit.set_defaults(handler=run_audit)


def _store(args) -> AccountStore:
    return AccountStore.beside(args.db)


def _operator() -> str:
    from etl.cli import cli_user

    return cli_user()


def _read_password(args, confirm: bool = True) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("密码：")
    if confirm and getpass.getpass("再输入一次：") != password:
        raise AccountError("两次输入的密码不一致。")
    return password


def _township_county(args, township: str) -> str | None:
    """The county of a township code on the data file's roster (None if not there)."""
    target = db_path(args.db)
    if not target.exists():
        return None
    con = connect_readonly(target)
    try:
        found = con.execute("SELECT county FROM townships WHERE township_code = ?", [township]).fetchall()
    finally:
        con.close()
    return found[0][0] if found else None


def _refused(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_ERROR


def run_add(args) -> int:
    county = args.county
    if args.role in (TOWNSHIP_ADMIN, TOWNSHIP_VIEWER) and args.township:
        on_roster = _township_county(args, args.township)
        if on_roster and county and county != on_roster:
            return _refused(f"乡镇「{args.township}」在乡镇名册中属于「{on_roster}」，不是「{county}」。")
        county = county or on_roster
        if county is None:
            return _refused(f"乡镇名册中没有乡镇代码「{args.township}」，请先导入乡镇名册，或用 --county 指明所属县。")
    try:
        password = _read_password(args)
        account = _store(args).add(Account(args.username, args.name, args.role, county, args.township),
                                   password, by=_operator())
    except AccountError as exc:
        return _refused(str(exc))
    print(f"已建立账号：{account.describe()}")
    return EXIT_OK


def run_passwd(args) -> int:
    try:
        _store(args).set_password(args.username, _read_password(args), by=_operator())
    except AccountError as exc:
        return _refused(str(exc))
    print(f"已重设「{args.username}」的密码，该账号原有的登录已全部失效。")
    return EXIT_OK


def _change(args, change, done: str) -> int:
    try:
        change(_store(args))
    except AccountError as exc:
        return _refused(str(exc))
    print(done)
    return EXIT_OK


def run_disable(args) -> int:
    return _change(args, lambda s: s.set_disabled(args.username, True, by=_operator()),
                   f"已停用「{args.username}」，其登录已全部失效。")


def run_enable(args) -> int:
    return _change(args, lambda s: s.set_disabled(args.username, False, by=_operator()), f"已启用「{args.username}」。")


def run_unlock(args) -> int:
    return _change(args, lambda s: s.unlock(args.username, by=_operator()), f"已解除「{args.username}」的锁定。")


def run_rankings(args) -> int:
    publish = args.choice == "on"
    _store(args).set_publish_rankings(args.county, publish, by=_operator())
    print(f"{args.county}的乡镇对比排名{'已对乡镇账号公开' if publish else '不对乡镇账号公开'}。")
    return EXIT_OK


def run_list(args) -> int:
    rows = _store(args).accounts(args.county)
    if not rows:
        print("还没有账号。用 python -m etl users add 建立。")
        return EXIT_OK
    for row in rows:
        state = "停用" if row["disabled"] else ("锁定" if row["locked_until"] else "正常")
        where = row["township_code"] or row["county"] or "全部县"
        demo = "　【演示】" if row["is_demo"] else ""
        print(f"{row['username']}\t{ROLE_NAMES[row['role']]}\t{where}\t{state}\t{row['display_name']}{demo}")
    return EXIT_OK


def run_audit(args) -> int:
    store = _store(args)
    if args.verify:
        checked, broken = store.verify_audit()
        if broken is not None:
            return _refused(f"审计日志第 {broken} 条起哈希链不符：该行或其前一行已被改动或删除。共 {checked} 条。")
        print(f"审计日志完整：共 {checked} 条，哈希链无误。")
        return EXIT_OK
    for row in reversed(store.audit_rows(limit=args.limit)):
        print(f"{row['occurred_at']:%Y-%m-%d %H:%M:%S}\t{row['username'] or '—'}\t"
              f"{AUDIT_EVENTS.get(row['event'], row['event'])}\t{row['detail']}")
    return EXIT_OK


def ensure_demo_accounts(data_db, county: str, township_code: str) -> list[tuple[Account, str]]:
    """The demo accounts of `etl demo` (skipped when the store already holds real accounts)."""
    store = AccountStore.beside(data_db)
    if any(not row["is_demo"] for row in store.accounts()):
        return []
    made = []
    for account, password in demo_accounts(county, township_code):
        if store.get(account.username) is None:
            store.add(account, password, by="演示数据（etl demo）", is_demo=True)
        made.append((account, password))
    return made
