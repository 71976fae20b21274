"""借阅台: the counter, driven by the scanner alone. What a scan or key means is decided by
app.counter; this page renders its View and asks the questions F6, F7 and F8 need in dialogs.

Scan a reader's badge (or type a name or pinyin initials), scan the copies into the folder,
press Enter on the empty field to hand them over. Scan a copy that is out to take it back;
Enter confirms the check, F6 records a discrepancy, F7 lets the 保密员 lift the refusal just
shown (app.desk decides what may be lifted, and with whose approval). Esc clears. Every scan
answers in large green or red letters; a refusal also beeps. The scan field keeps the focus and
takes no input method, so a Chinese IME never swallows a scan.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import folders
from app.counter import Counter, Lift
from app.counter_view import Ask, Tone, View, board, readings_line
from app.desk import Override
from app.on_spot import Reading
from app.people import Reader
from app.scanning import CopyRef
from app.session import Session
from ui.errors import attempt
from ui.out_model import AMBER, RED, OutModel, out_view, size_columns
from ui.override_dialog import ask_override
from ui.pages.instructions_page import NewInstructionDialog
from ui.printing import PdfOutputDialog, offer_pdf
from ui.table_model import ListModel, table_view

GREEN, GREY = "#1b5e20", "#455a64"
COLOURS = {Tone.IDLE: GREY, Tone.OK: GREEN, Tone.CHECK: AMBER, Tone.ALERT: RED, Tone.REFUSED: RED}
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
        self._colour = ""
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.say("请扫描读者证件或文件", GREY)
        self.ensurePolished()
        lines = self.fontMetrics().lineSpacing() * BANNER_LINES
        self.setFixedHeight(lines + 2 * 10 + 8)  # the padding of BANNER_STYLE, and the frame

    def say(self, text: str, colour: str) -> None:
        self._message = text
        if colour != self._colour:  # a new style sheet re-polishes the label: only on a change
            self._colour = colour
            self.setStyleSheet(BANNER_STYLE.format(colour))
        self.setText(banner_lines(text))

    def text(self) -> str:
        return self._message


class DeskPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.counter = Counter(session)
        self.instruction_dialog: NewInstructionDialog | None = None

        self.banner = Banner()
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(
            "扫描 / 输入：读者证件、姓名、拼音首字母，或 收文编号/份号（发文为 F编号/份号）；空行回车＝确认"
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
        self.on_spot_button = QPushButton("在室阅读（F9）")
        self.remove_button = QPushButton("移出一份（F4）")
        self.label_button = QPushButton("文件夹标签…")
        self.out_model = OutModel(self)
        self.out_view = out_view(self.out_model)
        self.out_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.out_title = QLabel()
        self.readings_label = QLabel()  # 在室阅读's timers
        self.readings_label.setStyleSheet(f"color: {AMBER}; font-size: 16px; font-weight: bold;")
        self.incidents_label = QLabel()
        self.incidents_label.setWordWrap(True)
        self.incidents_label.setStyleSheet(f"color: {RED}; font-weight: bold;")

        left = QVBoxLayout()
        left.addWidget(self.reader_label)
        self.folder_title = QLabel("本次文件夹")
        left.addWidget(self.folder_title)
        left.addWidget(self.folder_view, 1)
        buttons = QHBoxLayout()
        for button in (
            self.confirm_button,
            self.clear_button,
            self.discrepancy_button,
            self.override_button,
            self.slip_button,
            self.on_spot_button,
            self.remove_button,
            self.label_button,
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
        layout.addWidget(self.readings_label)
        layout.addWidget(self.incidents_label)

        size_columns(self.folder_view, FOLDER_SAMPLES)

        self.scan_edit.returnPressed.connect(self._on_enter)
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button.clicked.connect(self.clear)
        self.discrepancy_button.clicked.connect(self._discrepancy)
        self.override_button.clicked.connect(self._override)
        self.slip_button.clicked.connect(self.print_last_slip)
        self.on_spot_button.clicked.connect(self._on_spot)
        self.remove_button.clicked.connect(self.remove_one)
        self.label_button.clicked.connect(self._folder_label)
        QShortcut(QKeySequence(Qt.Key.Key_F6), self, self._discrepancy)
        QShortcut(QKeySequence(Qt.Key.Key_F7), self, self._override)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.print_last_slip)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, self._on_spot)
        QShortcut(QKeySequence(Qt.Key.Key_F4), self, self.remove_one)
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        # The in-room readings' timers tick each second from the readings last read (no query).
        self._readings: list[Reading] = []
        self._seconds = QTimer(self)
        self._seconds.setInterval(1000)
        self._seconds.timeout.connect(self.show_readings)
        self._seconds.start()
        self.refresh()

    # ---- the counter's state, read-only (app.counter holds it) -------------------------------
    @property
    def reader(self) -> Reader | None:
        return self.counter.reader

    @property
    def folder(self) -> list[CopyRef]:
        return list(self.counter.folder)

    @property
    def pending_return(self) -> CopyRef | None:
        return self.counter.pending_return

    # ---- keys -------------------------------------------------------------------------------
    def _on_enter(self) -> None:
        text = self.scan_edit.text()
        self.scan_edit.clear()
        self._render(self.counter.line(text))

    def scan(self, code: str) -> None:
        self._render(self.counter.scan(code))

    def confirm(self) -> None:
        self._render(self.counter.enter())

    def clear(self, quiet: bool = False) -> None:
        self._render(self.counter.clear(quiet))

    def _discrepancy(self) -> None:
        view = self.counter.discrepancy()
        self._render(view)
        if view.asks is not Ask.NOTE:
            return
        note, ok = QInputDialog.getText(self, "核对异常", view.prompt)
        self.scan_edit.setFocus()
        if ok:
            self.record_discrepancy(note)

    def record_discrepancy(self, note: str) -> None:
        self._render(self.counter.record_discrepancy(note))

    def _override(self) -> None:
        view = self.counter.ask_override()
        self._render(view)
        if view.asks is not Ask.OVERRIDE:
            return
        ask_override(
            self, view.prompt, view.lifts, self._session, self.counter.prepare_lift, self._lifted
        )
        self.scan_edit.setFocus()

    def _lifted(self, lift: Lift, handover_ids: list[int]) -> None:
        """The F7 dialog's handover went out (checked and written off the GUI thread)."""
        self._render(self.counter.lifted(lift, handover_ids))

    def override(self, copy: CopyRef, override: Override) -> None:
        """Hand the folder and the refused `copy` over on the 保密员's word; a refusal is shown
        and leaves the folder as it was. The password is checked on the calling thread: for tests
        and scripts; the window's F7 goes through OverrideDialog, off the GUI thread."""
        self._render(self.counter.override(override, copy))

    def _on_spot(self) -> None:
        """F9: the custodian confirms being present, then the reading starts."""
        view = self.counter.ask_on_spot()
        self._render(view)
        if view.asks is not Ask.PRESENCE:
            return
        answer = QMessageBox.question(self, "在室阅读", view.prompt)
        self.start_on_spot(answer == QMessageBox.StandardButton.Yes)

    def start_on_spot(self, present: bool) -> None:
        self._render(self.counter.start_on_spot(present))

    def remove_one(self) -> None:
        """F4: the copy selected in the 本次文件夹 (else the one last added) comes out of it."""
        row = self.folder_view.currentIndex().row()
        folder = self.counter.folder
        chosen = folder[row].copy_id if 0 <= row < len(folder) else None
        self._render(self.counter.remove(chosen))

    def _folder_label(self) -> None:
        names = [f.name for f in folders.all_folders(self._session)]
        name, ok = QInputDialog.getItem(
            self, "文件夹标签", "选择文件夹，或输入新文件夹的名称（如 红夹1）：", names, 0, True
        )
        self.scan_edit.setFocus()
        if ok:
            self.print_folder_label(name)

    def print_folder_label(self, name: str) -> PdfOutputDialog | None:
        """The label of the folder `name`, made first if it is new; audited once printed."""
        found = next(
            (f for f in folders.all_folders(self._session) if f.name == name.strip()), None
        )
        folder = attempt(
            self,
            lambda: found or folders.create(self._session, name),
            show=lambda exc: self._render(self.counter.refuse(exc.message)),
        )
        if folder is None:
            return None
        return offer_pdf(
            self,
            f"文件夹标签 {folder.name}",
            f"文件夹标签-{folder.name}.pdf",
            lambda: folders.print_label(self._session, folder.id),
        )

    def print_last_slip(self) -> PdfOutputDialog | None:
        """A new slip for the copy last scanned; the old one is retired once the new one is
        printed or saved (closing the dialog leaves it valid)."""
        view = self.counter.slip()
        self._render(view)
        if view.asks is not Ask.SLIP:
            return None
        dialog = offer_pdf(self, view.prompt, view.slip_file, self.counter.print_slip)
        self.scan_edit.setFocus()
        return dialog

    # ---- showing ------------------------------------------------------------------------
    def _render(self, view: View) -> None:
        self.reader_label.setText(view.reader)
        self.folder_title.setText(view.folder_title)
        folder = [(r.label, r.title, r.level, r.pages) for r in view.folder]
        if folder != self.folder_model.rows():  # an unchanged folder is not drawn again
            self.folder_model.set_rows(folder)
        if view.changed:
            self.refresh()
        self.banner.say(view.banner, COLOURS[view.tone])
        if view.beep:
            QApplication.beep()
        self.scan_edit.setFocus()
        if view.asks is Ask.INSTRUCTION:
            self._open_instruction(view)

    def _open_instruction(self, view: View) -> None:
        """The reader wrote a 批示 at the return: its entry opens for the document, the
        leader filled in; the custodian types what was written."""
        dialog = NewInstructionDialog(
            self._session, self, view.instruction_number, view.instruction_leader
        )
        dialog.setWindowTitle(view.prompt)
        self.instruction_dialog = dialog
        dialog.open()
        dialog.text_edit.setFocus()

    def refresh(self) -> None:
        now = self._session.clock.now()
        shown = board(self._session.db, now)
        self.out_model.now = now
        self.out_model.set_rows(shown.rows)
        # Laid out now, not at the view's next turn of the event loop: the deferred layout
        # drew the whole list a second time, in the middle of the next scan.
        self.out_view.doItemsLayout()
        self.out_title.setText(
            f"<b>在外文件 {len(shown.rows)} 份</b>"
            + (f"　<span style='color:{RED}'>逾期 {shown.late} 份</span>" if shown.late else "")
        )
        self.incidents_label.setText(shown.incidents)
        self._readings = shown.readings
        self.show_readings()

    def show_readings(self) -> None:
        self.readings_label.setText(readings_line(self._readings, self._session.clock.now()))

    def _tick(self) -> None:
        """The colours move with the clock while the desk is in sight; a hidden page is
        refreshed when it is shown again (ui.main_window), and a closed one never."""
        if self.isVisible():
            self.refresh()

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
