"""设置 (system administrator): accounts, the idle lock, backups and the integrity check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import accounts, settings, workdays
from app.apart import run_apart
from app.errors import InvalidInput, MijianError
from app.maintenance import CheckReport, backup, check_room
from app.paths import RoomPaths
from app.progress import Cancelled, Progress
from app.session import Session
from ui.account_dialogs import NewAccountDialog, SetPasswordDialog
from ui.accounts_model import AccountsModel
from ui.errors import attempt, attempted, show_error
from ui.file_dialogs import ask_path
from ui.tasks import ProgressWindow, run_with_progress, runner_for
from ui.time_limits_box import TimeLimitsBox

ChoosePath = Callable[[QWidget], Path | None]


def ask_backup_path(parent: QWidget) -> Path | None:
    return ask_path(
        parent,
        "备份到",
        "密件台账备份 (*.mjdb)",
        save=True,
        suggested="mijian-backup.mjdb",
        suffix="mjdb",
    )


class SettingsPage(QWidget):
    def __init__(
        self,
        session: Session,
        choose_path: ChoosePath = ask_backup_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._choose_path = choose_path

        self.model = AccountsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.new_button = QPushButton("新建账户…")
        self.reset_button = QPushButton("重置密码…")
        self.deactivate_button = QPushButton("停用账户")
        account_buttons = QHBoxLayout()
        for button in (self.new_button, self.reset_button, self.deactivate_button):
            account_buttons.addWidget(button)
        account_buttons.addStretch(1)
        account_box = QGroupBox(
            "账户（三员分立：系统管理员、安全保密管理员、安全审计员由不同的人担任）"
        )
        account_layout = QVBoxLayout(account_box)
        # A migrated room has no 安全保密管理员 yet: nobody could grant a role until one exists.
        self.officer_notice = QLabel(
            "本机要室还没有安全保密管理员。请新建一个角色为“安全保密管理员”的账户"
            "（不能与系统管理员、安全审计员为同一人）：首任安全保密管理员的角色随创建生效，"
            "此后各账户的角色由其授予和撤销。"
        )
        self.officer_notice.setWordWrap(True)
        self.officer_notice.setStyleSheet(
            "background: #fff3e0; border: 1px solid #e65100; color: #bf360c; padding: 6px;"
        )
        account_layout.addWidget(self.officer_notice)
        account_layout.addWidget(self.table)
        account_layout.addLayout(account_buttons)

        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(1, 60)
        self.idle_spin.setSuffix(" 分钟")
        self.idle_spin.setValue(settings.load(session.db).idle_lock_minutes)
        self.save_idle_button = QPushButton("保存")
        self.close_edit = QLineEdit(f"{settings.load(session.db).close_time:%H:%M}")
        self.close_edit.setMaximumWidth(80)
        self.save_close_button = QPushButton("保存")
        idle_box = QGroupBox("窗口空闲锁定与闭库时间")
        idle_layout = QHBoxLayout(idle_box)
        idle_layout.addWidget(QLabel("无操作后自动锁定："))
        idle_layout.addWidget(self.idle_spin)
        idle_layout.addWidget(self.save_idle_button)
        idle_layout.addSpacing(30)
        idle_layout.addWidget(QLabel("闭库时间（密件当日须于此前交回）："))
        idle_layout.addWidget(self.close_edit)
        idle_layout.addWidget(self.save_close_button)
        idle_layout.addSpacing(30)
        month, day = settings.load(session.db).recall_deadline
        self.recall_edit = QLineEdit(f"{month:02d}-{day:02d}")
        self.recall_edit.setMaximumWidth(80)
        self.save_recall_button = QPushButton("保存")
        idle_layout.addWidget(QLabel("清退截止日（次年）："))
        idle_layout.addWidget(self.recall_edit)
        idle_layout.addWidget(self.save_recall_button)
        idle_layout.addStretch(1)
        self.save_recall_button.clicked.connect(self._save_recall)

        self.backup_button = QPushButton("备份到…")
        self.check_button = QPushButton("校验数据库")
        self.maintenance_label = QLabel()
        self.maintenance_label.setWordWrap(True)
        maintenance_box = QGroupBox("备份与校验")
        maintenance_layout = QVBoxLayout(maintenance_box)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.check_button)
        row.addStretch(1)
        maintenance_layout.addLayout(row)
        maintenance_layout.addWidget(self.maintenance_label)

        layout = QVBoxLayout(self)
        layout.addWidget(account_box, 1)
        layout.addWidget(idle_box)
        layout.addWidget(maintenance_box)
        year = session.clock.now().year
        self.calendar_year = QSpinBox()
        self.calendar_year.setRange(2000, 2100)
        self.calendar_year.setValue(year)
        self.calendar_edit = QPlainTextEdit()
        self.calendar_edit.setPlaceholderText(
            "按国务院办公厅当年通知录入，每行一条：\n2026-10-01~2026-10-07 休 国庆节\n2026-09-27 班 国庆调休"
        )
        self.calendar_edit.setMaximumHeight(90)
        self.save_calendar_button = QPushButton("保存节假日")
        calendar_box = QGroupBox("节假日（办理时限按工作日计算）")
        calendar_layout = QHBoxLayout(calendar_box)
        calendar_layout.addWidget(self.calendar_year)
        calendar_layout.addWidget(self.calendar_edit, 1)
        calendar_layout.addWidget(self.save_calendar_button)
        layout.addWidget(calendar_box)
        self.time_limits_box = TimeLimitsBox(session)
        layout.addWidget(self.time_limits_box)
        self.calendar_year.valueChanged.connect(self._load_calendar)
        self.save_calendar_button.clicked.connect(self._save_calendar)
        self._load_calendar()

        self.new_button.clicked.connect(self._new_account)
        self.reset_button.clicked.connect(self._reset_password)
        self.deactivate_button.clicked.connect(self._deactivate)
        self.save_idle_button.clicked.connect(self._save_idle)
        self.save_close_button.clicked.connect(self._save_close)
        self.backup_button.clicked.connect(self._backup)
        self.check_button.clicked.connect(self._check)
        self._reload()

    def _reload(self) -> None:
        self.model.set_rows(accounts.list_accounts(self._session.db))
        self.officer_notice.setVisible(not accounts.has_security_officer(self._session.db))

    def _selected_login(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            raise InvalidInput("请先在表中选中一个账户。")
        return str(self.model.row_at(rows[0].row()).login)

    def _new_account(self) -> None:
        dialog = NewAccountDialog(lambda new: accounts.create_account(self._session, new), self)
        if dialog.exec():
            self._reload()
            self.maintenance_label.setText(
                "已创建账户。其角色须由安全保密管理员授予后方可登录（首任安全保密管理员除外）。"
            )

    def _reset_password(self) -> None:
        login = attempt(self, self._selected_login)
        if login is None:
            return
        dialog = SetPasswordDialog(
            login, lambda pw: accounts.reset_password(self._session, login, pw), self
        )
        if dialog.exec():
            self._reload()
            self.maintenance_label.setText(
                f"已重置 {login} 的密码并更换数据密钥。系统管理员知道了新密码，"
                "该账户须由安全保密管理员重新授予角色后方可登录。"
            )

    def _deactivate(self) -> None:
        login = attempt(self, self._selected_login)
        if login is None:
            return
        answer = QMessageBox.question(
            self, "停用账户", f"停用 {login}？停用后该账户不能再登录，记录保留。"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        attempted(self, lambda: accounts.deactivate(self._session, login), self._reload)

    def _save_idle(self) -> None:
        minutes = self.idle_spin.value()
        attempted(
            self,
            lambda: settings.set_idle_lock_minutes(self._session, minutes),
            lambda: self.maintenance_label.setText(f"已保存：无操作 {minutes} 分钟后锁定。"),
        )

    def _save_close(self) -> None:
        saved = attempt(
            self, lambda: settings.set_close_time(self._session, self.close_edit.text())
        )
        if saved is None:
            return
        self.close_edit.setText(f"{saved.close_time:%H:%M}")
        self.maintenance_label.setText(f"已保存：闭库时间 {saved.close_time:%H:%M}。")

    def _save_recall(self) -> None:
        text = self.recall_edit.text()
        saved = attempt(self, lambda: settings.set_recall_deadline(self._session, text))
        if saved is None:
            return
        month, day = saved.recall_deadline
        self.recall_edit.setText(f"{month:02d}-{day:02d}")
        self.maintenance_label.setText(f"已保存：清退截止日为次年 {month} 月 {day} 日。")

    def _load_calendar(self) -> None:

        rows = workdays.entries(self._session.db, self.calendar_year.value())
        self.calendar_edit.setPlainText(
            "\n".join(f"{d.isoformat()} {k} {n}".rstrip() for d, k, n in rows)
        )

    def _save_calendar(self) -> None:
        year, text = self.calendar_year.value(), self.calendar_edit.toPlainText()
        count = attempt(self, lambda: workdays.set_year(self._session, year, text))
        if count is None:
            return
        self.maintenance_label.setText(f"已保存 {year} 年节假日 {count} 天。")

    def _backup(self) -> ProgressWindow | None:
        """On the task runner (the copy of a large room takes a while); the copy and its audit
        event are made on the worker's connection. A pulled USB stick or a full disk is a calm
        message (the partial copy is removed by app.maintenance.backup)."""
        target = self._choose_path(self)
        if target is None:
            return None

        def done(made: RoomPaths) -> None:
            self.maintenance_label.setText(
                f"已备份到 {made.db}（连同 {made.keys.name}，两者须一起保存）。"
            )

        self.maintenance_label.setText(f"正在备份到 {target}…")
        return self._run("备份", "正在备份数据库…", lambda s, _: backup(s, target), done, False)

    def _check(self) -> ProgressWindow:
        """The integrity check reads the whole room and the chain: on the task runner."""

        def done(report: CheckReport) -> None:
            self.maintenance_label.setText("\n".join(report.lines))

        self.maintenance_label.setText("正在校验数据库…")
        return self._run(
            "校验数据库",
            "正在校验数据库…",
            lambda s, progress: run_apart(s, progress, check_room),
            done,
            True,
        )

    def _run(
        self,
        title: str,
        text: str,
        job: Callable[[Session, Progress], object],
        done: Callable[[Any], None],
        cancellable: bool,
    ) -> ProgressWindow:
        self.backup_button.setEnabled(False)
        self.check_button.setEnabled(False)

        def finished(result: object) -> None:
            self._idle()
            done(result)

        def failed(exc: MijianError) -> None:
            self._idle()
            self.maintenance_label.setText(exc.message)
            if not isinstance(exc, Cancelled):
                show_error(self, exc)

        runner = runner_for(self, self._session)
        return run_with_progress(self, runner, title, text, job, finished, failed, cancellable)

    def _idle(self) -> None:
        self.backup_button.setEnabled(True)
        self.check_button.setEnabled(True)
