"""No administrator reaches business content: every read function and command that returns
titles, 文号, readers or 批示 is tried as 系统管理员, 安全保密管理员 and 安全审计员 on the demo room
with its content, and no title, 文号, reader or 批示 of it appears in any answer.

The figure this file proves (issue 11): N read paths tried by the three administrators, 0 titles
reachable. The window's pages are tried in tests/ui/test_read_paths_window.py.
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app import (
    audit,
    audit_view,
    cabinets,
    cli,
    completion,
    departure,
    folders,
    grants,
    ledger_import,
    on_spot,
    outgoing_print,
    outgoing_records,
    returned_mail,
    scanning,
    sign_clock,
    slip_print,
    stocktake,
    stocktake_records,
)
from app.clock import FixedClock
from app.demo import create_demo_room
from app.errors import MijianError, PermissionDenied
from app.paths import RoomPaths
from app.reports import catalog, export
from app.roles import Role
from app.session import Session, open_session
from db.keyslots import KdfParams
from tests.conftest import PASSWORD, START

ADMINISTRATORS = ("xitong", "anquan", "shenji")
YEAR = 2026


@pytest.fixture(scope="module")
def content_room(tmp_path_factory: pytest.TempPathFactory) -> RoomPaths:
    where = tmp_path_factory.mktemp("content") / "room.mjdb"
    return create_demo_room(where, FixedClock(START), KdfParams(time_cost=1, memory_kib=8192))


@dataclass(frozen=True)
class Secrets:
    """The demo content an administrator must never see, and handles to ask for it by."""

    texts: tuple[str, ...]
    document_id: int
    copy_code: str
    badge: str
    reader_ids: tuple[int, ...]
    batch_id: int


@pytest.fixture(scope="module")
def secrets(content_room: RoomPaths) -> Secrets:
    session = open_session(content_room.db, "jiyao", PASSWORD, FixedClock(START), exclusive=False)
    try:
        db = session.db
        accounts = {r[0] for r in db.query("SELECT display_name FROM account")}
        texts = {r[0] for r in db.query("SELECT title FROM document")}
        texts |= {r[0] for r in db.query("SELECT doc_number FROM document WHERE doc_number != ''")}
        texts |= {r[0] for r in db.query("SELECT text FROM instruction")}
        texts |= {r[0] for r in db.query("SELECT title FROM returned_mail")}
        # Reader names may be two characters: kept when they cannot collide with an account's.
        texts |= {r[0] for r in db.query("SELECT name FROM reader")} - accounts
        doc = db.one(
            "SELECT d.id, d.year, d.serial, c.copy_no FROM document d"
            " JOIN copy c ON c.document_id = d.id WHERE d.voided_at IS NULL ORDER BY d.id LIMIT 1"
        )
        badge = db.scalar("SELECT badge_code FROM reader WHERE badge_code IS NOT NULL LIMIT 1")
        readers = tuple(r[0] for r in db.query("SELECT id FROM reader"))
        batch = db.scalar("SELECT id FROM destruction_batch ORDER BY id LIMIT 1")
    finally:
        session.close()
    assert len(texts) > 200 and badge and batch
    return Secrets(
        tuple(sorted(texts)),
        doc["id"],
        f"{doc['year']}-{doc['serial']:04d}/{doc['copy_no']}",
        str(badge),
        readers,
        int(batch),
    )


@dataclass
class Tally:
    tried: int = 0
    reachable: list[str] = field(default_factory=list)

    def check(self, where: str, output: str, secrets: Secrets) -> None:
        self.tried += 1
        self.reachable += [f"{where}: {t}" for t in secrets.texts if t in output]


@pytest.fixture
def room(content_room: RoomPaths, tmp_path: Path) -> RoomPaths:
    target = RoomPaths(tmp_path / "room.mjdb")
    for source, dest in zip(content_room.files, target.files, strict=True):
        shutil.copyfile(source, dest)
    return target


@pytest.fixture
def sessions(room: RoomPaths) -> Iterator[Callable[[str], Session]]:
    opened: list[Session] = []

    def _open(user: str) -> Session:
        opened.append(open_session(room.db, user, PASSWORD, FixedClock(START), exclusive=False))
        return opened[-1]

    yield _open
    for s in opened:
        s.close()


def _read_functions(s: Secrets, out: Path) -> dict[str, Callable[[Session], Any]]:
    """Every function of app/ that hands business rows to a session, by name."""
    paths: dict[str, Callable[[Session], Any]] = {
        "scanning.scan(copy)": lambda x: scanning.scan(x, s.copy_code),
        "scanning.scan(badge)": lambda x: scanning.scan(x, s.badge),
        "slip_print.print_slips": lambda x: slip_print.print_slips(x, s.document_id),
        "slip_print.print_labels": lambda x: slip_print.print_labels(x, s.document_id),
        "slip_print.print_badges": lambda x: slip_print.print_badges(x, list(s.reader_ids[:2])),
        "catalog.recall_list": lambda x: catalog.recall_list(x, YEAR),
        "catalog.batch_form(register)": lambda x: catalog.batch_form(x, s.batch_id, "register"),
        "catalog.batch_form(handover)": lambda x: catalog.batch_form(x, s.batch_id, "handover"),
        "ledger_import.import_file": lambda x: ledger_import.import_file(x, _ledger(out)),
        "departure.handover_list": lambda x: departure.handover_list(x, s.reader_ids[0]),
        "cabinets.listing": cabinets.listing,
        "cabinets.place_by_scan": lambda x: cabinets.place_by_scan(x, 1, s.copy_code),
        "stocktake.scan": lambda x: stocktake.scan(x, 1, s.copy_code),
        "stocktake.summary": lambda x: stocktake.summary(x, 1),
        "stocktake_records.findings": lambda x: stocktake_records.findings(x, 1),
        "stocktake_records.register_sheet": lambda x: stocktake_records.register_sheet(x, 1),
        "outgoing_records.book": lambda x: outgoing_records.book(x, YEAR),
        "outgoing_records.missing": outgoing_records.missing,
        "outgoing_print.print_dispatch": lambda x: outgoing_print.print_dispatch(x, 1),
        "outgoing_print.print_reply_chase": outgoing_print.print_reply_chase,
        "outgoing_print.read_reply": lambda x: outgoing_print.read_reply(
            x, "MJH1-AAAAAAAAAAAAAAAA"
        ),
        "returned_mail.register_of": lambda x: returned_mail.register_of(x, YEAR),
        "returned_mail.print_notice": lambda x: returned_mail.print_notice(x, 1),
        # issue 16: the in-room readings' timers, the late sign-fors, a registration's 办结
        "on_spot.read_under_way": on_spot.read_under_way,
        "sign_clock.read_late": lambda x: sign_clock.read_late(x, START.date()),
        "completion.read_completion": lambda x: completion.read_completion(x, s.document_id),
        "folders.all_folders": folders.all_folders,
    }
    for kind in catalog.REPORTS:
        paths[f"catalog.render({kind})"] = lambda x, k=kind: catalog.render(x, k, YEAR)
        paths[f"catalog.sheet({kind})"] = lambda x, k=kind: catalog.sheet(x, k, YEAR)
        paths[f"export.export({kind})"] = lambda x, k=kind: export.export(
            x, k, YEAR, out / f"{k}.csv"
        )
    return paths


def _ledger(out: Path) -> Path:
    path = out / "ledger.csv"
    path.write_text(
        "收文日期,来文单位,文号,标题,密级,份数\n2026-11-01,某局,某发〔2026〕1号,某件,秘密,1\n"
    )
    return path


def test_no_administrator_reads_business_content_through_app(
    sessions: Callable[[str], Session], secrets: Secrets, tmp_path: Path
) -> None:
    tally = Tally()
    paths = _read_functions(secrets, tmp_path)
    for user in ADMINISTRATORS:
        session = sessions(user)
        for name, read in paths.items():
            with pytest.raises(PermissionDenied) as refused:
                read(session)
            tally.check(f"{user} {name}", str(refused.value.message), secrets)
    # The auditor's trail and the officer's security events: business events reduced.
    auditor = sessions("shenji")
    events = audit.page(auditor.db, None, 100_000)
    tally.check("shenji 审计", repr(audit_view.for_role(Role.AUDITOR, events)), secrets)
    # The trail itself does hold titles and readers: the reduction is what keeps them out.
    assert any(t in repr(audit_view.for_role(Role.CUSTODIAN, events)) for t in secrets.texts)
    found, _ = audit_view.security_events(sessions("anquan").db, None, 10_000, 100_000)
    tally.check("anquan 安全事件", repr(found), secrets)
    assert [p.name for p in tmp_path.glob("*.csv")] == ["ledger.csv"]  # no export written
    assert tally.tried == 3 * len(paths) + 2
    assert tally.reachable == []
    print(f"\napp: {tally.tried} read paths tried by the 三员, 0 titles reachable")


def test_the_business_roles_still_read_them(
    sessions: Callable[[str], Session], secrets: Secrets
) -> None:
    custodian = sessions("jiyao")
    found = scanning.scan(custodian, secrets.copy_code).copy
    assert found is not None and found.title in secrets.texts
    assert catalog.sheet(sessions("baomi"), "register", YEAR).rows


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    seen = capsys.readouterr()
    return code, seen.out + seen.err


def test_no_administrator_reads_business_content_through_the_command_line(
    room: RoomPaths, secrets: Secrets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    tally = Tally()
    out = tmp_path / "out"
    out.mkdir()
    number = secrets.copy_code.split("/")[0]
    refused: list[list[str]] = [
        ["scan", secrets.copy_code],
        ["scan", number],
        ["scan", secrets.badge],
        ["slip", number, "-o", str(out / "slip.pdf")],
        ["import", str(_ledger(tmp_path))],
    ]
    for kind in catalog.REPORTS:
        refused.append(["report", kind, "--year", str(YEAR), "-o", str(out / f"{kind}.pdf")])
        refused.append(
            ["report", kind, "--year", str(YEAR), "-o", str(out / f"{kind}.csv"), "--plaintext-ok"]
        )
    allowed = [["check"], ["audit", "verify"]]  # counts and the chain's state only
    for user in ADMINISTRATORS:
        login = ["--db", str(room.db), "--user", user, "--password-stdin"]
        for command in refused:
            code, text = _cli([command[0], *login, *command[1:]], monkeypatch, capsys)
            assert code == cli.EXIT_ERROR and "此操作仅限" in text, (user, command, text)
            tally.check(f"{user} mijian {' '.join(command)}", text, secrets)
        for command in allowed:
            code, text = _cli([*command, *login], monkeypatch, capsys)
            tally.check(f"{user} mijian {' '.join(command)}", text, secrets)
    assert list(out.iterdir()) == []
    assert tally.reachable == []
    print(f"\ncli: {tally.tried} commands tried by the 三员, 0 titles reachable")


def test_the_headline_attack_is_refused(room: RoomPaths, tmp_path: Path) -> None:
    """`mijian scan --user xitong 2026-0001/000001` printed the title (issue 11)."""
    from tests.app.test_cli import mijian

    args = (
        "scan",
        "--db",
        str(room.db),
        "--user",
        "xitong",
        "--password-stdin",
        "2026-0001/000001",
    )
    done = mijian(tmp_path, *args, stdin=PASSWORD + "\n")
    assert done.returncode == cli.EXIT_ERROR and done.stdout == ""
    assert "此操作仅限机要员、保密员" in done.stderr


def test_a_revoked_business_role_reads_nothing(
    sessions: Callable[[str], Session], room: RoomPaths, secrets: Secrets
) -> None:
    from app import accounts
    from app.model import NewAccount

    accounts.create_account(
        sessions("xitong"), NewAccount("zhaolei", "赵磊", Role.CUSTODIAN, "Secret-2026x")
    )
    with pytest.raises(MijianError):  # never granted: no session, no reads
        open_session(room.db, "zhaolei", "Secret-2026x", FixedClock(START))
    grants.grant_role(sessions("anquan"), "zhaolei")
    open_session(room.db, "zhaolei", "Secret-2026x", FixedClock(START)).close()
