"""借阅台's counter without a window: the state of one custodian's counter and what each scan
and key means.

A scanner types a line and Enter (`line`); Enter on the empty field confirms (`enter`); F6 asks
for a discrepancy's note (`discrepancy`, then `record_discrepancy`); F7 asks the 保密员 to lift
the refusal just shown (`ask_override`, then `override` or `lift`, or `prepare_lift` whose
`Lift.run` a window runs off its GUI thread, then `lifted`); F8 offers a new slip for the
copy last scanned (`slip`, then `print_slip`); Esc clears (`clear`). Every call answers with a
View (app.counter_view) that the page renders, the CLI prints and the tests read. The rules
themselves stay in app.desk, app.scanning, app.refusals and app.distribution.

The counter belongs to one thread: the GUI thread's page, or the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from app import accounts, circulation, desk, distribution, folder_code, folders, on_spot, scanning
from app.clock import parse_stamp
from app.counter_folder import FolderReturn
from app.counter_view import IDLE_TEXT, NO_READER, Ask, EnterDoes, FolderRow, Tone, View
from app.desk import Override, Refusal, RefusalKind
from app.errors import InvalidInput, MijianError
from app.output import Output
from app.people import CLEARANCE_LABELS, Reader
from app.roles import BUSINESS_ROLES
from app.scanning import CopyRef
from app.slip_print import print_slips
from app.vocab import CopyState

if TYPE_CHECKING:
    from app.session import Session

NOTHING_TO_CONFIRM = "没有要确认的操作：先扫描读者和文件，或扫描要归还的文件。"
YES_WORDS = frozenset({"Y", "是", "有"})


@dataclass(frozen=True)
class Lift:
    """A handover on the 保密员's word, prepared from the counter as it is (its reader and
    folder) and run by any session of the same custodian: a window runs it on a connection of
    its own off the GUI thread, so the password's Argon2 (≈0.23 s) does not stall the desk.
    The counter itself is touched only by `prepare_lift` and `lifted`, on its own thread."""

    reader_id: int
    copy_ids: tuple[int, ...]
    override: Override
    folder_id: int | None = None  # the labelled folder they go out in, if one was scanned

    def run(self, session: Session) -> list[int]:
        return desk.checkout(
            session, self.reader_id, list(self.copy_ids), self.override, self.folder_id
        )


class Counter:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.reader: Reader | None = None
        self.folder: list[CopyRef] = []
        self.pending_return: CopyRef | None = None
        # A checked return that will record 阅毕, waiting for "did they write a 批示?", and
        # the reader's name. Nothing is written until it is answered.
        self.asking: tuple[CopyRef, str] | None = None
        # The last copy refused and why, which F7 may override.
        self.refused: tuple[CopyRef, list[Refusal]] | None = None
        self.last_copy: CopyRef | None = None
        # A 绝密 copy just scanned for the reader: F9 reads it in the room instead.
        self.on_spot_offer: CopyRef | None = None
        # The labelled folder the 本次文件夹 goes out in, and a folder's return under way.
        self.bag: folders.Folder | None = None
        self.folder_back: FolderReturn | None = None
        self._banner, self._tone = IDLE_TEXT, Tone.IDLE

    # ---- what the page shows ----------------------------------------------------------------
    def view(self, changed: bool = False, beep: bool = False) -> View:
        if self.pending_return is not None or self.folder_back is not None:
            enter = EnterDoes.TAKE_BACK
        elif self.asking is not None:
            enter = EnterDoes.NOT_INSTRUCTED
        elif self.reader is not None and self.folder:
            enter = EnterDoes.HAND_OVER
        else:
            enter = EnterDoes.NOTHING
        return View(
            banner=self._banner,
            tone=self._tone,
            reader=NO_READER if self.reader is None else _reader_line(self.reader),
            folder=(
                self.folder_back.rows()
                if self.folder_back is not None
                else tuple(FolderRow(c.label, c.title, c.level, c.pages) for c in self.folder)
            ),
            pending_return=None if self.pending_return is None else self.pending_return.label,
            enter=enter,
            f7=self.refused is not None,
            f9=self.on_spot_offer is not None,
            changed=changed,
            folder_title=(
                f"文件夹 {self.folder_back.folder.name} 收回（逐份扫描核对）"
                if self.folder_back is not None
                else "本次文件夹"
                if self.bag is None
                else f"本次文件夹（装入 {self.bag.name}）"
            ),
            beep=beep,
        )

    def _say(self, text: str, tone: Tone, changed: bool = False) -> View:
        self._banner, self._tone = text, tone
        return self.view(changed)

    def refuse(self, text: str) -> View:
        self._banner, self._tone = text, Tone.REFUSED
        return self.view(beep=True)

    # ---- the scanner ------------------------------------------------------------------------
    def line(self, text: str) -> View:
        """What the scanner (or the keyboard) typed, then Enter."""
        if self.asking is not None and text.strip().upper() in YES_WORDS:
            return self.instructed(True)
        back = self.folder_back
        if back is not None and back.question is not None and text.strip().upper() in YES_WORDS:
            return self._folder_complete(instructed=True)
        return self.scan(text) if text.strip() else self.enter()

    def explain(self, code: str) -> str:
        """What a code names, in one line; raises the scan's typed error (a forged or retired
        code is audited). Changes nothing at the counter."""
        found = self._resolve(code)
        if found.copy is not None:
            c = found.copy
            return f"{c.label}《{c.title}》{c.level}，{c.state}"
        assert found.reader is not None
        return f"读者 {found.reader.name}（{found.reader.unit}）"

    def _resolve(self, code: str) -> scanning.Scan:
        self._session.require(*BUSINESS_ROLES)  # a scan names a title or a reader
        return scanning.scan(self._session, code)

    def scan(self, code: str) -> View:
        if self.asking is not None:
            return self.refuse(f"请先回答：{self._question()}")
        if folder_code.looks_like_folder(scanning.normalise(code)):
            return self._folder_label(scanning.normalise(code))
        try:
            found = self._resolve(code)
        except MijianError as exc:
            return self.refuse(exc.message)
        self.refused = None  # F7 overrides only the refusal just shown
        self.on_spot_offer = None  # and F9 reads only the 绝密 copy just shown
        if found.reader is not None and self.folder_back is not None:
            return self.refuse(
                f"请先完成文件夹收回（回车），或按 Esc 放弃。{self.folder_back.progress()}"
            )
        if found.reader is not None:
            self.reader = found.reader
            return self._say(f"读者 {found.reader.name}：请扫描要借出的文件", Tone.OK)
        assert found.copy is not None
        self.last_copy = found.copy
        if self.folder_back is not None:
            return self._folder_check(found.copy)
        if found.copy.state == CopyState.LENT and self.reader is None:
            bag_id = self._session.db.scalar(
                "SELECT folder_id FROM handover WHERE copy_id = ? AND back_at IS NULL",
                (found.copy.copy_id,),
            )
            if bag_id is not None:  # 一夹一传递: it comes back with its folder, never alone
                bag = folders.get(self._session.db, int(bag_id))
                self.folder_back = FolderReturn(bag, folders.out_in(self._session.db, bag.id))
                return self._folder_check(found.copy)
            return self._return(found.copy)
        return self._into_folder(found.copy)

    def _return(self, copy: CopyRef) -> View:
        pending = desk.pending_discrepancy(self._session.db, copy.copy_id)
        if pending is not None:
            return self.refuse(
                f"{copy.label} 已登记核对异常（{pending}），待保密员处理；"
                "该份仍记为借出，不能按核对无误归还。"
            )
        self.pending_return = copy
        return self._say(
            f"归还 {copy.label}《{copy.title}》：核对"
            + (f" {copy.pages} 页" if copy.pages else "（登记时未填页数）")
            + "完整、无损坏、无复制——"
            "无误按回车，有异常按 F6",
            Tone.CHECK,
        )

    def _into_folder(self, copy: CopyRef) -> View:
        db = self._session.db
        if self.reader is None:
            held = distribution.held_text(db, copy.copy_id)
            return self.refuse(held or "请先扫描读者证件（或输入姓名），再扫描文件。")
        if any(c.copy_id == copy.copy_id for c in self.folder):
            return self.refuse(f"{copy.label} 已在文件夹中。")
        now = self._session.clock.now()
        if desk.counter_closed(db, now.date()):
            return self.refuse(desk.CLOSED_MESSAGE)
        refused = desk.refusals(db, self.reader, copy, now)
        if [r.kind for r in refused] == [RefusalKind.ON_SPOT]:
            # Not a refusal to beep at: 绝密 is read here, the desk offers it.
            self.refused = (copy, refused)
            self.on_spot_offer = copy
            return self._say(
                f"{copy.label} 绝密，须在室阅读（即阅即批即退）：按 F9 开始，机要员在场计时；"
                "确需带出，经单位负责人批准由保密员按 F7 放行",
                Tone.CHECK,
            )
        if refused:
            text = "".join(r.message for r in refused)
            if all(r.overridable for r in refused):
                self.refused = (copy, refused)
                law = "经单位负责人批准，" if any(r.by_law for r in refused) else ""
                text += f"（{law}保密员可按 F7 例外放行）"
            return self.refuse(text)
        self.folder.append(copy)
        said = f"已加入：{copy.label}《{copy.title}》，共 {len(self.folder)} 份——回车确认借出"
        if circulation.off_route(db, copy.document_id, self.reader.id):
            # Not refused (the 知悉范围 is the law's bound, the route the room's order), but
            # said: the route is how the room keeps 阅文范围 from widening at will.
            return self._say(f"注意：{self.reader.name} 不在本件传阅路线上。{said}", Tone.CHECK)
        return self._say(said, Tone.OK)

    # ---- Enter and Esc ----------------------------------------------------------------------
    def enter(self) -> View:
        """Enter on the empty field: confirm the return's check, or hand the folder over."""
        if self.pending_return is not None:
            copy, self.pending_return = self.pending_return, None
            reader = circulation.reads_on_return(self._session.db, copy.copy_id)
            if reader is None:
                return self._take_back(copy, instructed=False)
            self.asking = (copy, reader)
            view = self._say(self._question(), Tone.CHECK)
            return replace(view, asks=Ask.INSTRUCTED, prompt=self._question())
        if self.asking is not None:
            return self.instructed(False)
        if self.folder_back is not None:
            return self._folder_complete()
        if self.reader is None or not self.folder:
            return self.refuse(NOTHING_TO_CONFIRM)
        try:
            return self._check_out(self.folder, None)
        except MijianError as exc:
            return self.refuse(exc.message)

    # ---- the return's question: did the reader write a 批示? ---------------------------------
    def _question(self) -> str:
        assert self.asking is not None
        copy, reader = self.asking
        return f"{copy.label} 核对无误。{reader} 是否作了批示？有批示输入 Y 回车，没有直接回车"

    def instructed(self, yes: bool) -> View:
        """Answer the return's question: the return and 阅毕 land (with `yes` recorded), and
        with a 批示 the page opens its entry for the document (Ask.INSTRUCTION)."""
        if self.asking is None:
            return self.refuse(NOTHING_TO_CONFIRM)
        (copy, reader), self.asking = self.asking, None
        view = self._take_back(copy, instructed=yes)
        if not yes or view.tone is Tone.REFUSED:
            return view
        return replace(
            view,
            asks=Ask.INSTRUCTION,
            prompt=f"登记 {reader} 在 {copy.number}《{copy.title}》上的批示",
            instruction_number=copy.number,
            instruction_leader=reader,
        )

    def _take_back(self, copy: CopyRef, instructed: bool) -> View:
        db = self._session.db
        began = db.one(
            "SELECT h.out_at, r.name FROM handover h JOIN reader r ON r.id = h.reader_id"
            " WHERE h.copy_id = ? AND h.back_at IS NULL AND h.on_spot = 1",
            (copy.copy_id,),
        )
        try:
            read = circulation.return_and_read(self._session, copy.copy_id, instructed=instructed)
        except MijianError as exc:
            return self.refuse(exc.message)
        said = f"已归还：{copy.label}，核对无误"
        if began is not None:
            minutes = desk.reading_minutes(parse_stamp(began["out_at"]), self._session.clock.now())
            said = f"在室阅读结束：{began['name']} 阅 {minutes} 分钟；{said}"
        if read is not None:
            after = (
                f"下一位：{read.next.name}（{read.next.position}）"
                if read.next is not None
                else "传阅已完成"
            )
            said += f"；{read.reader} 阅毕{'（有批示）' if instructed else ''}。{after}"
        return self._say(said, Tone.OK, changed=True)

    def clear(self, quiet: bool = False) -> View:
        """Esc: forget the reader, the folder, the pending return (and its question) and the
        refusal."""
        self.reader = None
        self.folder = []
        self.pending_return = None
        self.asking = None
        self.on_spot_offer = None
        self.bag = None
        self.folder_back = None
        self.refused = None
        if quiet:
            return self.view()
        return self._say("已清空，请扫描读者证件或文件", Tone.IDLE)

    def _check_out(self, copies: list[CopyRef], override: Override | None) -> View:
        """Hand `copies` to the reader, or raise and leave the folder as it was."""
        assert self.reader is not None
        bag = self.bag
        ids = desk.checkout(
            self._session,
            self.reader.id,
            [c.copy_id for c in copies],
            override,
            None if bag is None else bag.id,
        )
        return self._handed(len(copies), ids, override)

    def _handed(self, count: int, ids: list[int], override: Override | None) -> View:
        """The folder went out as handovers `ids` (in the labelled folder, if one was scanned):
        clear the counter and say so."""
        assert self.reader is not None
        name, bag = self.reader.name, self.bag
        lifted = "、".join(r.kind for r in self.refused[1]) if self.refused else ""
        self.clear(quiet=True)
        when = self._when_due(self._dues(ids))
        if bag is not None:
            when = f"（装入文件夹 {bag.name}）{when}"
        if override is None:
            return self._say(f"已借出 {count} 份给 {name}{when}。", Tone.OK, changed=True)
        what = f"（{lifted}）" if lifted else ""
        return self._say(
            f"经保密员 {accounts.display_name(self._session.db, override.approver)} 例外放行{what}，已借出 {count} 份给 {name}{when}。",
            Tone.CHECK,
            changed=True,
        )

    def _dues(self, handover_ids: list[int]) -> list[datetime]:
        """Each handover's due time, earliest first."""
        marks = ",".join("?" * len(handover_ids))
        rows = self._session.db.query(
            f"SELECT due_at FROM handover WHERE id IN ({marks})", tuple(handover_ids)
        )
        return sorted(parse_stamp(r["due_at"]) for r in rows)

    def _when_due(self, dues: list[datetime]) -> str:
        """ "，请于 17:30 前交回", and for a folder whose copies are due at different times (a 非密
        copy may stay out longer) how many may stay till when."""
        if not dues:
            return ""
        said = f"，请于 {self._when(dues[0])} 前交回"
        later = [d for d in dues if d != dues[0]]
        if later:
            said += f"（其中 {len(later)} 份可至 {self._when(later[-1])}）"
        return said

    def _when(self, due: datetime) -> str:
        today = self._session.clock.now().date()
        if due.date() == today:
            return f"{due:%H:%M}"
        return f"{due:%m月%d日 %H:%M}" if due.year == today.year else f"{due:%Y年%m月%d日 %H:%M}"

    # ---- the labelled folder (一夹一传递) -------------------------------------------------------
    def _folder_label(self, code: str) -> View:
        """A folder's label: with a reader at the counter, every copy in it joins the 本次文件夹
        (or the 本次文件夹 is packed into it, when it is empty); without one, its return."""
        try:
            bag = folders.read_code(self._session, code)
        except MijianError as exc:
            return self.refuse(exc.message)
        self.refused = None
        self.on_spot_offer = None
        db = self._session.db
        if self.reader is None:
            out = folders.out_in(db, bag.id)
            inside = folders.contents(db, bag.id)
            if not out:
                return self._say(
                    f"文件夹 {bag.name} 在柜，内有 {len(inside)} 份；扫描读者证件后再扫此夹，整夹借出",
                    Tone.IDLE,
                )
            self.folder_back = FolderReturn(bag, out)
            self.pending_return = None
            return self._say(self.folder_back.progress(), Tone.CHECK)
        self.bag = bag
        added, refused = 0, []
        for copy in folders.contents(db, bag.id):
            if any(c.copy_id == copy.copy_id for c in self.folder):
                continue
            before = len(self.folder)
            said = self._into_folder(copy)
            if len(self.folder) > before:
                added += 1
            else:
                refused.append(f"{copy.label}（{said.banner}）")
        self.refused = None
        self.on_spot_offer = None
        text = f"文件夹 {bag.name}：加入 {added} 份，本次共 {len(self.folder)} 份——回车确认整夹借出"
        if not self.folder:
            text = f"文件夹 {bag.name} 是空夹：扫描文件装入此夹，回车确认借出"
        if refused:
            return self.refuse(f"{text}；未加入：{'；'.join(refused)}")
        return self._say(text, Tone.OK)

    def _folder_check(self, copy: CopyRef) -> View:
        back = self.folder_back
        assert back is not None
        if not back.holds(copy):
            return self.refuse(
                f"{copy.label} 不在文件夹 {back.folder.name} 中：先完成此夹的收回（回车），"
                "或按 Esc 放弃"
            )
        if copy.copy_id in back.checked or copy.copy_id in back.notes:
            return self.refuse(f"{copy.label} 已核过。{back.progress()}")
        back.checked.append(copy.copy_id)
        return self._say(f"{copy.label} 已核。{back.progress()}", Tone.CHECK)

    def _folder_note(self, note: str) -> View:
        back = self.folder_back
        assert back is not None
        copy = back.target()
        if copy is None:
            return self.view()
        if not note.strip():
            return self.refuse("请写明异常情况。")
        back.notes[copy.copy_id] = note.strip()
        return self._say(f"{copy.label} 异常已记（{note.strip()}）。{back.progress()}", Tone.ALERT)

    def _folder_complete(self, instructed: bool = False) -> View:
        """Enter once every 份号 is accounted for: first the 批示 question when the return
        records 阅毕 (Y: yes, Enter: no), then the return in one transaction."""
        back = self.folder_back
        assert back is not None
        if back.missing():
            return self.refuse(back.refused_text())
        if back.question is None:
            db = self._session.db
            for copy_id in back.checked:
                reader = None if copy_id in back.notes else circulation.reads_on_return(db, copy_id)
                if reader is not None:
                    copy = next(o.copy for o in back.expected if o.copy.copy_id == copy_id)
                    back.question = (copy, reader)
                    asked = (
                        f"文件夹 {back.folder.name} 全部核毕。{reader} 是否作了批示？"
                        "有批示输入 Y 回车，没有直接回车"
                    )
                    view = self._say(asked, Tone.CHECK)
                    return replace(view, asks=Ask.INSTRUCTED, prompt=asked)
        try:
            done = folders.take_back(
                self._session, back.folder.id, back.checked, back.notes, instructed
            )
        except MijianError as exc:
            return self.refuse(exc.message)
        self.folder_back = None
        said = f"文件夹 {done.folder} 已收回：{done.returned} 份核对无误"
        if done.discrepancies:
            said += f"，{done.discrepancies} 份异常已登记，待保密员处理"
        for read in done.reads:
            after = f"下一位：{read.next.name}" if read.next is not None else "传阅已完成"
            said += f"；{read.reader} 阅毕，{after}"
        tone = Tone.ALERT if done.discrepancies else Tone.OK
        view = self._say(said, tone, changed=True)
        if not instructed or back.question is None:
            return view
        copy, reader = back.question
        return replace(
            view,
            asks=Ask.INSTRUCTION,
            prompt=f"登记 {reader} 在 {copy.number}《{copy.title}》上的批示",
            instruction_number=copy.number,
            instruction_leader=reader,
        )

    # ---- F4: take one copy out of the 本次文件夹 before handing out --------------------------
    def remove(self, copy_id: int | None = None) -> View:
        """F4: the copy `copy_id` (or the one last added) leaves the 本次文件夹; with a labelled
        folder, it will not be packed in it either."""
        if not self.folder:
            return self.refuse("本次文件夹是空的。")
        copy = next((c for c in self.folder if c.copy_id == copy_id), self.folder[-1])
        self.folder = [c for c in self.folder if c.copy_id != copy.copy_id]
        return self._say(
            f"已移出：{copy.label}《{copy.title}》，本次文件夹余 {len(self.folder)} 份", Tone.OK
        )

    # ---- F9: read a 绝密 copy in the room ------------------------------------------------------
    def ask_on_spot(self) -> View:
        """F9: asks the custodian to confirm being present before the reading starts."""
        copy = self.on_spot_offer
        if copy is None or self.reader is None:
            return self.refuse("先扫描读者证件和要在室阅读的绝密件，再按 F9。")
        prompt = (
            f"{self.reader.name} 在室阅读 {copy.label}《{copy.title}》（绝密）：机要员在场监阅，"
            "阅毕即收回。确认在场？"
        )
        return replace(self.view(), asks=Ask.PRESENCE, prompt=prompt)

    def start_on_spot(self, present: bool) -> View:
        """The reading starts, its timer runs on the desk; scanning the copy back ends it."""
        copy = self.on_spot_offer
        if copy is None or self.reader is None:
            return self.refuse("先扫描读者证件和要在室阅读的绝密件，再按 F9。")
        try:
            began = on_spot.start(self._session, self.reader.id, copy.copy_id, present)
        except MijianError as exc:
            return self.refuse(exc.message)
        # The reader sits down to read: the counter is free, and scanning the copy back ends
        # the reading (a copy out is taken back when no reader is at the counter).
        self.clear(quiet=True)
        return self._say(
            f"在室阅读开始：{began.reader} 阅 {began.label}，计时中——阅毕扫描该份收回",
            Tone.OK,
            changed=True,
        )

    # ---- F6: a discrepancy at the return ----------------------------------------------------
    def discrepancy(self) -> View:
        """F6: asks for the note when a return is pending."""
        copy = self.pending_return
        if self.folder_back is not None:
            copy = self.folder_back.target()
        if copy is None:
            return self.refuse("先扫描要归还的文件，再登记核对异常。")
        prompt = f"{copy.label} 的异常情况（如 缺第3页、有破损、未随夹交回）："
        return replace(self.view(), asks=Ask.NOTE, prompt=prompt)

    def record_discrepancy(self, note: str) -> View:
        if self.folder_back is not None:
            return self._folder_note(note)
        copy = self.pending_return
        if copy is None:
            return self.view()
        try:
            if not note.strip():
                raise InvalidInput("请写明异常情况。")
            desk.take_back(self._session, copy.copy_id, note)
        except MijianError as exc:
            return self.refuse(exc.message)
        self.pending_return = None
        return self._say(
            f"{copy.label} 核对异常已登记，待保密员处理；该份仍记为借出。", Tone.ALERT, changed=True
        )

    # ---- F7: the 保密员 lifts the refusal just shown ------------------------------------------
    def ask_override(self) -> View:
        if self.refused is None or self.reader is None:
            return self.refuse("没有被拒绝的文件需要放行。")
        copy, found = self.refused
        prompt = f"为 {self.reader.name} 例外放行 {copy.label}"
        return replace(self.view(), asks=Ask.OVERRIDE, prompt=prompt, lifts=tuple(found))

    def lift(self, override: Override, copy: CopyRef | None = None) -> View:
        """Hand the folder and the refused copy (or `copy`) over on the 保密员's word; raises
        a typed error and leaves the folder as it was (the F7 dialog shows it and stays)."""
        prepared = self.prepare_lift(override, copy)
        return self.lifted(prepared, prepared.run(self._session))

    def prepare_lift(self, override: Override, copy: CopyRef | None = None) -> Lift:
        """lift()'s handover, to be run (`Lift.run`) by a session of the caller's choosing."""
        if copy is None:
            if self.refused is None:
                raise InvalidInput("没有被拒绝的文件需要放行。")
            copy = self.refused[0]
        if self.reader is None:
            raise InvalidInput("请先扫描读者证件（或输入姓名），再扫描文件。")
        ids = tuple(c.copy_id for c in [*self.folder, copy])
        return Lift(self.reader.id, ids, override, None if self.bag is None else self.bag.id)

    def lifted(self, prepared: Lift, handover_ids: list[int]) -> View:
        """After `prepared` ran: the counter clears and says what went out."""
        return self._handed(len(prepared.copy_ids), handover_ids, prepared.override)

    def override(self, override: Override, copy: CopyRef | None = None) -> View:
        """lift(), with a refusal answered on the banner."""
        try:
            return self.lift(override, copy)
        except MijianError as exc:
            return self.refuse(exc.message)

    # ---- F8: a new slip for the copy last scanned -------------------------------------------
    def slip(self) -> View:
        copy = self.last_copy
        if copy is None:
            return self.refuse("先扫描要补打处理笺的文件。")
        name = f"处理笺-{copy.number}-{copy.copy_no}.pdf"
        return replace(self.view(), asks=Ask.SLIP, prompt=f"{copy.label} 处理笺", slip_file=name)

    def print_slip(self) -> Output:
        """The new slip's PDF; the old one is retired only once this one is printed or saved
        (Output.delivered), so closing the dialog leaves it valid."""
        copy = self.last_copy
        if copy is None:
            raise InvalidInput("先扫描要补打处理笺的文件。")
        return print_slips(self._session, copy.document_id, [copy.copy_id])


