-- 0012: the units the room deals with, and the distribution (分发) of received copies to them
-- against a signed receipt (分发签收单). A distributed copy is 分发在外: held by a unit, often
-- for months, until it comes back by scan. Nothing here is ever deleted.

-- 单位: departments, towns and streets, lower units, the upper levels' 机要 channels.
CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    short_name  TEXT NOT NULL DEFAULT '',
    initials    TEXT NOT NULL,             -- pinyin initials of the name, as for readers
    kind        TEXT NOT NULL CHECK (kind IN ('部门', '乡镇街道', '下级单位', '上级机要渠道')),
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);
CREATE INDEX unit_initials ON unit (initials);
CREATE TRIGGER unit_no_delete BEFORE DELETE ON unit
BEGIN
    SELECT RAISE(ABORT, 'units are never deleted; retire them');
END;

-- A reader may belong to a unit (the signer of its receipts).
ALTER TABLE reader ADD COLUMN unit_id INTEGER REFERENCES unit (id);
CREATE INDEX reader_unit_id ON reader (unit_id) WHERE unit_id IS NOT NULL;

-- The copy states gain 分发在外. SQLite cannot alter a CHECK; widening one changes no stored
-- row, so the schema text is edited in place (the procedure sqlite.org gives for such changes,
-- lang_altertable.html §7) rather than rebuilding `copy`: a rebuild would drop every trigger on
-- the table, and `copy` is the parent of most of the room's records. RESET reloads the schema
-- on this connection; the CREATE statements below bump the schema cookie for the others.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, '''留用'', ''遗失'')', '''留用'', ''遗失'', ''分发在外'')')
WHERE type = 'table' AND name = 'copy';
PRAGMA writable_schema = RESET;
-- Refuse to go on if the edit did not land (the CHECK text was not the one expected).
CREATE TEMP TABLE migration_distribution_guard (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_distribution_guard (ok)
    SELECT instr(sql, '''分发在外''') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'copy';
DROP TABLE migration_distribution_guard;

INSERT INTO copy_count (level, state, n)
    SELECT l.level, '分发在外', 0
    FROM (SELECT '绝密' AS level UNION ALL SELECT '机密' UNION ALL SELECT '秘密' UNION ALL SELECT '非密') AS l;

-- 分发签收单: one per unit and handover, numbered gapless per year. It is open until every
-- copy on it has come back (closed_at is then kept by a trigger).
CREATE TABLE distribution_receipt (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    serial          INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES unit (id),
    signer_id       INTEGER NOT NULL REFERENCES reader (id),
    signed_by_badge INTEGER NOT NULL DEFAULT 0 CHECK (signed_by_badge IN (0, 1)),
    recall_by       TEXT,                  -- a recall deadline given at issue (date), if any
    issued_at       TEXT NOT NULL,
    issued_by       TEXT NOT NULL,
    closed_at       TEXT,
    UNIQUE (year, serial)
);
CREATE INDEX distribution_receipt_unit ON distribution_receipt (unit_id, id);
CREATE INDEX distribution_receipt_open ON distribution_receipt (closed_at, id);
CREATE TRIGGER distribution_receipt_no_delete BEFORE DELETE ON distribution_receipt
BEGIN
    SELECT RAISE(ABORT, 'distribution receipts are never deleted');
END;
CREATE TRIGGER distribution_receipt_fixed BEFORE UPDATE ON distribution_receipt
WHEN old.closed_at IS NOT NULL
    OR new.year IS NOT old.year OR new.serial IS NOT old.serial
    OR new.unit_id IS NOT old.unit_id OR new.signer_id IS NOT old.signer_id
    OR new.signed_by_badge IS NOT old.signed_by_badge OR new.recall_by IS NOT old.recall_by
    OR new.issued_at IS NOT old.issued_at OR new.issued_by IS NOT old.issued_by
BEGIN
    SELECT RAISE(ABORT, 'a distribution receipt is fixed; only its close is written later');
END;

-- One row per copy on a receipt; the return is written once, later.
CREATE TABLE distribution_item (
    id          INTEGER PRIMARY KEY,
    receipt_id  INTEGER NOT NULL REFERENCES distribution_receipt (id),
    copy_id     INTEGER NOT NULL REFERENCES copy (id),
    out_at      TEXT NOT NULL,
    back_at     TEXT,
    back_by     TEXT
);
-- A copy is with at most one unit at a time.
CREATE UNIQUE INDEX distribution_item_open_copy ON distribution_item (copy_id) WHERE back_at IS NULL;
CREATE INDEX distribution_item_receipt ON distribution_item (receipt_id, id);
CREATE INDEX distribution_item_copy ON distribution_item (copy_id, id);
CREATE TRIGGER distribution_item_no_delete BEFORE DELETE ON distribution_item
BEGIN
    SELECT RAISE(ABORT, 'distribution records are never deleted');
END;
CREATE TRIGGER distribution_item_closed_is_final BEFORE UPDATE ON distribution_item
WHEN old.back_at IS NOT NULL
    OR new.receipt_id IS NOT old.receipt_id OR new.copy_id IS NOT old.copy_id
    OR new.out_at IS NOT old.out_at
BEGIN
    SELECT RAISE(ABORT, 'a distribution line is final once returned; only the return is written later');
END;
CREATE TRIGGER distribution_item_from_the_room BEFORE INSERT ON distribution_item
WHEN (SELECT state FROM copy WHERE id = new.copy_id) IS NOT '在柜'
    OR (SELECT closed_at FROM distribution_receipt WHERE id = new.receipt_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'only a copy in the room is distributed, on an open receipt');
END;
CREATE TRIGGER distribution_receipt_close AFTER UPDATE OF back_at ON distribution_item
WHEN new.back_at IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM distribution_item WHERE receipt_id = new.receipt_id AND back_at IS NULL)
BEGIN
    UPDATE distribution_receipt SET closed_at = new.back_at WHERE id = new.receipt_id;
END;

-- The state and the open line go together: 分发在外 exactly while a line is open.
CREATE TRIGGER copy_distributed_needs_line BEFORE UPDATE OF state ON copy
WHEN (new.state = '分发在外') <> EXISTS (
    SELECT 1 FROM distribution_item WHERE copy_id = new.id AND back_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy is 分发在外 exactly while its distribution line is open');
END;
-- A distributed copy is not lent, and a copy on an open receipt is not destroyed.
CREATE TRIGGER handover_not_while_distributed BEFORE INSERT ON handover
WHEN EXISTS (SELECT 1 FROM distribution_item WHERE copy_id = new.copy_id AND back_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a distributed copy is not lent until it comes back');
END;
CREATE TRIGGER destruction_item_not_on_open_receipt BEFORE INSERT ON destruction_item
WHEN EXISTS (
    SELECT 1 FROM distribution_item i JOIN distribution_receipt r ON r.id = i.receipt_id
    WHERE i.copy_id = new.copy_id AND r.closed_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy on an open distribution receipt is not destroyed');
END;
CREATE TRIGGER copy_not_destroyed_on_open_receipt BEFORE UPDATE OF state ON copy
WHEN new.state = '已销毁' AND EXISTS (
    SELECT 1 FROM distribution_item i JOIN distribution_receipt r ON r.id = i.receipt_id
    WHERE i.copy_id = new.id AND r.closed_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy on an open distribution receipt is not destroyed');
END;
