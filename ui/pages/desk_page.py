"""借阅台: the counter, driven by the scanner alone.

Scan a reader's badge (or type a name or pinyin initials), scan the copies into the folder,
press Enter on the empty field to hand them over. Scan a copy that is out to take it back;
Enter confirms the check, F6 records a discrepancy, F7 lets the 保密员 lift the refusal just
shown (app.desk decides what may be lifted, and with whose approval). Esc clears. Every scan
answers in large green or red letters; a refusal also beeps. The scan field keeps the focus and
takes no input method, so a Chinese IME never swallows a scan.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import desk, distribution, scanning
from app.day_close import open_incidents
from app.desk import Override, Refusal
from app.people import CLEARANCE_LABELS, Reader
from app.scanning import CopyRef
from app.session import Session
from app.slip_print import print_slips
from db.errors import InvalidInput, MijianError
from ui.out_model import AMBER, RED, OutModel, out_view, size_columns
from ui.override_dialog import ask_override
from ui.printing import PdfOutputDialog, offer_pdf
from ui.table_model import ListModel, table_view

GREEN, GREY = "#1b5e20", "#455a64"
FOLDER_SAMPLES = ("2026-0000 第000000份", None, "非密", "0000")
BANNER_LINES = 3
BANNER_STYLE = "font-size: 22px; font-weight: bold; color: white; background: {}; padding: 10px;"
# Where a banner line may break: after Chinese punctuation and ——, before 《, after a closing
# bracket that no punctuation follows. Never inside a phrase: "有异常" must not become "有异/常".
_BREAKS = re.compile(r"(?<=[，。；：、！？])|(?<=——)|(?=《)|(?<=[》）”])(?![，。；：、！？）》”])")
_JOIN, _MAY_BREAK = "\u2060", "\u200b"  # WORD JOINER, ZERO WIDTH SPACE
# Qt breaks after a plain space whatever joins it ("核对 6 /页完整" with the Latin face's
# narrower digits): inside a phrase a space is a no-break space.
_NBSP = "\u00a0"


def banner_lines(text: str) -> str:
    """`text` with a word joiner between the characters of each phrase (spaces included) and
    a zero-width space between phrases: the label's line breaking then breaks only there."""
    phrases = [p.replace(" ", _NBSP) for p in _BREAKS.split(text) if p]
    return _MAY_BREAK.join(_JOIN.join(p) for p in phrases)