def _reader_line(reader: Reader) -> str:
    return f"读者：{reader.name}（{reader.unit} {CLEARANCE_LABELS[reader.clearance]}）"


def counter_key(counter: Counter, line: str) -> View:
    """One line of a counter session typed as text (mijian scan --session): a scan, an empty
    line for Enter, ESC for Esc, "F6 说明" for a discrepancy at the return, Y when the reader
    wrote a 批示, F4 to take the last copy out of the 本次文件夹, F9 to read the 绝密 copy just
    scanned in the room (typed by the custodian at the desk, who is present). F7 needs the
    保密员 at the window, and F8 a printer."""
    word, _, rest = line.strip().partition(" ")
    if word.upper() == "ESC":
        return counter.clear()
    if word.upper() == "F6":
        asked = counter.discrepancy()
        return counter.record_discrepancy(rest) if asked.asks is Ask.NOTE else asked
    if word.upper() == "F9":  # typed at the CLI session by the custodian at the desk
        asked = counter.ask_on_spot()
        return counter.start_on_spot(True) if asked.asks is Ask.PRESENCE else asked
    if word.upper() == "F4":
        return counter.remove()
    if word.upper() in ("F7", "F8"):
        return counter.refuse(f"{word.upper()} 须在借阅台窗口中操作。")
    return counter.line(line)
