"""登记新收文: a keyboard-first form for one document after another.

Enter moves to the next field; Enter on the last field (or Ctrl+Enter anywhere) registers.
After each registration the form clears for the next document but keeps 来文单位 and 来文类别,
so a morning's mail from one issuer goes in without retyping them. A known 来文单位 brings its
last 来文类别; 份号, when given, decides 份数; Esc on a filled form asks before discarding it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import documents, registration_checks, registry, workdays
from app.classification import (
    HANDLING,
    LEVELS,
    SOURCES,
    TELEGRAM_URGENCIES,
    URGENCIES,
)
from app.entry import parse_date, parse_datetime, parse_period, parse_scope
from app.errors import MijianError
from app.numbers import normalise_doc_number, parse_copy_numbers
from app.registration_checks import DocumentInput
from app.registry import Registration
from app.session import Session
from app.vocab import Level
from ui.errors import attempt

Registered = Callable[[Registration], None]


class RegistrationDialog(QDialog):
    def __init__(self, session: Session, on_registered: Registered, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self._on_registered = on_registered
        self.setWindowTitle("登记新收文")
        self.setMinimumWidth(640)

        self.issuer_edit = QLineEdit()
        # One model for the dialog's life; swapping models under an open popup crashes Qt.
        self._issuers = QStringListModel(documents.recent_issuers(session.db), self)
        self._completer = QCompleter(self._issuers, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.issuer_edit.setCompleter(self._completer)
        self.source_combo = _combo(SOURCES)
        self.doc_number_edit = QLineEdit()
        self.doc_number_edit.setPlaceholderText("如 市委发〔2026〕12号（[]【】() 均可）")
        self.title_edit = QLineEdit()
        self.written_edit = QLineEdit()
        self.written_edit.setPlaceholderText("如 2026-11-10")
        self.level_combo = _combo(LEVELS)
        self.level_combo.setCurrentText(Level.SECRET)

        self.period_edit = QLineEdit()
        self.period_edit.setPlaceholderText(
            "空 = 法定期限；或 10年、6个月、长期、解密日期、解密条件：……"
        )
        self.period_edit.setToolTip(
            "留空按法定期限：绝密30年、机密20年、秘密10年。超过法定最长期限时会提示核对。"
        )
        self.telegram_check = QCheckBox("电报")
        self.urgency_combo = _combo(URGENCIES)
        self.urgency_combo.setCurrentText("平件")
        self.handling_combo = _combo(HANDLING)
        self.received_edit = QLineEdit()
        self.waiting_edit = QLineEdit()
        self.waiting_edit.setPlaceholderText("文件到达交换站待取的时间；空 = 不计签收时限")
        self.copies_edit = QLineEdit()
        self.copies_edit.setPlaceholderText("如 000031-000035, 000040")
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 1000)
        self.count_spin.setToolTip("填写份号时份数由份号决定；非密件没有份号时在此填写份数")
        self.pages_spin = QSpinBox()
        self.pages_spin.setRange(0, 10000)
        self.attachments_edit = QLineEdit()
        self.scope_edit = QLineEdit()
        self.scope_edit.setPlaceholderText("读者或分组，用顿号分隔；空 = 按涉密等级")
        self.deadline_edit = QLineEdit()
        self.cabinet_edit = QLineEdit()
        self.remarks_edit = QLineEdit()
        self.preview_label = QLabel()  # its own full-width row: it wraps, it is never cut
        self.preview_label.setStyleSheet("color: #555;")
        self.preview_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.register_button = QPushButton("登记（Ctrl+Enter）")
        self.close_button = QPushButton("关闭")

        urgency_row = QHBoxLayout()
        urgency_row.addWidget(self.urgency_combo, 1)
        urgency_row.addWidget(self.telegram_check)
        copies_row = QHBoxLayout()
        copies_row.addWidget(self.copies_edit, 3)
        copies_row.addWidget(QLabel("份数"))
        copies_row.addWidget(self.count_spin)
        copies_row.addWidget(QLabel("每份页数"))
        copies_row.addWidget(self.pages_spin)
        form = QFormLayout()
        form.addRow("来文单位", self.issuer_edit)
        form.addRow("来文类别", self.source_combo)
        form.addRow("文号", self.doc_number_edit)
        form.addRow("标题", self.title_edit)
        form.addRow("成文日期", self.written_edit)
        form.addRow("密级", self.level_combo)
        form.addRow("保密期限", self.period_edit)
        form.addRow("紧急程度", urgency_row)
        form.addRow("办件/阅件", self.handling_combo)
        form.addRow("签收时间", self.received_edit)
        form.addRow("交换站待取", self.waiting_edit)
        form.addRow("份号", copies_row)
        form.addRow("附件", self.attachments_edit)
        form.addRow("阅文范围", self.scope_edit)
        form.addRow("办理时限", self.deadline_edit)
        form.addRow("存放位置", self.cabinet_edit)
        form.addRow("备注", self.remarks_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)

        self._order: list[QWidget] = [
            self.issuer_edit,
            self.source_combo,
            self.doc_number_edit,
            self.title_edit,
            self.written_edit,
            self.level_combo,
            self.period_edit,
            self.urgency_combo,
            self.handling_combo,
            self.received_edit,
            self.waiting_edit,
            self.copies_edit,
            self.pages_spin,
            self.attachments_edit,
            self.scope_edit,
            self.deadline_edit,
            self.cabinet_edit,
            self.remarks_edit,
        ]
        for widget in self._order:
            widget.installEventFilter(self)
        self.register_button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        self.register_button.clicked.connect(self.submit)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.submit)
        self.telegram_check.toggled.connect(self._telegram_toggled)
        self.issuer_edit.editingFinished.connect(self._follow_issuer)
        self._completer.activated.connect(self._follow_issuer)
        self.issuer_edit.textEdited.connect(self._close_needless_popup)
        self.copies_edit.textChanged.connect(self._follow_copies)
        for edit in (self.copies_edit, self.doc_number_edit, self.issuer_edit, self.period_edit):
            edit.textChanged.connect(self._update_preview)
        for combo in (self.urgency_combo, self.handling_combo, self.level_combo):
            combo.currentTextChanged.connect(self._update_preview)
        self._clean: tuple[object, ...] = ()
        self._reset(keep_issuer=False)

    # ---- keyboard ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if _is_plain_enter(event) and isinstance(watched, QWidget) and watched in self._order:
            popup = self._completer.popup()
            if watched is self.issuer_edit and popup is not None and popup.isVisible():
                return False  # Enter picks the completion first
            if watched is self.issuer_edit:
                self._follow_issuer()
            if watched is self._order[-1]:
                self.submit()
            else:
                self._order[self._order.index(watched) + 1].setFocus()
            return True
        return super().eventFilter(watched, event)

    # ---- behaviour ---------------------------------------------------------------------
    def _telegram_toggled(self, on: bool) -> None:
        self.urgency_combo.clear()
        self.urgency_combo.addItems(TELEGRAM_URGENCIES if on else URGENCIES)
        self.urgency_combo.setCurrentText("平急" if on else "平件")

    def _close_needless_popup(self) -> None:
        """Once the typed 来文单位 is exactly the only suggestion, the popup has nothing left to
        offer; left open, it would swallow the custodian's next click. Qt shows it after this
        signal, so it is closed on the next turn of the event loop."""

        def close() -> None:
            popup = self._completer.popup()
            typed = self.issuer_edit.text().strip().casefold()
            if (
                popup is not None
                and popup.isVisible()
                and self._completer.completionCount() == 1
                and self._completer.currentCompletion().casefold() == typed
            ):
                popup.hide()

        QTimer.singleShot(0, close)

    def _follow_issuer(self) -> None:
        """A known 来文单位 brings the 来文类别 of its last registration."""
        source = registration_checks.known_source(self._session.db, self.issuer_edit.text())
        if source is not None:
            self.source_combo.setCurrentText(source)

    def _follow_copies(self) -> None:
        """份号 decides 份数: the count shows how many copies the numbers give and is locked."""
        typed = bool(self.copies_edit.text().strip())
        self.count_spin.setEnabled(not typed)
        if typed:
            try:
                numbers = parse_copy_numbers(self.copies_edit.text())
            except MijianError:
                return
            if numbers:
                self.count_spin.setValue(len(numbers))

    def _update_preview(self) -> None:
        parts = []
        try:
            numbers = parse_copy_numbers(self.copies_edit.text())
            if numbers:
                parts.append(f"共 {len(numbers)} 份")
        except MijianError as exc:
            parts.append(exc.message)
        typed = self.doc_number_edit.text().strip()
        if typed:
            try:
                normal, ok = normalise_doc_number(typed)
            except MijianError as exc:
                normal, ok = "", False
                parts.append(exc.message)
            else:
                parts.append(f"文号：{normal}" if ok else "文号格式无法识别，将按原样保存")
            if ok and normal:
                issuer = self.issuer_edit.text().strip()
                parts.extend(
                    registration_checks.doc_number_warnings(self._session.db, issuer, normal)
                )
        try:
            level = self.level_combo.currentText()
            period = parse_period(self.period_edit.text(), level)
            if period is not None:
                parts.extend(registration_checks.period_warnings(period, level, None, None))
        except MijianError as exc:
            parts.append(exc.message)
        now = self._session.clock.now()
        due = workdays.registration_deadline(
            self._session.db,
            now,
            self.urgency_combo.currentText(),
            self.telegram_check.isChecked(),
            self.handling_combo.currentText(),
        )
        if due is not None and not self.deadline_edit.text().strip():
            parts.append(f"默认时限 {due.strftime('%m-%d %H:%M')}")
        self.preview_label.setText("　".join(parts))

    # ---- leaving -----------------------------------------------------------------------
    def _state(self) -> tuple[object, ...]:
        edits = tuple(w.text() for w in self.findChildren(QLineEdit))
        combos = tuple(w.currentText() for w in self.findChildren(QComboBox))
        spins = (self.count_spin.value(), self.pages_spin.value(), self.telegram_check.isChecked())
        return edits + combos + spins

    def is_dirty(self) -> bool:
        """Something typed since the form was last cleared (a kept 来文单位 is not)."""
        return self._state() != self._clean

    def reject(self) -> None:
        """Esc, 关闭 and the window's close button: a filled form is discarded only when asked."""
        if self.is_dirty():
            box = QMessageBox(
                QMessageBox.Icon.Question, "登记新收文", "放弃已填写的内容？", parent=self
            )
            discard = box.addButton("放弃", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("继续填写", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            box.exec()
            if box.clickedButton() is not discard:
                return
        super().reject()

    def _input(self) -> DocumentInput:
        db, zone = self._session.db, self._session.clock.now().tzinfo
        level = self.level_combo.currentText()
        readers, groups = parse_scope(db, self.scope_edit.text())
        copies = self.copies_edit.text()
        return DocumentInput(
            issuer=self.issuer_edit.text(),
            source=self.source_combo.currentText(),
            title=self.title_edit.text(),
            level=level,
            copy_numbers=copies,
            copy_count=self.count_spin.value() if not copies.strip() else None,
            pages=self.pages_spin.value(),
            doc_number=self.doc_number_edit.text(),
            written_on=parse_date(self.written_edit.text(), "成文日期"),
            period=parse_period(self.period_edit.text(), level),
            urgency=self.urgency_combo.currentText(),
            telegram=self.telegram_check.isChecked(),
            handling=self.handling_combo.currentText(),
            received_at=parse_datetime(self.received_edit.text(), zone, "签收时间"),
            attachments=self.attachments_edit.text(),
            scope_reader_ids=readers,
            scope_group_ids=groups,
            deadline=parse_datetime(self.deadline_edit.text(), zone, "办理时限"),
            cabinet=self.cabinet_edit.text(),
            remarks=self.remarks_edit.text(),
            waiting_at=parse_datetime(self.waiting_edit.text(), zone, "交换站待取时间"),
        )

    def _refused(self, exc: MijianError) -> None:
        self.message_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.message_label.setText(exc.message)

    def submit(self) -> None:
        result = attempt(
            self, lambda: registry.register(self._session, self._input()), show=self._refused
        )
        if result is None:
            return
        d = result.document
        text = f"已登记 {d.number}：{d.title}（{d.level_label}，{len(result.copies)} 份）"
        if result.warnings:
            text += "\n注意：" + "；".join(result.warnings)
        self.message_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.message_label.setText(text)
        self._on_registered(result)
        self._reset(keep_issuer=True)

    def _reset(self, keep_issuer: bool) -> None:
        if not keep_issuer:
            self.issuer_edit.clear()
        for edit in (
            self.doc_number_edit,
            self.title_edit,
            self.written_edit,
            self.period_edit,
            self.copies_edit,
            self.attachments_edit,
            self.scope_edit,
            self.deadline_edit,
            self.remarks_edit,
            self.waiting_edit,
        ):
            edit.clear()
        self.pages_spin.setValue(0)
        self.count_spin.setValue(1)
        self.received_edit.setText(self._session.clock.now().strftime("%Y-%m-%d %H:%M"))
        self._issuers.setStringList(documents.recent_issuers(self._session.db))

        self._follow_copies()
        self._update_preview()
        self._clean = self._state()
        (self.doc_number_edit if keep_issuer else self.issuer_edit).setFocus()


def _is_plain_enter(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.type() == QEvent.Type.KeyPress
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )


def _combo(items: tuple[str, ...]) -> QComboBox:

    combo = QComboBox()
    combo.addItems(list(items))
    return combo
