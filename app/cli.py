"""The `mijian` command line: room administration beside the window, same entry point.

Passwords are prompted (getpass) or read from standard input with --password-stdin, never
taken as arguments. Exit 0 on success; otherwise a one-line Chinese message and non-zero.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__, cli_trust
from app.clock import Clock, SystemClock
from app.errors import InvalidInput, MijianError
from app.paths import default_db_path
from app.reports.kinds import TITLES as REPORT_TITLES
from app.roles import BUSINESS_ROLES, Role

if TYPE_CHECKING:
    from app.seal import VerificationKey

# Each command imports what it needs when it runs: parsing the line (and the window's start,
# which parses it too) must not load reportlab, openpyxl, pypinyin and every rule module.

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mijian", description="密件台账：机要室密件管理")
    parser.add_argument("--version", action="version", version=f"mijian {__version__}")
    parser.add_argument(
        "--self-check", action="store_true", help="核对已安装的程序文件与安装清单，然后退出"
    )
    parser.add_argument("--db", type=Path, help="数据库文件（默认：本机的机要室）")
    parser.add_argument("--demo", action="store_true", help="打开演示机要室（不存在则创建）")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    demo = sub.add_parser("demo", help="创建演示机要室")
    demo.add_argument("--db", type=Path, dest="db", required=True)

    init = sub.add_parser("init", help="创建新的机要室")
    _add_db(init)
    init.add_argument("--name", help="机要室名称")
    init.add_argument("--unit", help="所属单位")
    for role in _INIT_ROLES:
        init.add_argument(f"--{role.value.replace('_', '-')}", metavar="登录名=姓名")
    init.add_argument("--password-stdin", action="store_true", help="按顺序从标准输入读各账户密码")
    init.add_argument(
        "--sheet-pdf", type=Path, metavar="OUT.pdf", help="审计验证密钥页写到此处打印"
    )

    cli_trust.add_parsers(sub, _add_login)

    rep = sub.add_parser("report", help="输出报表（PDF；或明文 CSV/XLSX）")
    rep.add_argument(
        "kind",
        choices=list(REPORT_TITLES),
        metavar="KIND",
        help="；".join(f"{k} {title}" for k, title in REPORT_TITLES.items()),
    )
    _add_login(rep)
    rep.add_argument("--year", type=int, help="年度（day-close 以外的报表必填）")
    rep.add_argument(
        "--day",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="day-close：哪一天的日终清点表（默认最近一次清点的那天）",
    )
    rep.add_argument(
        "--months", type=int, default=12, help="review：审查未来几个月内到期的（默认 12）"
    )
    rep.add_argument("--month", type=int, help="handovers：只输出该年这一个月（1–12）")
    rep.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    rep.add_argument(
        "--plaintext-ok", action="store_true", help="确认导出 .csv/.xlsx 明文文件（含涉密目录）"
    )

    slip = sub.add_parser("slip", help="打印一件收文（或发文）各份的处理笺（PDF）")
    _add_login(slip)
    slip.add_argument("number", metavar="编号")
    slip.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    slip.add_argument("--a5", action="store_true", help="A5 纸（默认 A4）")

    chase = sub.add_parser("chase", help="打印清退催收单（各持有单位，或一个单位；PDF）")
    _add_login(chase)
    chase.add_argument("--year", type=int, required=True, help="文件年度")
    chase.add_argument("--unit", help="只催一个单位：全称、简称或拼音首字母（默认各持有单位）")
    chase.add_argument(
        "--deadline",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="退回期限（默认本室清退截止日前 30 天）",
    )
    chase.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")

    scan = sub.add_parser("scan", help="核验一个扫描到的二维码或编号")
    _add_login(scan)
    scan.add_argument("code", metavar="CODE", nargs="?", help="不用 --session 时必填")
    scan.add_argument(
        "--session",
        action="store_true",
        help="从标准输入逐行读扫描（空行＝回车确认，ESC＝清空，F6 说明＝核对异常），逐行回答",
    )

    imp = sub.add_parser("import", help="导入旧收文台账（.xlsx / .xls / .et / .ods / .csv）")
    _add_login(imp)
    imp.add_argument("ledger", type=Path, metavar="LEDGER")

    unl = sub.add_parser("unlock", help="解除账户锁定（安全保密管理员）")
    _add_login(unl)
    unl.add_argument("account", metavar="LOGIN", help="被锁定的账户登录名")
    return parser


_INIT_ROLES = (Role.SYSADMIN, Role.SECURITY_OFFICER, Role.AUDITOR, Role.APPROVER, Role.CUSTODIAN)


def _add_db(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: `mijian --db X check` and `mijian check --db X` both work.
    parser.add_argument("--db", type=Path, dest="db", default=argparse.SUPPRESS)


def _add_login(parser: argparse.ArgumentParser) -> None:
    _add_db(parser)
    parser.add_argument("--user", required=True, help="登录名")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    cli_trust.add_login_options(parser)


def run(args: argparse.Namespace, clock: Clock | None = None) -> int:
    """Run a parsed sub-command; messages go to stdout, errors to stderr."""
    clock = clock or SystemClock()
    db_path: Path = getattr(args, "db", None) or default_db_path()
    reader = _PasswordReader(args.password_stdin if "password_stdin" in args else False)
    try:
        handler = _HANDLERS[args.command]
        return handler(args, db_path, reader, clock)
    except MijianError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return EXIT_ERROR


class _PasswordReader:
    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def __call__(self, prompt: str) -> str:
        if self.from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise InvalidInput("标准输入中没有足够的密码。")
            return line.rstrip("\r\n")
        return getpass.getpass(prompt)


Reader = _PasswordReader


class _Again(_PasswordReader):
    """Answers the login prompt with a password already read (the unlock reads it once)."""

    def __init__(self, password: str) -> None:
        super().__init__(from_stdin=True)
        self._password = password

    def __call__(self, prompt: str) -> str:
        return self._password


_logged_in = cli_trust.logged_in


def _demo(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.demo import create_demo_room

    paths = create_demo_room(db, clock)
    print(
        f"已创建演示机要室：{paths.db}（账户 jiyao、baomi、zhuren、anquan、xitong、shenji，密码 mijian-demo-2026）"
    )
    return EXIT_OK


def _init(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.model import NewAccount
    from app.room import create_room

    name = args.name or input("机要室名称：")
    unit = args.unit or input("所属单位：")
    accounts = []
    for role in _INIT_ROLES:
        given = getattr(args, role.value)
        text = given or input(f"{role.label}（登录名=姓名）：")
        login, sep, person = text.partition("=")
        if not sep:
            raise InvalidInput(f"{role.label}请按“登录名=姓名”填写。")
        password = read(f"{role.label} {login.strip()} 的密码：")
        if not read.from_stdin and read("再输入一次：") != password:
            raise InvalidInput("两次输入的密码不一致。")
        accounts.append(NewAccount(login.strip(), person.strip(), role, password))
    sheets: list[VerificationKey] = []
    paths = create_room(db, name, unit, accounts, clock, on_sheet=sheets.append)
    print(f"已创建机要室：{paths.db}")
    cli_trust.show_sheet(sheets.pop(), args.sheet_pdf, unit, name, clock)
    return EXIT_OK


def _unlock(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.lockout import unlock

    password = read("密码：")  # the security officer's own, for the login and the unlock
    with _logged_in(args, db, _Again(password), clock) as session:
        unlock(session, args.account, password)
    print(f"已解除 {args.account} 的账户锁定。")
    return EXIT_OK


def _report(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.output import deliver_file
    from app.reports.catalog import output as report_output
    from app.reports.export import PLAINTEXT_WARNING
    from app.reports.export import export as export_report

    output: Path = args.output
    if output.exists():
        raise MijianError(f"文件已存在，不会覆盖：{output}")
    day: date | None = args.day
    if args.kind == "day-close":
        args.year = args.year or (day or clock.now().date()).year
        title = f"{REPORT_TITLES[args.kind]}（{day:%Y年%m月%d日}）" if day else "日终清点表"
    elif args.year is None:
        raise MijianError("请用 --year 指定年度。")
    else:
        month = f"{args.month}月" if args.month else ""
        title = f"{REPORT_TITLES[args.kind]}（{args.year}年{month}）"
    if output.suffix.lower() in (".csv", ".xlsx"):
        if not args.plaintext_ok:
            raise MijianError(
                PLAINTEXT_WARNING.replace("确定导出吗？", "确认后加 --plaintext-ok。")
            )
        with _logged_in(args, db, read, clock) as session:
            session.require(*BUSINESS_ROLES)
            rows = export_report(
                session,
                args.kind,
                args.year,
                output,
                args.months,
                replace=False,
                day=day,
                month=args.month,
            )
        print(f"已导出 {title} {rows} 行到明文文件 {output}，请按涉密载体管理。")
        return EXIT_OK
    with _logged_in(args, db, read, clock) as session:
        session.require(*BUSINESS_ROLES)
        report = report_output(
            session, args.kind, args.year, months=args.months, day=day, month=args.month
        )
        # Audited only once the file is completely written; a failed write records nothing.
        deliver_file(output, report.pdf, report.delivered, replace=False)
    print(f"已输出 {title}到 {output}")
    return EXIT_OK


def _import(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.ledger_import import import_ledger

    with _logged_in(args, db, read, clock) as session:
        session.require(Role.CUSTODIAN)  # before a row is read or compared with the register
        report = import_ledger(session, args.ledger, progress=_import_progress())
    if sys.stderr.isatty():
        print(file=sys.stderr)  # end the progress line
    for row in report.rows:
        if row.status == "错误":
            print(f"第 {row.line} 行未导入：{row.message}")
    print(report.summary)
    return EXIT_OK if report.complete else EXIT_FAILED


def _import_progress() -> Callable[[int, int], None] | None:
    """A line on the terminal that counts the rows (a long ledger takes minutes); none in a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r已处理约 {done} / {max(done, total)} 行", end="", file=sys.stderr, flush=True)

    return show


