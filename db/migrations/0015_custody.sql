-- 0015: 保管 (issue 17). The room's 保密柜 and where each copy is kept (专人专柜保管, seed 000);
-- stocktakes (清查) by scan, by two people, and what they found.

CREATE TABLE cabinet (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    location    TEXT NOT NULL DEFAULT '',
    keeper      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE TRIGGER cabinet_no_delete BEFORE DELETE ON cabinet
BEGIN
    SELECT RAISE(ABORT, 'cabinets are never deleted: the copies'' history names them');
END;

-- A copy's place; NULL while no cabinet has been recorded for it. Every move is also a
-- copy_event ('入柜') and an audit event.
ALTER TABLE copy ADD COLUMN cabinet_id INTEGER REFERENCES cabinet (id);
CREATE INDEX copy_cabinet ON copy (cabinet_id, state) WHERE cabinet_id IS NOT NULL;

-- One stocktake of one cabinet (cabinet_id) or of the whole room (NULL), by the person who
-- started it and a second, named person who confirms the finish with their own password.
CREATE TABLE stocktake (
    id              INTEGER PRIMARY KEY,
    cabinet_id      INTEGER REFERENCES cabinet (id),
    started_at      TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    second_person   TEXT NOT NULL,
    finished_at     TEXT,
    confirmed_by    TEXT,
    expected        INTEGER,
    matched         INTEGER,
    CHECK (second_person <> started_by),
    CHECK (finished_at IS NULL OR confirmed_by = second_person)
);
-- One stocktake open at a time in the room: two would compete for the same scans.
CREATE UNIQUE INDEX stocktake_one_open ON stocktake (finished_at IS NULL) WHERE finished_at IS NULL;
CREATE TRIGGER stocktake_finished_is_final BEFORE UPDATE ON stocktake
WHEN old.finished_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a finished stocktake is final');
END;
CREATE TRIGGER stocktake_no_delete BEFORE DELETE ON stocktake
BEGIN
    SELECT RAISE(ABORT, 'stocktakes are never deleted');
END;

-- Every scan, in order: a copy (copy_id) or a refused code (its first characters only).
CREATE TABLE stocktake_scan (
    id              INTEGER PRIMARY KEY,
    stocktake_id    INTEGER NOT NULL REFERENCES stocktake (id),
    at              TEXT NOT NULL,
    copy_id         INTEGER REFERENCES copy (id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('份', '伪造', '作废', '无法识别')),
    code            TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    CHECK ((copy_id IS NOT NULL) = (outcome = '份'))
);
CREATE UNIQUE INDEX stocktake_scan_copy ON stocktake_scan (stocktake_id, copy_id)
    WHERE copy_id IS NOT NULL;
CREATE INDEX stocktake_scan_of ON stocktake_scan (stocktake_id, id);
CREATE TRIGGER stocktake_scan_open_only BEFORE INSERT ON stocktake_scan
WHEN (SELECT finished_at FROM stocktake WHERE id = new.stocktake_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a finished stocktake takes no more scans');
END;
CREATE TRIGGER stocktake_scan_no_update BEFORE UPDATE ON stocktake_scan
BEGIN
    SELECT RAISE(ABORT, 'stocktake scans are append-only');
END;
CREATE TRIGGER stocktake_scan_no_delete BEFORE DELETE ON stocktake_scan
BEGIN
    SELECT RAISE(ABORT, 'stocktake scans are append-only');
END;

-- What the finish found, one row per discrepancy; later resolved into an incident, a
-- relocation or a correction (only the resolution is written later, once).
CREATE TABLE stocktake_finding (
    id              INTEGER PRIMARY KEY,
    stocktake_id    INTEGER NOT NULL REFERENCES stocktake (id),
    class           TEXT NOT NULL
        CHECK (class IN ('缺失', '错柜', '记录借出', '记录已结', '伪造或作废', '无法识别')),
    copy_id         INTEGER REFERENCES copy (id),
    scan_id         INTEGER REFERENCES stocktake_scan (id),
    detail          TEXT NOT NULL DEFAULT '',
    resolved_at     TEXT,
    resolved_by     TEXT,
    resolution_kind TEXT CHECK (resolution_kind IN ('事件', '移柜', '更正')),
    resolution      TEXT
);
CREATE INDEX stocktake_finding_of ON stocktake_finding (stocktake_id, class, id);
CREATE TRIGGER stocktake_finding_resolution_only BEFORE UPDATE ON stocktake_finding
WHEN old.resolved_at IS NOT NULL
    OR new.stocktake_id IS NOT old.stocktake_id OR new.class IS NOT old.class
    OR new.copy_id IS NOT old.copy_id OR new.scan_id IS NOT old.scan_id
    OR new.detail IS NOT old.detail
BEGIN
    SELECT RAISE(ABORT, 'a finding is final; only its resolution is written later, once');
END;
CREATE TRIGGER stocktake_finding_no_delete BEFORE DELETE ON stocktake_finding
BEGIN
    SELECT RAISE(ABORT, 'stocktake findings are never deleted');
END;
