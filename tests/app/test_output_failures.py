"""Side effects only after success (issue 12, item 4): a slip is retired, and a report or export
audited, only once the replacement's bytes are on the medium; a failed write leaves no file,
retires nothing and audits nothing, and the command line says so in one Chinese line."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app import audit, registry, scanning, slips
from app.output import PRINTER, OutputFailed, deliver_file, write_file
from app.paths import RoomPaths
from app.reports import catalog
from app.reports.export import export
from app.session import Session, open_session
from app.slip_print import print_labels, print_slips
from tests.app.test_cli import mijian
from tests.app.test_registry import doc
from tests.conftest import PASSWORD


def _bad_targets(tmp_path: Path, name: str) -> dict[str, Path]:
    """Paths a write must fail on, even for root (who ignores permission bits)."""
    a_file = tmp_path / "not-a-folder.txt"
    a_file.write_text("x")
    (tmp_path / "taken").mkdir()
    return {
        "missing folder": tmp_path / "no-such-folder" / name,
        "under a file": a_file / name,
        "read-only system folder": Path("/sys") / name,  # EACCES for root too
        "a folder of that name": tmp_path / "taken",
    }


def _state(room: RoomPaths, clock, codes: list[str]) -> tuple[int, list[str]]:
    """The audit events other than logins, and the copies the given codes still scan to."""
    session = open_session(room.db, "jiyao", PASSWORD, clock)
    try:
        n = int(session.db.one("SELECT count(*) FROM audit_event WHERE action <> '登录'")[0])
        found = [scanning.resolve(session.db, c).copy.label for c in codes]  # type: ignore[union-attr]
    finally:
        session.close()
    return n, found


def test_cli_slip_that_cannot_be_written_retires_nothing(
    tmp_path: Path, room: RoomPaths, clock
) -> None:
    custodian = open_session(room.db, "jiyao", PASSWORD, clock)
    document = registry.register(custodian, doc(copy_numbers="7-9")).document
    on_paper = [
        c.payload
        for c in slips.issue(
            custodian, [c.id for c in document_copies(custodian, document.id)], "收文处理笺"
        )
    ]
    custodian.close()
    before = _state(room, clock, on_paper)
    for why, target in _bad_targets(tmp_path, "slips.pdf").items():
        result = mijian(
            tmp_path,
            "slip",
            "--db",
            str(room.db),
            "--user",
            "jiyao",
            "--password-stdin",
            "2026-0001",
            "-o",
            str(target),
            stdin=PASSWORD + "\n",
        )
        assert result.returncode == 2, (why, result.stderr)
        assert "Traceback" not in result.stderr, why
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误："), (why, lines)
        assert _state(room, clock, on_paper) == before, why  # still valid, nothing audited
        if target.parent.is_dir() and target.parent != Path("/sys"):
            assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")], why
    assert "文件夹不存在" in _slip_error(tmp_path, room, tmp_path / "gone" / "x.pdf")

    # The same command into a folder that exists retires the slips on paper.
    out = tmp_path / "slips.pdf"
    assert _slip_error(tmp_path, room, out) == ""
    assert out.stat().st_size > 0
    session = open_session(room.db, "jiyao", PASSWORD, clock)
    with pytest.raises(slips.RetiredCode):
        scanning.resolve(session.db, on_paper[0])
    session.close()


def _slip_error(tmp_path: Path, room: RoomPaths, target: Path) -> str:
    result = mijian(
        tmp_path,
        "slip",
        "--db",
        str(room.db),
        "--user",
        "jiyao",
        "--password-stdin",
        "2026-0001",
        "-o",
        str(target),
        stdin=PASSWORD + "\n",
    )
    return result.stderr.strip()


def document_copies(session: Session, document_id: int) -> list:
    from app.documents import copies_of

    return copies_of(session.db, document_id)


@pytest.mark.parametrize("suffix", [".pdf", ".csv"])
def test_cli_report_that_cannot_be_written_audits_nothing(
    tmp_path: Path, room: RoomPaths, clock, suffix: str
) -> None:
    before = _state(room, clock, [])
    for why, target in _bad_targets(tmp_path, "recall" + suffix).items():
        if target.is_dir():
            continue  # an existing path is refused before anything (不会覆盖)
        result = mijian(
            tmp_path,
            "report",
            "recall",
            "--db",
            str(room.db),
            "--user",
            "baomi",
            "--password-stdin",
            "--year",
            "2026",
            "--plaintext-ok",
            "-o",
            str(target),
            stdin=PASSWORD + "\n",
        )
        assert result.returncode == 2, (why, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误：无法写入"), (why, lines)
        assert "Traceback" not in result.stderr
        assert _state(room, clock, []) == before, why
    done = tmp_path / ("recall" + suffix)
    args = ("report", "recall", "--db", str(room.db), "--user", "baomi", "--password-stdin")
    result = mijian(
        tmp_path, *args, "--year", "2026", "--plaintext-ok", "-o", str(done), stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert _state(room, clock, [])[0] == before[0] + 1
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith((".recall", "recall"))
    ) == [done.name]


def test_rendering_audits_nothing_and_a_written_report_is_audited_once(
    login: Callable[..., Session], tmp_path: Path
) -> None:
    officer = login("baomi")
    n = audit.count(officer.db)
    catalog.render(officer, "recall", 2026)
    report = catalog.output(officer, "recall", 2026)
    assert audit.count(officer.db) == n  # laid out, not yet on any medium
    with pytest.raises(OutputFailed, match="文件夹不存在"):
        deliver_file(tmp_path / "gone" / "r.pdf", report.pdf, report.delivered, replace=False)
    assert audit.count(officer.db) == n
    target = tmp_path / "r.pdf"
    deliver_file(target, report.pdf, report.delivered, replace=False)
    event = audit.page(officer.db, None, 1)[0]
    assert event.action == "输出报表" and event.details["to"] == str(target)
    assert audit.count(officer.db) == n + 1


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(
    login: Callable[..., Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full stick fails at the flush: neither the temporary nor a half file remains, an older
    file of the same name is untouched, and the export is not audited."""
    officer = login("baomi")
    folder = tmp_path / "stick"
    folder.mkdir()
    target = folder / "recall.csv"
    target.write_text("older export")
    n = audit.count(officer.db)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputFailed, match="磁盘空间不足"):
        export(officer, "recall", 2026, target)
    monkeypatch.undo()
    assert [p.name for p in folder.iterdir()] == ["recall.csv"]
    assert target.read_text() == "older export"
    assert audit.count(officer.db) == n


