"""Named columns (issue 14): a model's header, value and width are written together by key, so a
column added or moved cannot show one column's value under another's header."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from app import registry
from app.register_query import columns_for
from app.session import Session
from tests.app.test_registry import doc
from ui.accounts_model import AccountsModel
from ui.out_model import OUT_SAMPLES, OutModel
from ui.pages.batches_page import BatchModel, ItemModel
from ui.pages.board_page import BoardModel
from ui.pages.circulation_page import StepsModel
from ui.pages.custody_page import CabinetsModel, FindingsModel
from ui.pages.day_close_page import IncidentModel
from ui.pages.instructions_page import InstructionsModel
from ui.pages.people_page import ReadersModel
from ui.pages.register_page import RegisterPage
from ui.pages.units_page import UnitsModel
from ui.register_model import RegisterModel
from ui.table_model import ColumnsModel

MODELS: tuple[type[ColumnsModel], ...] = (
    RegisterModel,
    OutModel,
    AccountsModel,
    BoardModel,
    InstructionsModel,
    UnitsModel,
    ReadersModel,
    IncidentModel,
    BatchModel,
    ItemModel,
    CabinetsModel,
    FindingsModel,
    StepsModel,
)


def test_every_named_model_has_unique_keys_and_its_headers_in_order() -> None:
    for model in MODELS:
        keys = [c.key for c in model.spec]
        assert len(set(keys)) == len(keys) == len(model.columns) > 0, model.__name__
        assert model.columns == tuple(c.header for c in model.spec), model.__name__
    # The window's register shows the export's headers (app.register_query), in its order.
    assert RegisterModel.columns == columns_for(None)  # both series until one is chosen
    assert OUT_SAMPLES[OutModel().column_of("title")] is None  # the title stretches


def _cell(model: ColumnsModel, row: int, header: str, role: int = Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, model.columns.index(header)), role)


def test_each_register_cell_sits_under_its_own_header(login: Callable[..., Session], qtbot) -> None:
    session = login("jiyao")
    registry.register(session, doc(remarks="附件两份"))
    page = RegisterPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    model = page.model
    assert model.rowCount() == 1
    assert _cell(model, 0, "登记编号") == "2026-0001"
    assert _cell(model, 0, "来文单位/发文机关") == "市委办公室"
    assert _cell(model, 0, "文号") == "市委办发〔2026〕12号"
    assert _cell(model, 0, "标题") == "关于做好年终保密检查工作的通知"
    assert str(_cell(model, 0, "密级")).startswith("机密")
    assert _cell(model, 0, "份数/份号") == "6份 000031-000035, 000040"
    assert _cell(model, 0, "备注") == "附件两份"
    # Colour and tooltip follow the column's key, not its number.
    foreground = Qt.ItemDataRole.ForegroundRole
    assert _cell(model, 0, "密级", foreground) is not None
    assert _cell(model, 0, "标题", foreground) is None
    tooltip = Qt.ItemDataRole.ToolTipRole
    assert _cell(model, 0, "份数/份号", tooltip) == "000031-000035, 000040"
    assert _cell(model, 0, "文号", tooltip) is None
    # The widths come from the same spec; the title takes the rest.
    header = page.table.horizontalHeader()
    for column, c in enumerate(model.spec):
        if c.width is not None:
            assert page.table.columnWidth(column) == c.width, c.key
    title = model.column_of("title")
    assert header.sectionResizeMode(title) == QHeaderView.ResizeMode.Stretch


def test_the_register_shows_numbers_dates_and_levels_whole(
    login: Callable[..., Session], qtbot
) -> None:
    """Walk-through: at the window's font 收文编号 read 2026-0…, 收文日期 2026-11…, 文号 cut.
    Every column with a sample is at least as wide as what it shows."""
    session = login("jiyao")
    registry.register(session, doc(level="机密", copy_numbers="000001-000010"))
    page = RegisterPage(session)
    qtbot.addWidget(page)
    page.resize(1440, 860)
    page.show()
    view, model = page.table, page.model
    metrics = view.fontMetrics()
    for key in ("number", "received", "doc_number", "level", "copies"):
        column = model.column_of(key)
        for row in range(min(model.rowCount(), 20)):
            text = str(model.index(row, column).data())
            assert metrics.horizontalAdvance(text) + 8 <= view.columnWidth(column), (key, text)


def test_a_copy_out_since_an_earlier_day_says_which_day(
    login: Callable[..., Session], clock
) -> None:
    """Walk-through: the morning after, the 在外 list said '借出 08:47' with no date."""
    from datetime import timedelta

    from app import desk
    from app.people import ReaderInput, add_reader

    reader = add_reader(
        login("baomi"), ReaderInput("张建国", "区委", "书记", "核心", "13800000001", "B0001")
    )
    session = login("jiyao")
    copy = registry.register(session, doc(level="秘密", copy_numbers="1")).copies[0]
    desk.checkout(session, reader.id, [copy.id])
    model = OutModel()
    model.now = session.clock.now()
    [row] = desk.out_now(session.db)
    assert model.cells(row)["out_at"] == row.out_at.strftime("%H:%M")
    model.now = session.clock.now() + timedelta(days=1)
    assert model.cells(row)["out_at"] == row.out_at.strftime("%m-%d")
    assert model.style(row, "out_at", Qt.ItemDataRole.ToolTipRole) == f"{row.out_at:%Y-%m-%d %H:%M}"