class Banner(QLabel):
    """The desk's answer to every scan in large letters, at a fixed height of BANNER_LINES
    lines (a long message never pushes the scan field down), broken only between phrases.
    `text()` is the message as said; the label shows it with the joiners of banner_lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.say("请扫描读者证件或文件", GREY)
        self.ensurePolished()
        lines = self.fontMetrics().lineSpacing() * BANNER_LINES
        self.setFixedHeight(lines + 2 * 10 + 8)  # the padding of BANNER_STYLE, and the frame

    def say(self, text: str, colour: str) -> None:
        self._message = text
        self.setStyleSheet(BANNER_STYLE.format(colour))
        self.setText(banner_lines(text))

    def text(self) -> str:
        return self._message


class DeskPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.reader: Reader | None = None
        self.folder: list[CopyRef] = []
        self.pending_return: CopyRef | None = None
        # The last copy refused and why, which F7 may override.
        self._refused: tuple[CopyRef, list[Refusal]] | None = None

        self.banner = Banner()
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(
            "扫描 / 输入：读者证件、姓名、拼音首字母，或 收文编号/份号；空行回车＝确认"
        )
        self.scan_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.scan_edit.setStyleSheet("font-size: 20px; padding: 6px;")
        self.reader_label = QLabel("读者：—")
        self.reader_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.folder_model = ListModel(("份", "标题", "密级", "页数"), self)
        self.folder_view = table_view(self.folder_model, select_rows=False, fit_contents=False)
        self.folder_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button = QPushButton("确认借出（回车）")
        self.clear_button = QPushButton("清空（Esc）")
        self.discrepancy_button = QPushButton("核对异常（F6）")
        self.override_button = QPushButton("例外放行（F7）")
        self.slip_button = QPushButton("补打处理笺（F8）")
        self._last_copy: CopyRef | None = None
        self.out_model = OutModel(self)
        self.out_view = out_view(self.out_model)
        self.out_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.out_title = QLabel()
        self.incidents_label = QLabel()
        self.incidents_label.setWordWrap(True)
        self.incidents_label.setStyleSheet(f"color: {RED}; font-weight: bold;")

        left = QVBoxLayout()
        left.addWidget(self.reader_label)
        left.addWidget(QLabel("本次文件夹"))
        left.addWidget(self.folder_view, 1)
        buttons = QHBoxLayout()
        for button in (
            self.confirm_button,
            self.clear_button,
            self.discrepancy_button,
            self.override_button,
            self.slip_button,
        ):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.out_title)
        right.addWidget(self.out_view, 1)
        body = QHBoxLayout()
        # The out-list has eight columns and the folder four: two thirds of the width to it,
        # so that the titles in both keep room beside the whole 份号.
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.scan_edit)
        layout.addLayout(body, 1)
        # Below both tables, not under the folder: five buttons side by side would hold the
        # folder at their width and squeeze the out-list.
        layout.addLayout(buttons)
        layout.addWidget(self.incidents_label)

        size_columns(self.folder_view, FOLDER_SAMPLES)

        self.scan_edit.returnPressed.connect(self._on_enter)
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button.clicked.connect(self.clear)
        self.discrepancy_button.clicked.connect(self._discrepancy)
        self.override_button.clicked.connect(self._override)
        self.slip_button.clicked.connect(self.print_last_slip)
        QShortcut(QKeySequence(Qt.Key.Key_F6), self, self._discrepancy)
        QShortcut(QKeySequence(Qt.Key.Key_F7), self, self._override)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.print_last_slip)
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.refresh()

    # ---- scanning -----------------------------------------------------------------------
    def _on_enter(self) -> None:
        text = self.scan_edit.text()
        self.scan_edit.clear()
        if text.strip():
            self.scan(text)
        else:
            self.confirm()

    def scan(self, code: str) -> None:
        db = self._session.db
        try:
            found = scanning.scan(self._session, code)

        except MijianError as exc:
            self._refuse(exc.message)
            return
        self._refused = None  # F7 overrides only the refusal just shown
        if found.reader is not None:
            self.reader = found.reader

            self.reader_label.setText(
                f"读者：{found.reader.name}（{found.reader.unit} {CLEARANCE_LABELS[found.reader.clearance]}）"
            )
            self._say(f"读者 {found.reader.name}：请扫描要借出的文件", GREEN)
            return
        copy = found.copy
        assert copy is not None
        self._last_copy = copy
        if copy.state == "借出" and self.reader is None:
            pending = desk.pending_discrepancy(db, copy.copy_id)
            if pending is not None:
                self._refuse(
                    f"{copy.label} 已登记核对异常（{pending}），待保密员处理；"
                    "该份仍记为借出，不能按核对无误归还。"
                )
                return
            self.pending_return = copy
            self._say(
                f"归还 {copy.label}《{copy.title}》：核对 {copy.pages} 页完整、无损坏、无复制——"
                "无误按回车，有异常按 F6",
                AMBER,
            )
            return
        if self.reader is None:
            held = distribution.held_text(db, copy.copy_id)
            self._refuse(held or "请先扫描读者证件（或输入姓名），再扫描文件。")
            return
        if any(c.copy_id == copy.copy_id for c in self.folder):
            self._refuse(f"{copy.label} 已在文件夹中。")
            return
        now = self._session.clock.now()
        if desk.counter_closed(db, now.date()):
            self._refuse(desk.CLOSED_MESSAGE)
            return
        refused = desk.refusals(db, self.reader, copy, now)
        if refused:
            text = "".join(r.message for r in refused)
            if all(r.overridable for r in refused):
                self._refused = (copy, refused)
                law = "经单位负责人批准，" if any(r.by_law for r in refused) else ""
                text += f"（{law}保密员可按 F7 例外放行）"
            self._refuse(text)
            return
        self.folder.append(copy)
        self._show_folder()
        self._say(
            f"已加入：{copy.label}《{copy.title}》，共 {len(self.folder)} 份——回车确认借出", GREEN
        )

    def confirm(self) -> None:
        if self.pending_return is not None:
            copy, self.pending_return = self.pending_return, None
            try:
                desk.take_back(self._session, copy.copy_id)
            except MijianError as exc:
                self._refuse(exc.message)
                return
            self._say(f"已归还：{copy.label}，核对无误", GREEN)
            self.refresh()
            return
        if self.reader is None or not self.folder:
            self._refuse("没有要确认的操作：先扫描读者和文件，或扫描要归还的文件。")
            return
        self._hand_over(None)

    def _hand_over(self, override: Override | None) -> None:
        try:
            self._check_out(self.folder, override)
        except MijianError as exc:
            self._refuse(exc.message)

    def _check_out(self, copies: list[CopyRef], override: Override | None) -> None:
        """Hand `copies` to the reader, or raise and leave the folder as it was."""
        assert self.reader is not None
        ids = desk.checkout(self._session, self.reader.id, [c.copy_id for c in copies], override)
        count, name = len(copies), self.reader.name
        lifted = "、".join(r.kind for r in self._refused[1]) if self._refused else ""
        self.clear(quiet=True)
        self.refresh()
        rows = [self.out_model.row_at(i) for i in range(self.out_model.rowCount())]
        due = min((r.due_at for r in rows if r.handover_id in ids), default=None)
        when = "" if due is None else f"，请于 {self._when(due)} 前交回"
        if override is None:
            self._say(f"已借出 {count} 份给 {name}{when}。", GREEN)
        else:
            what = f"（{lifted}）" if lifted else ""
            self._say(
                f"经保密员 {override.approver} 例外放行{what}，已借出 {count} 份给 {name}{when}。",
                AMBER,
            )

    def _when(self, due: datetime) -> str:
        today = self._session.clock.now().date()
        return f"{due:%H:%M}" if due.date() == today else f"{due:%m月%d日 %H:%M}"

    def clear(self, quiet: bool = False) -> None:
        self.reader = None
        self.folder = []
        self.pending_return = None
        self._refused = None
        self.reader_label.setText("读者：—")
        self._show_folder()
        if not quiet:
            self._say("已清空，请扫描读者证件或文件", GREY)
        self.scan_edit.setFocus()

    def _discrepancy(self) -> None:
        copy = self.pending_return
        if copy is None:
            self._refuse("先扫描要归还的文件，再登记核对异常。")
            return
        note, ok = QInputDialog.getText(
            self, "核对异常", f"{copy.label} 的异常情况（如 缺第3页、有破损）："
        )
        self.scan_edit.setFocus()
        if not ok:
            return
        self.record_discrepancy(note)

    def record_discrepancy(self, note: str) -> None:
        copy = self.pending_return
        if copy is None:
            return
        try:
            if not note.strip():
                raise InvalidInput("请写明异常情况。")
            desk.take_back(self._session, copy.copy_id, note)
        except MijianError as exc:
            self._refuse(exc.message)
            return
        self.pending_return = None
        self._say(f"{copy.label} 核对异常已登记，待保密员处理；该份仍记为借出。", RED)
        self.refresh()

    def _override(self) -> None:
        if self._refused is None or self.reader is None:
            self._refuse("没有被拒绝的文件需要放行。")
            return
        copy, found = self._refused
        ask_override(
            self,
            f"为 {self.reader.name} 例外放行 {copy.label}",
            found,
            lambda override: self._check_out([*self.folder, copy], override),
        )
        self.scan_edit.setFocus()

    def override(self, copy: CopyRef, override: Override) -> None:
        """Hand the folder and the refused `copy` over on the 保密员's word; a refusal is shown
        and leaves the folder as it was."""
        try:
            self._check_out([*self.folder, copy], override)
        except MijianError as exc:
            self._refuse(exc.message)

    def print_last_slip(self) -> PdfOutputDialog | None:
        """A new slip for the copy last scanned; the old one is retired once the new one is
        printed or saved (closing the dialog leaves it valid)."""
        copy = self._last_copy
        if copy is None:
            self._refuse("先扫描要补打处理笺的文件。")
            return None
        dialog = offer_pdf(
            self,
            f"{copy.label} 处理笺",
            f"处理笺-{copy.number}-{copy.copy_no}.pdf",
            lambda: print_slips(self._session, copy.document_id, [copy.copy_id]),
        )
        self.scan_edit.setFocus()
        return dialog

    # ---- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        db = self._session.db
        now = self._session.clock.now()
        rows = desk.out_now(db, now.date().isoformat())
        self.out_model.now = now
        self.out_model.set_rows(rows)
        late = sum(1 for r in rows if r.copy.level != "非密" and r.status(now) == "逾期")
        self.out_title.setText(
            f"<b>在外文件 {len(rows)} 份</b>"
            + (f"　<span style='color:{RED}'>逾期 {late} 份</span>" if late else "")
        )
        incidents = open_incidents(db)
        self.incidents_label.setText(
            "待处理事件："
            + "；".join(i.summary for i in incidents[:5])
            + (f" 等 {len(incidents)} 件" if len(incidents) > 5 else "")
            if incidents
            else ""
        )

    def _tick(self) -> None:
        """The colours move with the clock while the desk is in sight; a hidden page is
        refreshed when it is shown again (ui.main_window), and a closed one never."""
        if self.isVisible():
            self.refresh()

    def _show_folder(self) -> None:
        self.folder_model.set_rows([(c.label, c.title, c.level, c.pages) for c in self.folder])

    def _say(self, text: str, colour: str) -> None:
        self.banner.say(text, colour)
        self.scan_edit.setFocus()

    def _refuse(self, text: str) -> None:
        self._say(text, RED)
        QApplication.beep()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        # The window refreshes a page each time it is shown (ui.main_window); the scan field
        # takes the focus so that the next scan lands there.
        super().showEvent(event)
        self.scan_edit.setFocus()