def test_a_record_that_fails_removes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"

    def refuse(where: str) -> None:
        raise slips.SerialTaken()

    with pytest.raises(slips.SerialTaken):
        deliver_file(target, b"%PDF", refuse, replace=False)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputFailed, match="不会覆盖"):
        write_file(tmp_path, b"x", replace=False)


def test_slips_are_retired_only_on_delivery(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    document = registry.register(custodian, doc(copy_numbers="20-21")).document
    valid = [
        c.payload
        for c in slips.issue(
            custodian, [c.id for c in document_copies(custodian, document.id)], "收文处理笺"
        )
    ]
    n = audit.count(custodian.db)

    laid_out = print_slips(custodian, document.id)
    labels = print_labels(custodian, document.id)
    assert audit.count(custodian.db) == n  # a preview or a closed dialog changes nothing
    for code in valid:
        scanning.resolve(custodian.db, code)

    laid_out.delivered(PRINTER)
    for code in valid:
        with pytest.raises(slips.RetiredCode):
            scanning.resolve(custodian.db, code)
    event = audit.page(custodian.db, None, 1)[0]
    assert event.action == "打印传文处理笺" and event.details["to"] == PRINTER
    laid_out.delivered(PRINTER)  # the same pages printed twice: audited, nothing retired
    assert audit.page(custodian.db, None, 1)[0].details.get("again") is True

    # Labels laid out before the slips were committed: their serials were taken meanwhile, so
    # the labels already printed are worthless and the user is told to print again.
    with pytest.raises(slips.SerialTaken, match="重新打印"):
        labels.delivered(PRINTER)
    assert "重新打印" in labels.if_lost


def test_pages_superseded_before_delivery_are_refused(login: Callable[..., Session]) -> None:
    custodian = login("jiyao")
    document = registry.register(custodian, doc(copy_numbers="30")).document
    first = print_slips(custodian, document.id)
    first.delivered(PRINTER)
    second = print_slips(custodian, document.id)
    second.delivered(PRINTER)
    with pytest.raises(slips.SerialTaken):
        first.delivered(PRINTER)  # a reprint of pages retired since
