"""The command line of the trail and the room's files: check, audit, backup, restore."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.clock import Clock
from app.errors import MijianError
from app.model import Credential

if TYPE_CHECKING:
    from app.seal import VerificationKey
    from app.session import Session

# Each command imports what it needs when it runs (see app/cli.py).

EXIT_OK, EXIT_FAILED = 0, 1


class Reader(Protocol):
    from_stdin: bool

    def __call__(self, prompt: str) -> str: ...


def add_login_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--accept-rollback",
        metavar="安全保密管理员登录名",
        help="机要室文件落后于锚点时，由安全保密管理员确认后仍打开（其密码随后输入）",
    )


def add_parsers(sub: argparse._SubParsersAction, add_login: Callable[..., None]) -> None:  # type: ignore[type-arg]
    check = sub.add_parser("check", help="校验文件、加密、审计链、结构与业务记录")
    add_login(check)
    check.add_argument(
        "--quick",
        action="store_true",
        help="快速校验：结构、日终链头、封存、新近的审计链与借出状态",
    )

    aud = sub.add_parser("audit", help="审计链")
    aud_sub = aud.add_subparsers(dest="audit_command", metavar="子命令", required=True)
    verify = aud_sub.add_parser("verify", help="校验审计链；--sheet 用审计验证密钥逐期验证封存")
    add_login(verify)
    verify.add_argument("--sheet", action="store_true", help="输入或扫描审计验证密钥，逐期验证")
    verify.add_argument("--head", metavar="链头", help="查找日终清点表上印的链头")
    verify.add_argument(
        "--accept-jump",
        type=int,
        action="append",
        default=[],
        metavar="期号",
        help="已与纸质恢复记录核对的期号跳跃（跳到的期号；可重复）",
    )
    start = aud_sub.add_parser("start-seal", help="开始封存审计链（升级自旧版本的机要室）")
    add_login(start)
    start.add_argument("--sheet-pdf", type=Path, metavar="OUT.pdf", help="把密钥页写到此处打印")
    resume = aud_sub.add_parser("resume-seal", help="从备份恢复后，用审计验证密钥恢复封存")
    add_login(resume)

    bak = sub.add_parser("backup", help="备份机要室（加密）")
    add_login(bak)
    bak.add_argument("out", type=Path, metavar="OUT")

    res = sub.add_parser("restore", help="从备份恢复")
    add_login(res)
    res.add_argument("source", type=Path, metavar="IN")
    res.add_argument(
        "--older-ok",
        metavar="安全保密管理员登录名",
        help="备份较旧或现有机要室无法打开时，由安全保密管理员确认（其密码随后输入）",
    )
    res.add_argument("--printed-head", metavar="链头", help="最近一张日终清点表上印的链头")
    res.add_argument(
        "--older-than-printed",
        action="store_true",
        help="安全保密管理员确认备份早于该日终清点表，仍要恢复",
    )


@contextmanager
def logged_in(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> Iterator[Session]:
    """A session for one command, beside any open window (no instance lock), always closed."""
    from app.session import open_session

    password = read("密码：")
    accept = None
    if getattr(args, "accept_rollback", None):
        accept = Credential(
            args.accept_rollback, read(f"安全保密管理员 {args.accept_rollback} 的密码：")
        )
    session = open_session(db, args.user, password, clock, exclusive=False, accept_rollback=accept)
    try:
        yield session
    finally:
        session.close()


def show_sheet(key: VerificationKey, out: Path | None, unit: str, name: str, clock: Clock) -> None:
    """The command line's sheet: the key on the terminal, and the PDF only where asked."""
    print("审计验证密钥（只显示这一次，程序不保存；请打印或抄写后交安全保密管理员封存于保密柜）：")
    print("  " + "  ".join(key.groups))
    print(f"  校验码 {key.check}；二维码内容 {key.text}")
    if out is not None:
        from app.reports.seal_sheet_pdf import render_seal_sheet

        out.write_bytes(render_seal_sheet(key, unit, name, clock.now()))
        print(f"密钥页已写到 {out}：打印后请删除该文件。")


def _check(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.maintenance import check_room, quick_check

    with logged_in(args, db, read, clock) as session:
        report = quick_check(session) if args.quick else check_room(session)
    print("\n".join(report.lines))
    return EXIT_OK if report.ok else EXIT_FAILED


def _audit(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app import trail

    with logged_in(args, db, read, clock) as session:
        if args.audit_command == "start-seal":
            key = trail.begin_sealing(session)
            show_sheet(key, args.sheet_pdf, session.room.unit, session.room.name, clock)
            return EXIT_OK
        if args.audit_command == "resume-seal":
            period = trail.resume_sealing(session, read("审计验证密钥（扫描二维码或输入）："))
            print(f"封存已恢复，自第 {period} 期继续。")
            return EXIT_OK
        if args.head:
            line = trail.find_head(session, args.head)
            found = "不在审计链中" not in line
            print(line, file=sys.stdout if found else sys.stderr)
            return EXIT_OK if found else EXIT_FAILED
        if args.sheet:
            sealed = trail.verify(
                session,
                read("审计验证密钥（扫描二维码或输入）："),
                _progress,
                accepted_jumps=frozenset(args.accept_jump),
            )
            print("\n".join(sealed.lines), file=sys.stdout if sealed.ok else sys.stderr)
            return EXIT_OK if sealed.ok else EXIT_FAILED
        report = trail.chain_only(session, _progress)
    print(report.message, file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def _progress(done: int) -> None:
    """A line on stderr every 100,000 events, so a long trail shows it is moving (0: a long
    trail is being verified on every core at once)."""
    if done == 0:
        print("审计记录较多，正在多路并行校验…", file=sys.stderr, flush=True)
    elif done % 100_000 == 0:
        print(f"已校验 {done} 条…", file=sys.stderr, flush=True)


def _backup(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.maintenance import backup

    with logged_in(args, db, read, clock) as session:
        target = backup(session, args.out)
    print(
        f"已备份到 {target.db}（密钥文件 {target.keys.name}、锚点 {target.anchor.name}，须一起保存）"
    )
    return EXIT_OK


def _restore(args: argparse.Namespace, db: Path, read: Reader, clock: Clock) -> int:
    from app.restore import restore

    password = read("密码：")
    officer = None
    if args.older_ok:
        officer = Credential(args.older_ok, read(f"安全保密管理员 {args.older_ok} 的密码："))
    aside = restore(
        db,
        args.user,
        password,
        args.source,
        clock,
        officer,
        args.printed_head,
        args.older_than_printed,
    )
    kept = f"；原数据库已保留为 {aside}" if aside else ""
    print(f"已从 {args.source} 恢复到 {db}{kept}")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Path, Reader, Clock], int]] = {
    "check": _check,
    "audit": _audit,
    "backup": _backup,
    "restore": _restore,
}

__all__ = ["HANDLERS", "MijianError", "add_login_options", "add_parsers", "logged_in", "show_sheet"]
