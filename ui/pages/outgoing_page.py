"""发文 (custodian): the office's own documents — the 发文登记簿, sending with the 文件分发单 and
回执, scanning 回执 back and chasing the missing ones — and the 退文登记.

Three tabs. 发文登记簿: 登记发文… numbers the document and registers its printed copies; 发出
sends each recipient its copies; F8 prints the 文件分发单 with one 回执 per recipient. 回执: scan
a 回执's QR (the field takes no input method, so an IME never swallows a scan) to close that
recipient's line; the missing ones are listed and 催收回执 prints them. 退文: register an item
returned for coming by the wrong route and print its 退文通知. app.outgoing and
app.returned_mail decide; this page shows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import outgoing, outgoing_records, returned_mail
from app.errors import MijianError
from app.outgoing_print import print_dispatch, print_reply_chase, reply_by_scan
from app.session import Session
from ui.document_dialog import DocumentDialog
from ui.errors import attempt, attempted
from ui.outgoing_dialogs import OutgoingDialog, ReturnDialog
from ui.printing import PdfOutputDialog, offer_pdf
from ui.table_model import ListModel, table_view

GREEN, AMBER, RED, GREY = "#1b5e20", "#e65100", "#b00020", "#455a64"


class OutgoingPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._book: list[outgoing_records.Outgoing] = []
        self._missing: list[outgoing_records.Recipient] = []
        self._returns: list[returned_mail.ReturnedMail] = []
        self.last_code = "区委办发"
        now = session.clock.now()

        self.banner = QLabel()
        self.banner.setMinimumHeight(48)
        self.banner.setWordWrap(True)
        self.tabs = QTabWidget()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, now.year)
        self.year_spin.setValue(now.year)
        self.summary = QLabel()
        self.book_model = ListModel(
            (
                "发文字号",
                "各份编号",
                "标题",
                "密级",
                "紧急",
                "签发人",
                "印制",
                "存档份",
                "回执",
                "状态",
            ),
            self,
        )
        self.book_view = table_view(self.book_model)
        self.lines_model = ListModel(
            ("主送/抄送", "单位", "份号", "份数", "发出", "回执", "签收人", "已催"), self
        )
        self.lines_view = table_view(self.lines_model, select_rows=False)
        self.new_button = QPushButton("登记发文…")
        self.send_button = QPushButton("发出")
        self.print_button = QPushButton("打印分发单和回执（F8）")
        self.void_reason = QLineEdit()
        self.void_reason.setPlaceholderText("作废原因")
        self.void_button = QPushButton("作废")
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText("办理情况")
        self.notes_button = QPushButton("保存办理情况")

        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText("扫描回执二维码，回车登记")
        self.scan_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.scan_edit.setStyleSheet("font-size: 20px; padding: 6px;")
        self.reply_signer = QLineEdit()
        self.reply_signer.setPlaceholderText("回执签收人（可空）")
        self.missing_title = QLabel()
        self.missing_model = ListModel(
            ("发文字号", "标题", "单位", "主送/抄送", "份号", "发出时间", "已催"), self
        )
        self.missing_view = table_view(self.missing_model)
        self.manual_button = QPushButton("手工登记所选回执")
        self.chase_button = QPushButton("打印催收回执…")

        self.returns_model = ListModel(
            ("退文编号", "来件单位", "标题", "密级", "原因", "退回对象", "退回时间"), self
        )
        self.returns_view = table_view(self.returns_model)
        self.return_button = QPushButton("登记退文…")
        self.notice_button = QPushButton("打印退文通知")
        self._lay_out()
        self._connect()
        self.refresh()
        self._say("登记发文后按“发出”，打印分发单和回执；回执退回时在“回执”页扫描", GREY)

    # ---- layout and wiring ----------------------------------------------------------------
    def _lay_out(self) -> None:
        book = QWidget()
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_spin)
        top.addWidget(self.summary, 1)
        buttons = QHBoxLayout()
        for w in (self.new_button, self.send_button, self.print_button, self.void_reason):
            buttons.addWidget(w)
        buttons.addWidget(self.void_button)
        notes = QHBoxLayout()
        notes.addWidget(self.notes_edit, 1)
        notes.addWidget(self.notes_button)
        column = QVBoxLayout(book)
        column.addLayout(top)
        column.addWidget(self.book_view, 2)
        column.addWidget(QLabel("主送、抄送及回执"))
        column.addWidget(self.lines_view, 1)
        column.addLayout(notes)
        column.addLayout(buttons)
        self.tabs.addTab(book, "发文登记簿")

        replies = QWidget()
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_edit, 3)
        scan_row.addWidget(self.reply_signer, 1)
        column = QVBoxLayout(replies)
        column.addLayout(scan_row)
        column.addWidget(self.missing_title)
        column.addWidget(self.missing_view, 1)
        reply_buttons = QHBoxLayout()
        reply_buttons.addWidget(self.manual_button)
        reply_buttons.addWidget(self.chase_button, 1)
        column.addLayout(reply_buttons)
        self.tabs.addTab(replies, "回执")

        returns = QWidget()
        row = QHBoxLayout()
        row.addWidget(self.return_button)
        row.addWidget(self.notice_button)
        row.addStretch(1)
        column = QVBoxLayout(returns)
        column.addWidget(self.returns_view, 1)
        column.addLayout(row)
        self.tabs.addTab(returns, "退文")

        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        outer.addWidget(self.tabs, 1)

    def _connect(self) -> None:
        self.year_spin.valueChanged.connect(self.refresh)
        # A result belongs to the tab it happened on (walk-through: a 退文 banner stayed on 发文).
        self.tabs.currentChanged.connect(lambda _: self._clear_banner())
        self.book_view.selectionModel().selectionChanged.connect(self._show_lines)
        # A row opens its record (各份, 保管经历, 处理笺 and 标签) on double-click or Enter, as
        # in 收文登记 (`activated` only: `doubleClicked` as well opened two dialogs there).
        self.book_view.activated.connect(lambda index: self.open_record(index.row()))
        self.new_button.clicked.connect(self._ask_new)
        self.send_button.clicked.connect(self.send)
        self.print_button.clicked.connect(self.print_dispatch)
        self.void_button.clicked.connect(self.void)
        self.notes_button.clicked.connect(self.save_notes)
        self.scan_edit.returnPressed.connect(self._scanned)
        self.chase_button.clicked.connect(self.print_chase)
        self.manual_button.clicked.connect(self.reply_by_hand)
        self.return_button.clicked.connect(self._ask_return)
        self.notice_button.clicked.connect(self.print_notice)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self.print_dispatch)

    # ---- 发文 -----------------------------------------------------------------------------
    def new_dialog(self) -> OutgoingDialog:
        return OutgoingDialog(self._session, self.last_code, self)

    def _ask_new(self) -> None:
        dialog = self.new_dialog()
        if dialog.exec():
            self.registered(dialog)

    def registered(self, dialog: OutgoingDialog) -> None:
        out = dialog.result_outgoing
        if out is None:
            return
        self.last_code = out.code
        self.refresh()
        self.select(out.id)
        self._say(f"已登记 {out.label}（各份编号 {out.registration}）：核对后按“发出”", GREEN)

    def selected(self) -> outgoing_records.Outgoing | None:
        rows = self.book_view.selectionModel().selectedRows()
        return self._book[rows[0].row()] if rows else None

    def open_record(self, row: int) -> DocumentDialog:
        dialog = DocumentDialog(self._session, self._book[row].document_id, self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    def select(self, outgoing_id: int) -> None:
        for i, out in enumerate(self._book):
            if out.id == outgoing_id:
                self.book_view.selectRow(i)

    def send(self) -> None:
        out = self.selected()
        if out is None:
            self._refuse("先在发文登记簿中选中一件发文。")
            return
        sent = attempt(self, lambda: outgoing.send(self._session, out.id), show=self._refuse_error)
        if sent is None:
            return
        self.refresh()
        self.select(out.id)
        copies = sum(r.copies for r in sent)
        self._say(
            f"已发出 {out.label}：{len(sent)} 个单位 {copies} 份——按 F8 打印分发单和回执", GREEN
        )

    def print_dispatch(self) -> PdfOutputDialog | None:
        out = self.selected()
        if out is None:
            self._refuse("先在发文登记簿中选中一件发文。")
            return None
        return offer_pdf(
            self,
            f"文件分发单 {out.label}",
            f"文件分发单-{out.label}.pdf",
            lambda: print_dispatch(self._session, out.id),
        )

    def void(self) -> None:
        out = self.selected()
        if out is None:
            self._refuse("先在发文登记簿中选中一件发文。")
            return
        if not attempted(
            self,
            lambda: outgoing.void(self._session, out.id, self.void_reason.text()),
            show=self._refuse_error,
        ):
            return
        self.void_reason.clear()
        self.refresh()
        self._say(f"{out.label} 已作废：文号保留在登记簿中，不再使用。", AMBER)

    def save_notes(self) -> None:
        out = self.selected()
        if out is None:
            self._refuse("先在发文登记簿中选中一件发文。")
            return
        if not attempted(
            self,
            lambda: outgoing.set_notes(self._session, out.id, self.notes_edit.text()),
            show=self._refuse_error,
        ):
            return
        self.refresh()
        self._say(f"已保存 {out.label} 的办理情况。", GREEN)

    # ---- 回执 -----------------------------------------------------------------------------
    def _scanned(self) -> None:
        code = self.scan_edit.text()
        self.scan_edit.clear()
        if not code.strip():
            return
        line = attempt(
            self,
            lambda: reply_by_scan(self._session, code, self.reply_signer.text()),
            show=self._refuse_error,
        )
        if line is None:
            return
        self.reply_signer.clear()
        out = outgoing_records.get(self._session.db, line.outgoing_id)
        self.refresh()
        self._say(f"已收回回执：{out.label} {line.unit}（{line.copy_ranges}）", GREEN)

    def reply_by_hand(self) -> None:
        """A 回执 whose QR will not read (torn, wet): the selected line, typed in by hand."""
        rows = self.missing_view.selectionModel().selectedRows()
        if not rows:
            self._refuse("先在未回执清单中选中一行。")
            return
        line = self._missing[rows[0].row()]
        if not attempted(
            self,
            lambda: outgoing.reply(self._session, line.id, self.reply_signer.text(), how="手工"),
            show=self._refuse_error,
        ):
            return
        self.reply_signer.clear()
        self.refresh()
        self._say(f"已手工登记回执：{line.unit}（{line.copy_ranges}）", GREEN)

    def print_chase(self) -> PdfOutputDialog | None:
        if not self._missing:
            self._refuse("各单位回执均已退回，无需催收。")
            return None
        dialog = offer_pdf(
            self,
            "催收回执",
            f"催收回执-{self._session.clock.now():%Y%m%d}.pdf",
            lambda: print_reply_chase(self._session),
        )
        if dialog is not None:
            dialog.finished.connect(lambda _: self.refresh())
        return dialog

    # ---- 退文 -----------------------------------------------------------------------------
    def return_dialog(self) -> ReturnDialog:
        return ReturnDialog(self._session, self)

    def _ask_return(self) -> None:
        dialog = self.return_dialog()
        if dialog.exec():
            self.returned(dialog)

    def returned(self, dialog: ReturnDialog) -> None:
        item = dialog.result_item
        if item is None:
            return
        self.refresh()
        self.returns_view.selectRow(len(self._returns) - 1)
        self._say(f"已登记退文 {item.label}（{item.rule}）：请打印退文通知随件退回", GREEN)

    def print_notice(self) -> PdfOutputDialog | None:
        rows = self.returns_view.selectionModel().selectedRows()
        if not rows:
            self._refuse("先选中一条退文。")
            return None
        item = self._returns[rows[0].row()]
        return offer_pdf(
            self,
            f"退文通知 {item.label}",
            f"退文通知-{item.label}.pdf",
            lambda: returned_mail.print_notice(self._session, item.id),
        )

    # ---- showing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """The page as the room is now (the window calls this each time the page is shown)."""
        db = self._session.db
        year = self.year_spin.value()
        chosen = self.selected()
        self._book = outgoing_records.book(self._session, year)
        rows = []
        for out in self._book:
            lines = outgoing_records.recipients(db, out.id)
            back = sum(r.replied_at is not None for r in lines)
            if out.voided_at is not None:
                state = "已作废"
            elif not any(r.sent_at for r in lines):
                state = "未发出"
            else:
                state = "回执齐全" if back == len(lines) else "待回执"
            rows.append(
                (
                    out.label,
                    out.registration,
                    out.title,
                    out.level_label,
                    out.urgency,
                    out.signed_by,
                    out.printed,
                    outgoing_records.kept_range(out, lines) or "无",
                    f"{back}/{len(lines)}",
                    state,
                )
            )
        self.book_model.set_rows(rows)
        c = outgoing_records.counts(db, year)
        self.summary.setText(
            f"{year}年发文 {c['件']} 件（密件 {c['密件']} 件），印制 {c['印制份']} 份、发出"
            f" {c['发出份']} 份；回执已回 {c['回执已回']}、未回 {c['回执未回']}；作废 {c['作废']} 号"
        )
        if chosen is not None:
            self.select(chosen.id)
        self._show_lines()
        self._missing = outgoing_records.missing(self._session)
        shown = {}
        for line in self._missing:
            if line.outgoing_id not in shown:
                shown[line.outgoing_id] = outgoing_records.get(db, line.outgoing_id)
        self.missing_model.set_rows(
            [
                (
                    shown[r.outgoing_id].label,
                    shown[r.outgoing_id].title,
                    r.unit,
                    r.role,
                    r.copy_ranges,
                    f"{r.sent_at:%Y-%m-%d %H:%M}" if r.sent_at else "",
                    f"{r.chases} 次" if r.chases else "",
                )
                for r in self._missing
            ]
        )
        copies = sum(r.copies for r in self._missing)
        self.missing_title.setText(
            f"<b>回执未回 {len(shown)} 件、{len(self._missing)} 个单位、{copies} 份</b>"
        )
        self._returns = returned_mail.register_of(self._session, year)
        self.returns_model.set_rows(
            [
                (
                    r.label,
                    r.sender,
                    r.title,
                    r.level,
                    str(r.rule),
                    r.returned_to,
                    f"{r.returned_at:%Y-%m-%d %H:%M}",
                )
                for r in self._returns
            ]
        )

    def _show_lines(self) -> None:
        out = self.selected()
        self.notes_edit.setText("" if out is None else out.notes)
        lines = [] if out is None else outgoing_records.recipients(self._session.db, out.id)
        self.lines_model.set_rows(
            [
                (
                    r.role,
                    r.unit,
                    r.copy_ranges,
                    r.copies,
                    f"{r.sent_at:%m-%d %H:%M}" if r.sent_at else "未发出",
                    f"{r.replied_at:%m-%d %H:%M}" if r.replied_at else r.state,
                    r.reply_signer or "",
                    f"{r.chases} 次" if r.chases else "",
                )
                for r in lines
            ]
        )

    def _say(self, text: str, colour: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"font-size: 18px; font-weight: bold; color: white; background: {colour}; padding: 8px;"
        )

    def _clear_banner(self) -> None:
        self.banner.clear()
        self.banner.setStyleSheet("")

    def _refuse(self, text: str) -> None:
        self._say(text, RED)
        QApplication.beep()

    def _refuse_error(self, exc: MijianError) -> None:
        self._refuse(exc.message)
