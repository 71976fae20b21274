"""The one way the window asks for a file: Qt's own dialog with every label in Chinese (Qt's
zh_CN catalogue leaves 'Look in:' and 'Files of type:' in English) and wide enough that names,
sizes and dates are not cut."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from ui import save_folder

LABELS = {
    QFileDialog.DialogLabel.LookIn: "查找范围：",
    QFileDialog.DialogLabel.FileName: "文件名称：",
    QFileDialog.DialogLabel.FileType: "文件类型：",
    QFileDialog.DialogLabel.Accept: "确定",
    QFileDialog.DialogLabel.Reject: "取消",
}
SIZE = (900, 540)


def file_dialog(parent: QWidget | None, title: str, name_filter: str, *, save: bool) -> QFileDialog:
    dialog = QFileDialog(parent, title)
    dialog.setAcceptMode(
        QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen
    )
    if not save:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    for label, text in LABELS.items():
        if label is QFileDialog.DialogLabel.Accept:
            text = "保存" if save else "打开"
        dialog.setLabelText(label, text)
    dialog.resize(*SIZE)
    dialog.setDirectory(str(save_folder.start_folder()))
    return dialog


def ask_path(
    parent: QWidget | None,
    title: str,
    name_filter: str,
    *,
    save: bool,
    suggested: str = "",
    suffix: str = "",
) -> Path | None:
    """The file chosen, or None when the user cancels; remembers its folder for next time."""
    dialog = file_dialog(parent, title, name_filter, save=save)
    if suffix:
        dialog.setDefaultSuffix(suffix)
    if suggested:
        dialog.selectFile(suggested)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    chosen = Path(dialog.selectedFiles()[0])
    save_folder.remember(chosen.parent)
    return chosen
