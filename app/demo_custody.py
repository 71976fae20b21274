"""The demo room's units, cabinets and distribution (issues 15, 17): the units its readers work
in (each reader put in theirs), the four 保密柜 its registrations name with every copy in the
room placed, and one 分发签收单 a department holds."""

from __future__ import annotations

from app import cabinets, distribution, units
from app.clock import FixedClock
from app.people import list_readers
from app.session import Session
from app.units import UnitInput, UnitKind
from app.vocab import CopyState, Level, sql_value

# The readers' unit names (typed text), as units with a kind; the first is the one that holds
# a distributed copy in the demo.
UNITS = (
    ("区委办公室", UnitKind.DEPARTMENT, "区委办"),
    ("区发展改革局", UnitKind.DEPARTMENT, "区发改局"),
    ("区财政局", UnitKind.DEPARTMENT, ""),
    ("区委组织部", UnitKind.DEPARTMENT, ""),
    ("区委宣传部", UnitKind.DEPARTMENT, ""),
    ("区信访局", UnitKind.DEPARTMENT, ""),
    ("区委", UnitKind.DEPARTMENT, ""),
    ("区政府", UnitKind.DEPARTMENT, ""),
    ("城关镇", UnitKind.TOWN, ""),
)
CABINETS = (
    ("1号保密柜", "机要室东墙"),
    ("2号保密柜", "机要室东墙"),
    ("3号保密柜", "机要室北墙"),
    ("4号保密柜", "机要室北墙"),
)


def seed_custody(custodian: Session, clock: FixedClock) -> None:
    db = custodian.db
    made = {
        name: units.add_unit(custodian, UnitInput(name, kind, short)).id
        for name, kind, short in UNITS
    }
    readers = [r for r in list_readers(db) if r.active]
    for reader in readers:
        if reader.unit in made:
            units.set_reader_unit(custodian, reader.id, made[reader.unit])
    for name, where in CABINETS:
        cabinets.add_cabinet(custodian, name, where, "李晓梅")
    cabinets.place_as_registered(custodian)
    signer = next((r for r in readers if r.unit == UNITS[0][0]), None)
    if signer is None:
        return
    copy = db.one(
        f"""SELECT c.id FROM copy c JOIN document d ON d.id = c.document_id
           WHERE c.state = {sql_value(CopyState.IN_CABINET)} AND d.level = {sql_value(Level.SECRET)}
             AND d.voided_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM document_scope s WHERE s.document_id = d.id)
           ORDER BY c.id DESC LIMIT 1"""
    )
    if copy is not None:
        distribution.issue(custodian, made[UNITS[0][0]], signer.id, [int(copy[0])])
