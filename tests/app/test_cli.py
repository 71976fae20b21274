"""The `mijian` command line, run as a user would run it: a real process, real files."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.paths import RoomPaths
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def mijian(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_version_matches_pyproject(tmp_path: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = mijian(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mijian {version}"


def test_the_quick_check(tmp_path: Path, room: RoomPaths) -> None:
    result = mijian(
        tmp_path,
        "check",
        "--quick",
        "--db",
        str(room.db),
        "--user",
        "shenji",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "快速校验：未逐页校验文件与加密" in result.stdout and "起完整：" in result.stdout
    assert "文件与加密校验：通过" not in result.stdout  # it did not read every page


def test_check_verify_backup_restore(tmp_path: Path, room: RoomPaths) -> None:
    db = str(room.db)
    result = mijian(
        tmp_path, "check", "--db", db, "--user", "shenji", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert "文件与加密校验：通过" in result.stdout
    assert "链完整：" in result.stdout

    result = mijian(
        tmp_path,
        "audit",
        "verify",
        "--db",
        db,
        "--user",
        "shenji",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0
    assert result.stdout.startswith("链完整：")

    out = tmp_path / "b" / "copy.mjdb"
    result = mijian(
        tmp_path,
        "backup",
        "--db",
        db,
        "--user",
        "xitong",
        "--password-stdin",
        str(out),
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert out.exists() and Path(f"{out}.keys").exists()

    result = mijian(
        tmp_path,
        "restore",
        "--db",
        db,
        "--user",
        "xitong",
        "--password-stdin",
        str(out),
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "原数据库已保留为" in result.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check", "--user", "shenji", "--password-stdin"], "wrong\n", "用户名或密码不正确"),
        (["check", "--user", "shenji", "--password-stdin"], "", "没有足够的密码"),
        (
            ["backup", "--user", "jiyao", "--password-stdin", "x.mjdb"],
            PASSWORD + "\n",
            "仅限系统管理员",
        ),
        (["audit", "verify", "--user", "jiyao", "--password-stdin"], PASSWORD + "\n", "此操作仅限"),
    ],
)
def test_refusals_are_one_chinese_line(
    tmp_path: Path, room: RoomPaths, args: list[str], stdin: str, message: str
) -> None:
    result = mijian(tmp_path, *args, "--db", str(room.db), stdin=stdin)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and message in lines[0]


def test_a_file_that_is_not_a_room(tmp_path: Path) -> None:
    (tmp_path / "x.mjdb").write_bytes(b"hello")
    result = mijian(
        tmp_path,
        "check",
        "--db",
        str(tmp_path / "x.mjdb"),
        "--user",
        "a",
        "--password-stdin",
        stdin="p\n",
    )
    assert result.returncode == 2
    assert "密钥文件" in result.stderr


def test_demo_and_init_create_rooms(tmp_path: Path) -> None:
    result = mijian(tmp_path, "demo", "--db", str(tmp_path / "d.mjdb"))
    assert result.returncode == 0, result.stderr
    assert "jiyao" in result.stdout
    result = mijian(tmp_path, "demo", "--db", str(tmp_path / "d.mjdb"))
    assert result.returncode == 2 and "不会覆盖" in result.stderr
    _the_demo_holds_a_finished_and_an_open_campaign(tmp_path / "d.mjdb")

    passwords = (
        "\n".join(
            ["Admin-pass-01", "Secur-pass-02", "Audit-pass-03", "Appro-pass-05", "Custo-pass-04"]
        )
        + "\n"
    )
    result = mijian(
        tmp_path,
        "init",
        "--db",
        str(tmp_path / "n.mjdb"),
        "--name",
        "机要室",
        "--unit",
        "某单位",
        "--sysadmin",
        "admin=甲",
        "--security-officer",
        "sec=乙",
        "--auditor",
        "aud=丙",
        "--approver",
        "apr=戊",
        "--custodian",
        "cus=丁",
        "--password-stdin",
        stdin=passwords,
    )
    assert result.returncode == 0, result.stderr
    result = mijian(
        tmp_path,
        "check",
        "--db",
        str(tmp_path / "n.mjdb"),
        "--user",
        "aud",
        "--password-stdin",
        stdin="Audit-pass-03\n",
    )
    assert result.returncode == 0, result.stderr


def test_chase_sheets_from_the_command_line(tmp_path: Path, room: RoomPaths, clock) -> None:
    """`mijian chase`: the 清退催收单 of every unit holding a year's copies, or of one unit
    named as the custodian knows it, with the page's default 退回期限; audited per unit once
    the file is written."""
    from datetime import date, timedelta

    from app import audit, distribution, registry
    from app.distribution_print import chase_deadline
    from app.people import ReaderInput, add_reader
    from app.session import open_session
    from app.units import UnitInput, add_unit
    from tests.app.test_registry import doc
    from tests.pdf_tools import text_of

    officer = open_session(room.db, "baomi", PASSWORD, clock)
    signer = add_reader(officer, ReaderInput("赵镇长", "城关镇", "镇长", "重要")).id
    officer.close()
    custodian = open_session(room.db, "jiyao", PASSWORD, clock)
    copies = [c.id for c in registry.register(custodian, doc(copy_numbers="1-3")).copies]
    town = add_unit(custodian, UnitInput("城关镇", "乡镇街道"))
    add_unit(custodian, UnitInput("城南街道", "乡镇街道"))
    office = add_unit(custodian, UnitInput("区委办公室", "部门", "区委办"))

    distribution.issue(custodian, town.id, signer, copies[:1])
    distribution.issue(custodian, office.id, signer, copies[1:])
    deadline = chase_deadline(custodian.db, 2026, date.today())
    custodian.close()
    login = ("--db", str(room.db), "--user", "jiyao", "--password-stdin")

    def chase(*args: str) -> subprocess.CompletedProcess[str]:
        return mijian(tmp_path, "chase", *login, "--year", "2026", *args, stdin=PASSWORD + "\n")

    every = chase("-o", str(tmp_path / "all.pdf"))
    assert every.returncode == 0, every.stderr
    assert f"退回期限 {deadline:%Y-%m-%d}" in every.stdout
    assert text_of(tmp_path / "all.pdf").count("清退催收单") == 2
    later = date.today() + timedelta(days=60)
    one = chase("--unit", "区委办", "--deadline", f"{later}", "-o", str(tmp_path / "one.pdf"))
    assert one.returncode == 0, one.stderr
    text = text_of(tmp_path / "one.pdf")
    assert "区委办公室" in text and "城关镇" not in text and f"{later:%Y年%m月%d日}" in text
    past = chase("--deadline", "2026-01-01", "-o", str(tmp_path / "past.pdf"))
    assert past.returncode != 0 and "退回期限 2026-01-01 已过" in past.stderr
    vague = chase("--unit", "城", "-o", str(tmp_path / "vague.pdf"))
    assert vague.returncode != 0 and "对应多个单位：" in vague.stderr
    assert "城关镇" in vague.stderr and not (tmp_path / "vague.pdf").exists()
    reader = open_session(room.db, "jiyao", PASSWORD, clock)
    events = [e.object for e in audit.page(reader.db, None, 20) if e.action == "清退催收"]
    reader.close()
    assert events[0] == "unit:区委办公室"  # the last, for one unit; before it, every unit
    assert sorted(events[1:]) == ["unit:区委办公室", "unit:城关镇"]


def test_slip_and_scan_from_the_command_line(tmp_path: Path, room: RoomPaths, clock) -> None:
    from app import registry
    from app.session import open_session
    from tests.app.test_registry import doc
    from tests.pdf_tools import rasterise

    custodian = open_session(room.db, "jiyao", PASSWORD, clock)
    registry.register(custodian, doc(copy_numbers="7-8"))
    custodian.close()
    out = tmp_path / "slips.pdf"
    made = mijian(
        tmp_path,
        "slip",
        "--db",
        str(room.db),
        "--user",
        "jiyao",
        "--password-stdin",
        "2026-1",  # typed short: the message names the number in full
        "-o",
        str(out),
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert "已输出 2026-0001 的处理笺" in made.stdout
    import zxingcpp
    from PIL import Image

    codes = [zxingcpp.read_barcodes(Image.open(p))[0].text for p in rasterise(out, dpi=150)]
    ok = mijian(
        tmp_path,
        "scan",
        "--db",
        str(room.db),
        "--user",
        "jiyao",
        "--password-stdin",
        codes[1],
        stdin=PASSWORD + "\n",
    )
    assert ok.returncode == 0 and "2026-0001 第000008份" in ok.stdout
    bad = mijian(
        tmp_path,
        "scan",
        "--db",
        str(room.db),
        "--user",
        "jiyao",
        "--password-stdin",
        codes[1][:-1] + ("Q" if codes[1][-1] != "Q" else "R"),
        stdin=PASSWORD + "\n",
    )
    assert bad.returncode == 2 and "二维码校验失败" in bad.stderr


@pytest.mark.parametrize(
    "kind", ["recall", "destruction", "stats", "handovers", "review", "selfcheck", "ends"]
)
def test_year_end_reports_from_the_command_line(tmp_path: Path, room: RoomPaths, kind) -> None:
    from tests.pdf_tools import text_of, unembedded_fonts

    out = tmp_path / f"{kind}.pdf"
    args = ("report", kind, "--db", str(room.db), "--user", "baomi", "--password-stdin")
    made = mijian(tmp_path, *args, "--year", "2026", "-o", str(out), stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert text_of(out).strip() and not unembedded_fonts(out)
    if kind != "stats":
        return
    sheet = tmp_path / "stats.csv"
    refused = mijian(tmp_path, *args, "--year", "2026", "-o", str(sheet), stdin=PASSWORD + "\n")
    assert refused.returncode != 0 and "明文" in refused.stderr and not sheet.exists()
    done = mijian(
        tmp_path,
        *args,
        "--year",
        "2026",
        "-o",
        str(sheet),
        "--plaintext-ok",
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0 and "项目,分类" in sheet.read_text(encoding="utf-8-sig")


def _the_demo_holds_a_finished_and_an_open_campaign(db: Path) -> None:
    from app import audit, destruction, recall
    from app.clock import SystemClock
    from app.session import open_session

    session = open_session(db, "baomi", PASSWORD, SystemClock())
    try:
        this_year = session.clock.now().year
        last = recall.campaign(session.db, this_year - 1)
        assert last is not None and last.closed
        outcomes = recall.progress(recall.rows(session.db, this_year - 1)).outcomes
        assert set(outcomes) == {"已清退", "已销毁", "留用"}
        batches = destruction.batches(session.db)
        assert [b.state for b in batches].count("已销毁") == 2
        assert any(b.state == "待审批" for b in batches)
        current = recall.campaign(session.db, this_year)
        assert current is not None and not current.closed
        assert audit.verify(session.db).ok
    finally:
        session.close()


def test_the_command_line_offers_exactly_the_catalogues_reports() -> None:
    from app.reports.catalog import REPORTS
    from app.reports.kinds import TITLES

    assert {kind: report.title for kind, report in REPORTS.items()} == TITLES


def test_starting_imports_only_what_the_login_needs() -> None:
    """`mijian --version`, any command's parsing and the window's start up to the login dialog
    load no report, ledger or pinyin library (they cost about half a second)."""
    import subprocess
    import sys

    probe = (
        "import sys, ui.main; ui.main.cli.build_parser().parse_args(['--demo']);"
        "print(' '.join(sorted(m for m in ('reportlab', 'openpyxl', 'pypinyin', 'python_calamine',"
        " 'app.desk', 'app.reports.catalog', 'PySide6') if m in sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_the_handover_register_of_one_month(tmp_path: Path, room: RoomPaths) -> None:
    from tests.pdf_tools import text_of

    out = tmp_path / "november.pdf"
    args = ("report", "handovers", "--db", str(room.db), "--user", "jiyao", "--password-stdin")
    result = mijian(
        tmp_path, *args, "--year", "2026", "--month", "11", "-o", str(out), stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert "借阅登记（2026年11月）" in result.stdout
    assert "2026年11月" in "".join(text_of(out).split())
    bad = mijian(
        tmp_path,
        *args,
        "--year",
        "2026",
        "--month",
        "13",
        "-o",
        str(out) + "x",
        stdin=PASSWORD + "\n",
    )
    assert bad.returncode != 0 and "月份须在 1 到 12 之间" in bad.stderr