def _slip(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app import documents
    from app.numbers import parse_registration_number, registration_number
    from app.output import OutputFailed, deliver_file
    from app.slip_print import print_slips

    output: Path = args.output
    if output.exists():
        raise MijianError(f"文件已存在，不会覆盖：{output}")
    number = parse_registration_number(args.number)
    if number is None:
        raise InvalidInput(f"收文编号“{args.number}”应写成 2026-0001（发文为 F2026-0001）的形式。")
    with _logged_in(args, db, read, clock) as session:
        session.require(Role.CUSTODIAN)
        document_id = documents.id_by_number(session.db, args.number)
        slips = print_slips(session, document_id, page="A5" if args.a5 else "A4")
        # The slips on paper are retired only once their replacement is completely written.
        try:
            deliver_file(output, slips.pdf, slips.delivered, replace=False)
        except OutputFailed as exc:
            raise OutputFailed(f"{exc.message}此前打印的处理笺仍然有效。") from exc
    print(f"已输出 {registration_number(*number)} 的处理笺到 {output}；此前打印的处理笺已作废。")
    return EXIT_OK


def _chase(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.distribution_print import chase_deadline, print_chases
    from app.output import deliver_file
    from app.units import find_units

    output: Path = args.output
    if output.exists():
        raise MijianError(f"文件已存在，不会覆盖：{output}")
    with _logged_in(args, db, read, clock) as session:
        session.require(Role.CUSTODIAN)
        unit_id = None
        if args.unit is not None:
            found = find_units(session.db, args.unit, include_retired=True)
            exact = [u for u in found if args.unit.strip() in (u.name, u.short_name)]
            if len(exact) == 1 or len(found) == 1:
                unit_id = (exact or found)[0].id
            elif not found:
                raise InvalidInput(f"没有单位“{args.unit}”。")
            else:
                names = "、".join(u.name for u in found[:8])
                raise InvalidInput(f"“{args.unit}”对应多个单位：{names}。请写全称。")
        deadline = args.deadline or chase_deadline(
            session.db, args.year, session.clock.now().date()
        )
        chases = print_chases(session, args.year, deadline, unit_id)
        # Audited, unit by unit, only once the file is completely written.
        deliver_file(output, chases.pdf, chases.delivered, replace=False)
    print(f"已输出 {args.year} 年度清退催收单到 {output}（退回期限 {deadline:%Y-%m-%d}）")
    return EXIT_OK


def _scan(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.counter import Counter, counter_key

    if not args.session and not args.code:
        raise InvalidInput("请给出要核验的扫描内容，或用 --session 从标准输入读取。")
    with _logged_in(args, db, read, clock) as session:
        counter = Counter(session)
        if not args.session:
            print(counter.explain(args.code))  # a scan names a title or a reader
            return EXIT_OK
        for line in sys.stdin:
            view = counter_key(counter, line.rstrip("\r\n"))
            print(f"[{view.tone}] {view.banner}", flush=True)
    return EXIT_OK


_HANDLERS: dict[str, Callable[[argparse.Namespace, Path, Reader, Clock], int]] = {
    "slip": _slip,
    "chase": _chase,
    "scan": _scan,
    "import": _import,
    "report": _report,
    "demo": _demo,
    "init": _init,
    **cli_trust.HANDLERS,
    "unlock": _unlock,
}


def main(argv: Sequence[str] | None = None) -> int:
    """The command line without the window (the window's entry is ui.main.main)."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        print("请指定命令，或用 mijian 打开窗口。", file=sys.stderr)
        return EXIT_ERROR
    return run(args)
