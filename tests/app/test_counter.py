"""借阅台's counter without Qt, driven as a keyboard-wedge scanner drives it: a line, then Enter.
The window (tests/ui/test_desk_page.py) renders the same answers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app import desk, distribution, registry, slips
from app.counter import Counter, counter_key
from app.counter_view import Ask, EnterDoes, Tone, board, incidents_line
from app.day_close import close_day
from app.desk import Override, RefusalKind
from app.scanning import SWITCH_IME
from tests.app.test_distribution import handout  # noqa: F401 (a fixture)
from tests.app.test_registry import doc
from tests.conftest import BEIJING, PASSWORD

HEAD, REF = "张三 区委书记", "区委批〔2026〕7号"


def test_badge_copies_and_enter_hand_the_folder_over(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    at = Counter(custodian)
    first = at.view()
    assert (first.banner, first.tone, first.reader) == (
        "请扫描读者证件或文件",
        Tone.IDLE,
        "读者：—",
    )
    assert first.enter is EnterDoes.NOTHING

    refused = at.line("2026-0001/000001")  # no reader yet
    assert refused.tone is Tone.REFUSED and refused.beep and "请先扫描读者证件" in refused.banner
    met = at.line("B0002")
    assert met.reader == "读者：王芳（区委办 一般涉密人员）" and met.tone is Tone.OK
    at.line("2026-0001/000001")
    added = at.line("2026-0001/2")
    assert [r.label for r in added.folder] == ["2026-0001 第000001份", "2026-0001 第000002份"]
    assert "共 2 份——回车确认借出" in added.banner and added.enter is EnterDoes.HAND_OVER
    twice = at.line("2026-0001/000002")
    assert twice.banner == "2026-0001 第000002份 已在文件夹中。" and len(twice.folder) == 2
    above = at.line("2026-0002")  # 机密, above 王芳's clearance
    assert "不能借阅机密件" in above.banner and above.f7 and len(above.folder) == 2

    done = at.line("")  # Enter on the empty field
    assert done.banner == "已借出 2 份给 王芳，请于 17:30 前交回。"
    assert done.tone is Tone.OK and done.changed and not done.beep
    assert done.reader == "读者：—" and done.folder == () and not done.f7
    shown = board(custodian.db, clock.now())
    assert [r.reader for r in shown.rows] == ["王芳", "王芳"] and shown.late == 0
    clock.set(datetime(2026, 11, 20, 17, 31, tzinfo=BEIJING))
    assert board(custodian.db, clock.now()).late == 2

    nothing = at.line("")
    assert nothing.banner.startswith("没有要确认的操作") and nothing.beep


def test_a_return_is_confirmed_with_enter(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    at = Counter(custodian)
    check = at.line("2026-0001/000001")
    assert check.tone is Tone.CHECK and check.enter is EnterDoes.TAKE_BACK
    assert check.pending_return == "2026-0001 第000001份"
    assert check.banner.endswith("无误按回车，有异常按 F6")
    back = at.line("")
    assert back.banner == "已归还：2026-0001 第000001份，核对无误" and back.changed
    assert back.pending_return is None and desk.out_now(custodian.db) == []
    cleared = counter_key(at, "ESC")
    assert (cleared.banner, cleared.tone) == ("已清空，请扫描读者证件或文件", Tone.IDLE)


def test_f6_records_a_discrepancy_and_a_rescan_cannot_return_it(counter) -> None:
    custodian, officer, readers, docs = counter
    copy = docs["secret"].copies[0]
    desk.checkout(custodian, readers["wang"].id, [copy.id])
    at = Counter(custodian)
    assert at.discrepancy().banner == "先扫描要归还的文件，再登记核对异常。"
    at.line("2026-0001/000001")
    asked = at.discrepancy()
    assert asked.asks is Ask.NOTE and asked.prompt.startswith("2026-0001 第000001份 的异常情况")
    assert not asked.beep
    assert at.record_discrepancy("  ").banner == "请写明异常情况。"
    noted = at.record_discrepancy("缺第3页")
    assert noted.tone is Tone.ALERT and not noted.beep and noted.changed
    assert noted.banner == "2026-0001 第000001份 核对异常已登记，待保密员处理；该份仍记为借出。"
    assert incidents_line(custodian.db) == "待处理事件：【核对异常】2026-0001 第000001份：缺第3页"
    again = at.line("2026-0001/000001")
    assert "已登记核对异常（缺第3页）" in again.banner and again.pending_return is None
    assert at.line("").banner.startswith("没有要确认的操作")
    rows = custodian.db.query("SELECT back_at FROM handover WHERE copy_id = ?", (copy.id,))
    assert [r["back_at"] for r in rows] == [None]


def test_incidents_show_five_and_count_the_rest_in_two_queries(counter) -> None:
    custodian, officer, readers, docs = counter
    ids = [c.id for d in docs.values() for c in d.copies]
    desk.checkout(custodian, readers["zhang"].id, ids)  # 核心, in every 阅文范围
    for copy_id in ids:
        desk.take_back(custodian, copy_id, "有破损")
    db = custodian.db
    selects: list[str] = []
    original = db.execute

    def counting(sql: str, params: tuple[object, ...] = ()) -> object:
        selects.append(sql)
        return original(sql, params)

    db.execute = counting  # type: ignore[method-assign]
    try:
        line = incidents_line(db)
    finally:
        db.execute = original  # type: ignore[method-assign]
    assert len(ids) == 6 and line.count("【核对异常】") == 5 and line.endswith(" 等 6 件")
    assert len(selects) == 2, selects


def test_the_day_closed_refuses_and_offers_no_f7(counter, clock) -> None:
    custodian, officer, readers, docs = counter
    clock.set(datetime(2026, 11, 20, 17, 40, tzinfo=BEIJING))
    close_day(custodian)
    at = Counter(custodian)
    at.line("B0001")
    closed = at.line("2026-0004")  # 非密: only the close stops it
    assert closed.banner == desk.CLOSED_MESSAGE and not closed.f7 and closed.folder == ()


def test_full_width_and_input_method_scans(counter) -> None:
    custodian, officer, readers, docs = counter
    at = Counter(custodian)
    assert at.line("Ｂ０００２").reader.startswith("读者：王芳")
    assert len(at.line("２０２６－０００１／０００００１").folder) == 1
    code = slips.issue(custodian, [docs["secret"].copies[1].id], slips.LABEL)[0].payload
    wide = code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert len(at.line(wide).folder) == 2
    composed = at.line("不0003")
    assert composed.banner == SWITCH_IME and composed.beep


def test_a_distributed_copy_says_where_it_is(handout) -> None:  # noqa: F811
    custodian, readers, docs, office, town = handout
    distribution.issue(custodian, office.id, readers["zhang"].id, [docs["secret"].copies[0].id])
    at = Counter(custodian)
    held = at.line("2026-0001/000001")
    assert "分发在外：区委办公室" in held.banner and held.tone is Tone.REFUSED
    at.line("B0002")
    refused = at.line("2026-0001/000001")
    assert "分发在外" in refused.banner and not refused.f7


def test_a_refused_clearance_then_f7(counter) -> None:
    custodian, officer, readers, docs = counter
    at = Counter(custodian)
    assert at.ask_override().banner == "没有被拒绝的文件需要放行。"
    at.line("wf")  # pinyin initials of 王芳
    at.line("2026-0001/000001")
    refused = at.line("2026-0002")
    assert refused.f7 and refused.banner.endswith("（经单位负责人批准，保密员可按 F7 例外放行）")
    asked = at.ask_override()
    assert asked.asks is Ask.OVERRIDE and asked.prompt == "为 王芳 例外放行 2026-0002 第000010份"
    assert [r.kind for r in asked.lifts] == [RefusalKind.CLEARANCE] and not asked.beep
    bad = at.override(Override("baomi", "bad-password", "领导同意", HEAD, REF))
    assert "密码不正确" in bad.banner and len(bad.folder) == 1 and bad.f7
    no_head = at.override(Override("baomi", PASSWORD, "领导同意临时阅看"))
    assert "单位负责人" in no_head.banner and desk.out_now(custodian.db) == []
    done = at.override(Override("baomi", PASSWORD, "领导同意临时阅看", HEAD, REF))
    assert done.tone is Tone.CHECK and done.changed
    assert done.banner.startswith("经保密员 王建国 例外放行（涉密等级），已借出 2 份给 王芳")
    rows = custodian.db.query("SELECT override_kind, override_head FROM handover ORDER BY id")
    assert [tuple(r) for r in rows] == [(None, None), ("涉密等级", HEAD)]
    assert at.ask_override().banner == "没有被拒绝的文件需要放行。"


def test_a_scan_after_a_refusal_forgets_it(counter) -> None:
    custodian, officer, readers, docs = counter
    at = Counter(custodian)
    at.line("B0002")
    assert at.line("2026-0002").f7
    assert not at.line("2026-0001/000001").f7  # F7 lifts only the refusal just shown
    assert at.ask_override().tone is Tone.REFUSED


def test_f8_offers_a_slip_for_the_copy_last_scanned(counter) -> None:
    custodian, officer, readers, docs = counter
    at = Counter(custodian)
    assert at.slip().banner == "先扫描要补打处理笺的文件。"
    at.line("2026-0002")  # refused (no reader), yet the copy is in hand
    asked = at.slip()
    assert asked.asks is Ask.SLIP and asked.slip_file == "处理笺-2026-0002-000010.pdf"
    assert asked.prompt == "2026-0002 第000010份 处理笺"
    assert at.print_slip().pdf.startswith(b"%PDF")


def test_explain_names_a_code_without_touching_the_counter(counter) -> None:
    custodian, officer, readers, docs = counter
    at = Counter(custodian)
    assert at.explain("B0002") == "读者 王芳（区委办）"
    assert at.explain("2026-0004").endswith("非密，在柜")
    assert at.reader is None and at.view().banner == "请扫描读者证件或文件"


def test_a_whole_session_from_the_command_line(tmp_path: Path, room, login, clock) -> None:
    """`mijian scan --session` reads the scanner's lines from standard input and answers each."""
    from app.people import ReaderInput, add_reader
    from tests.app.test_cli import mijian

    officer = login("baomi")
    add_reader(officer, ReaderInput("王芳", "区委办", "科员", "一般", "", "B0002"))
    custodian = login("jiyao")
    registry.register(custodian, doc(level="非密", copy_numbers="", copy_count=1))
    officer.close()
    custodian.close()
    lines = ["B0002", "2026-0001", "", "2026-0001", "F6", "", "XYZ-1", "ESC"]
    args = ("scan", "--session", "--db", str(room.db), "--user", "jiyao", "--password-stdin")
    done = mijian(tmp_path, *args, stdin="\n".join([PASSWORD, *lines]) + "\n")
    assert done.returncode == 0, done.stderr
    said = done.stdout.splitlines()
    assert len(said) == len(lines)
    assert said[0] == "[ok] 读者 王芳：请扫描要借出的文件"
    assert said[2].startswith("[ok] 已借出 1 份给 王芳")
    assert (
        said[3].startswith("[check] 归还 2026-0001 第") and said[4] == "[refused] 请写明异常情况。"
    )
    assert said[5].startswith("[ok] 已归还：2026-0001 第")
    assert said[6].startswith("[refused] 无法识别“XYZ-1”") and said[7].startswith("[idle] 已清空")


def test_a_mixed_folder_says_when_each_is_due_and_an_unknown_page_count_is_said(
    counter, clock
) -> None:
    """Seen at the window: a 秘密 and a 非密 copy lent together were both "请于 17:30 前交回",
    though the 非密 one may stay out a week; and a copy registered without 页数 asked to check
    "0 页"."""
    custodian, _, _, docs = counter
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=BEIJING))
    at = Counter(custodian)
    at.line("B0001")
    at.line("2026-0001/000001")
    at.line(docs["plain"].document.number)
    done = at.line("")
    assert done.banner.startswith("已借出 2 份给 张建国，请于 17:30 前交回（其中 1 份可至 ")
    unpaged = registry.register(
        custodian, doc(copy_numbers="77", doc_number="页〔2026〕1号", pages=0)
    )
    at.line("B0001")
    at.line(f"{unpaged.document.number}/000077")
    at.line("")
    back = at.line(f"{unpaged.document.number}/000077")
    assert "核对（登记时未填页数）完整、无损坏、无复制" in back.banner
    assert "核对 0 页" not in back.banner
