"""The desk's return of a labelled folder (一夹一传递), as plain state: which copies went out in
it, which have been scanned back, which recorded as a discrepancy. Nothing is written until the
return completes (app.folders.take_back), and it completes only when every 份号 is accounted
for."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.counter_view import FolderRow
from app.folders import Folder, OutInFolder, missing_text
from app.scanning import CopyRef


@dataclass
class FolderReturn:
    folder: Folder
    expected: list[OutInFolder]
    checked: list[int] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)
    # Asked once all are accounted for, when the return records 阅毕: the copy and the reader
    # the "did they write a 批示?" question names (Y answers yes, Enter no).
    question: tuple[CopyRef, str] | None = None

    def holds(self, copy: CopyRef) -> bool:
        return any(o.copy.copy_id == copy.copy_id for o in self.expected)

    def missing(self) -> list[CopyRef]:
        done = set(self.checked) | set(self.notes)
        return [o.copy for o in self.expected if o.copy.copy_id not in done]

    def target(self) -> CopyRef | None:
        """What F6 records a discrepancy for: the first copy not yet accounted for, else the
        copy last scanned back (found damaged after its scan)."""
        missing = self.missing()
        if missing:
            return missing[0]
        last = self.checked[-1] if self.checked else None
        return next((o.copy for o in self.expected if o.copy.copy_id == last), None)

    def progress(self) -> str:
        done = len(self.expected) - len(self.missing())
        said = f"文件夹 {self.folder.name} 收回：已核 {done}/{len(self.expected)} 份"
        if self.missing():
            return f"{said}——逐份扫描，缺失或有异常按 F6"
        return f"{said}，全部核毕——回车确认收回"

    def refused_text(self) -> str:
        return missing_text(self.folder.name, [c.copy_no for c in self.missing()])

    def rows(self) -> tuple[FolderRow, ...]:
        def mark(copy: CopyRef) -> str:
            if copy.copy_id in self.notes:
                return f"【异常：{self.notes[copy.copy_id]}】"
            return "【已核】" if copy.copy_id in self.checked else "【未核】"

        return tuple(
            FolderRow(o.copy.label, f"{mark(o.copy)}{o.copy.title}", o.copy.level, o.copy.pages)
            for o in self.expected
        )
