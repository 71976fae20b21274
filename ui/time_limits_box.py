"""默认办理时限 on the settings page: one spin box per limit, its source in the label's tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app import settings
from app.session import Session
from ui.errors import attempt


class TimeLimitsBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("默认办理时限（登记和批示未填时限时使用；按节假日表的工作日计算）", parent)
        self._session = session
        self.spins: dict[str, QSpinBox] = {}
        self.save_button = QPushButton("保存时限")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        layout = QGridLayout(self)
        values = self._values()
        for i, limit in enumerate(settings.TIME_LIMITS):
            spin = QSpinBox()
            spin.setRange(1, limit.high)
            spin.setSuffix(f" {limit.unit}")
            spin.setValue(values[limit.key])
            spin.setToolTip(f"默认 {limit.default} {limit.unit}。{limit.source}")
            label = QLabel(limit.label)
            label.setToolTip(spin.toolTip())
            self.spins[limit.key] = spin
            row, column = divmod(i, 3)
            layout.addWidget(label, row, column * 2)
            layout.addWidget(spin, row, column * 2 + 1)
        rows = layout.rowCount()
        layout.addWidget(self.save_button, rows, 0)
        layout.addWidget(self.message_label, rows, 1, 1, 5)
        self.save_button.clicked.connect(self._save)

    def _values(self) -> dict[str, int]:
        return settings.time_limit_values(self._session.db)

    def _save(self) -> None:
        before = self._values()

        def save() -> int:
            changed = 0
            for key, spin in self.spins.items():
                if spin.value() != before[key]:
                    settings.set_time_limit(self._session, key, spin.value())
                    changed += 1
            return changed

        changed = attempt(self, save)
        if changed is not None:
            self.message_label.setText(
                f"已保存 {changed} 项时限。" if changed else "时限没有改动。"
            )
