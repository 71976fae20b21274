"""One audit event in full, as the role may read it: every field on its own line, in Chinese."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.audit_view import AuditLine

REDUCED_NOTE = "业务事件：按三员规定，管理员只看类别、时间、账户和对象编号，不显示详情。"


class AuditDetailDialog(QDialog):
    def __init__(self, line: AuditLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"审计记录 第 {line.seq} 条")
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        self._row("序号", str(line.seq))
        self._row("时间", line.at)
        self._row(
            "账户",
            line.who
            if line.who == line.account or "系统" in line.who
            else f"{line.who}　登录名 {line.account}",
        )
        self._row("类别", line.group)
        self._row("事项", line.action)
        self._row("对象", line.object)
        if line.reduced:
            self._row("详情", REDUCED_NOTE)
        elif not line.items:
            self._row("详情", "无")
        for label, value in line.items:
            self._row(label, value)
        self._row("本条哈希", f"{line.hash[:32]}\n{line.hash[32:]}")  # 64 characters do not wrap
        buttons = QDialogButtonBox()
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(line.sentence))
        layout.addLayout(self.form)
        layout.addWidget(buttons)

    def _row(self, label: str, value: str) -> None:
        shown = QLabel(value)
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(f"{label}：", shown)

    def text(self) -> str:
        """Everything the dialog shows, for tests and copying."""
        parts = []
        for row in range(self.form.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
                item = self.form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if isinstance(widget, QLabel):
                    parts.append(widget.text())
        return "\n".join(parts)
