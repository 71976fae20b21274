-- 0019: 保管 II (issue 17). Holds that keep a copy out of destruction; declassification decisions
-- (解密, 延长, 变更密级) and 解密条件; filing (归档/立卷); approved copying (复制审批登记).

-- ---- holds ------------------------------------------------------------------------------------
-- An investigation hold (调查扣留) on one copy, placed and released on the 保密员's password.
-- Only the release is written later, once; holds are never deleted.
CREATE TABLE copy_hold (
    id              INTEGER PRIMARY KEY,
    copy_id         INTEGER NOT NULL REFERENCES copy (id),
    reason          TEXT NOT NULL,
    placed_at       TEXT NOT NULL,
    placed_by       TEXT NOT NULL,
    approved_by     TEXT NOT NULL,
    released_at     TEXT,
    released_by     TEXT,
    release_reason  TEXT,
    release_approved_by TEXT,
    CHECK ((released_at IS NULL) = (release_approved_by IS NULL))
);
CREATE UNIQUE INDEX copy_hold_open ON copy_hold (copy_id) WHERE released_at IS NULL;
CREATE TRIGGER copy_hold_release_only BEFORE UPDATE ON copy_hold
WHEN old.released_at IS NOT NULL
    OR new.copy_id IS NOT old.copy_id OR new.reason IS NOT old.reason
    OR new.placed_at IS NOT old.placed_at OR new.placed_by IS NOT old.placed_by
    OR new.approved_by IS NOT old.approved_by
BEGIN
    SELECT RAISE(ABORT, 'a hold is final; only its release is written later, once');
END;
CREATE TRIGGER copy_hold_no_delete BEFORE DELETE ON copy_hold
BEGIN
    SELECT RAISE(ABORT, 'holds are never deleted');
END;
-- A lost copy is not put on hold: the loss is handled as an incident, never hidden.
CREATE TRIGGER copy_hold_not_lost BEFORE INSERT ON copy_hold
WHEN (SELECT state FROM copy WHERE id = new.copy_id) = '遗失'
BEGIN
    SELECT RAISE(ABORT, 'a lost copy is never put on hold');
END;

-- A copy on hold (留用, or an open investigation hold) never enters a destruction batch and is
-- never destroyed by one (a hold placed after the copy was listed stops the seal).
CREATE TRIGGER destruction_item_not_held BEFORE INSERT ON destruction_item
WHEN EXISTS (SELECT 1 FROM recall_retention WHERE copy_id = new.copy_id)
    OR EXISTS (SELECT 1 FROM copy_hold WHERE copy_id = new.copy_id AND released_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy on hold never enters a destruction batch');
END;
CREATE TRIGGER copy_not_destroyed_on_hold BEFORE UPDATE OF state ON copy
WHEN new.state = '已销毁' AND (
    EXISTS (SELECT 1 FROM recall_retention WHERE copy_id = new.id)
    OR EXISTS (SELECT 1 FROM copy_hold WHERE copy_id = new.id AND released_at IS NULL))
BEGIN
    SELECT RAISE(ABORT, 'a copy on hold is never destroyed');
END;

-- ---- declassification -------------------------------------------------------------------------
-- A document may carry a 解密条件 (a condition, in words) instead of a period. The CHECK is widened
-- in place, as 0012 widened the copy states (sqlite.org lang_altertable.html §7): no stored row
-- changes, and rebuilding `document` would drop every trigger on it.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, '''解密日期'', ''无'')', '''解密日期'', ''无'', ''解密条件'')')
WHERE type = 'table' AND name = 'document';
PRAGMA writable_schema = RESET;
CREATE TEMP TABLE migration_condition_guard (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_condition_guard (ok)
    SELECT instr(sql, '''解密条件''') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'document';
DROP TABLE migration_condition_guard;

-- The 保密员's decisions from the 保密期限 review: 解密, 延长 (a new period), 变更密级. Each row
-- keeps the level and period before and after; the document carries the latest. Append-only.
CREATE TABLE declassification (
    id                  INTEGER PRIMARY KEY,
    document_id         INTEGER NOT NULL REFERENCES document (id),
    decision            TEXT NOT NULL CHECK (decision IN ('解密', '延长', '变更密级')),
    decided_on          TEXT NOT NULL,
    reason              TEXT NOT NULL,
    approved_by         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    recorded_by         TEXT NOT NULL,
    old_level           TEXT NOT NULL,
    old_period_kind     TEXT NOT NULL,
    old_period_value    TEXT NOT NULL,
    new_level           TEXT NOT NULL,
    new_period_kind     TEXT NOT NULL,
    new_period_value    TEXT NOT NULL
);
CREATE INDEX declassification_document ON declassification (document_id, id);
CREATE INDEX declassification_on ON declassification (decided_on);
CREATE TRIGGER declassification_no_update BEFORE UPDATE ON declassification
BEGIN
    SELECT RAISE(ABORT, 'a declassification decision is final');
END;
CREATE TRIGGER declassification_no_delete BEFORE DELETE ON declassification
BEGIN
    SELECT RAISE(ABORT, 'a declassification decision is final');
END;
ALTER TABLE document ADD COLUMN declassified_on TEXT;

-- A registration's 密级 and 保密期限 change only by the decision recorded just before, from the
-- state it found to the state it names.
CREATE TRIGGER document_level_by_decision BEFORE UPDATE OF level, period_kind, period_value ON document
WHEN (new.level IS NOT old.level OR new.period_kind IS NOT old.period_kind
      OR new.period_value IS NOT old.period_value)
    -- a value outside the vocabulary is the CHECK's to refuse, by its own message
    AND new.level IN ('绝密', '机密', '秘密', '非密')
    AND NOT EXISTS (
        SELECT 1 FROM declassification x
        WHERE x.id = (SELECT max(id) FROM declassification WHERE document_id = old.id)
          AND x.old_level = old.level AND x.old_period_kind = old.period_kind
          AND x.old_period_value = old.period_value AND x.new_level = new.level
          AND x.new_period_kind = new.period_kind AND x.new_period_value = new.period_value)
BEGIN
    SELECT RAISE(ABORT, 'a level or period changes only by a recorded decision');
END;

-- copy_count follows a document's new level (0003 counted copies by a level that never changed).
CREATE TRIGGER copy_count_level AFTER UPDATE OF level ON document WHEN new.level IS NOT old.level
BEGIN
    UPDATE copy_count SET n = n - (
        SELECT count(*) FROM copy WHERE document_id = old.id AND state = copy_count.state)
    WHERE level = old.level;
    UPDATE copy_count SET n = n + (
        SELECT count(*) FROM copy WHERE document_id = new.id AND state = copy_count.state)
    WHERE level = new.level;
END;

-- ---- filing (归档/立卷) -------------------------------------------------------------------------
-- The copy states gain 已归档, widened in place as above (the CHECK text 0012 left).
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, '''分发在外'')', '''分发在外'', ''已归档'')')
WHERE type = 'table' AND name = 'copy';
PRAGMA writable_schema = RESET;
CREATE TEMP TABLE migration_filing_guard (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_filing_guard (ok)
    SELECT instr(sql, '''已归档''') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'copy';
DROP TABLE migration_filing_guard;
INSERT INTO copy_count (level, state, n)
    SELECT l.level, '已归档', 0
    FROM (SELECT '绝密' AS level UNION ALL SELECT '机密' UNION ALL SELECT '秘密' UNION ALL SELECT '非密') AS l;

-- One row per filed document: its 卷号, 保管期限 and 归卷日期. The copies the room held become
-- 已归档 in the same transaction. Final: a filed document is never unfiled.
CREATE TABLE filing (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL UNIQUE REFERENCES document (id),
    volume_no       TEXT NOT NULL,
    retention       TEXT NOT NULL CHECK (retention IN ('永久', '30年', '10年')),
    filed_on        TEXT NOT NULL,
    filed_at        TEXT NOT NULL,
    filed_by        TEXT NOT NULL
);
CREATE INDEX filing_volume ON filing (volume_no, document_id);
CREATE TRIGGER filing_no_update BEFORE UPDATE ON filing
BEGIN
    SELECT RAISE(ABORT, 'a filing is final');
END;
CREATE TRIGGER filing_no_delete BEFORE DELETE ON filing
BEGIN
    SELECT RAISE(ABORT, 'a filing is final');
END;
-- A filed copy is with the archive: never handed out, distributed or destroyed here again,
-- and only a filing makes a copy 已归档.
CREATE TRIGGER copy_filed_is_final BEFORE UPDATE OF state ON copy
WHEN old.state = '已归档' AND new.state IS NOT '已归档'
BEGIN
    SELECT RAISE(ABORT, 'a filed copy is final');
END;
CREATE TRIGGER copy_filed_only_by_filing BEFORE UPDATE OF state ON copy
WHEN new.state = '已归档' AND old.state IS NOT '已归档'
    AND NOT EXISTS (SELECT 1 FROM filing WHERE document_id = new.document_id)
BEGIN
    SELECT RAISE(ABORT, 'a copy is filed only with its document');
END;
CREATE TRIGGER handover_not_after_filing BEFORE INSERT ON handover
WHEN (SELECT state FROM copy WHERE id = new.copy_id) = '已归档'
BEGIN
    SELECT RAISE(ABORT, 'a filed copy is never handed out');
END;

-- ---- copying with approval (复制审批登记) ---------------------------------------------------------
-- A derived copy is numbered after the copy it was made from: 000031-复1, 000031-复2 … The
-- 份号 CHECK is widened in place, as above.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'CHECK (length(copy_no) = 6)',
    'CHECK (length(copy_no) = 6 OR copy_no GLOB ''[0-9][0-9][0-9][0-9][0-9][0-9]-复[1-9]*'')')
WHERE type = 'table' AND name = 'copy';
PRAGMA writable_schema = RESET;
CREATE TEMP TABLE migration_copying_guard (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_copying_guard (ok)
    SELECT instr(sql, '-复[1-9]*') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'copy';
DROP TABLE migration_copying_guard;

-- One approval per copying: the copy copied, how many, why, the 保密员 who approved. Numbered
-- gapless per year. Append-only.
CREATE TABLE copy_approval (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    serial          INTEGER NOT NULL,
    source_copy_id  INTEGER NOT NULL REFERENCES copy (id),
    count           INTEGER NOT NULL CHECK (count BETWEEN 1 AND 20),
    reason          TEXT NOT NULL,
    approved_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX copy_approval_source ON copy_approval (source_copy_id);
CREATE TRIGGER copy_approval_no_update BEFORE UPDATE ON copy_approval
BEGIN
    SELECT RAISE(ABORT, 'a copying approval is final');
END;
CREATE TRIGGER copy_approval_no_delete BEFORE DELETE ON copy_approval
BEGIN
    SELECT RAISE(ABORT, 'a copying approval is final');
END;

ALTER TABLE copy ADD COLUMN derived_from INTEGER REFERENCES copy (id);
ALTER TABLE copy ADD COLUMN approval_id INTEGER REFERENCES copy_approval (id);
CREATE INDEX copy_approval_copies ON copy (approval_id) WHERE approval_id IS NOT NULL;
-- A derived copy exists only under an approval of its source, and no more than it approved.
CREATE TRIGGER copy_derived_needs_approval BEFORE INSERT ON copy
WHEN (new.derived_from IS NOT NULL OR new.approval_id IS NOT NULL) AND (
    NOT EXISTS (SELECT 1 FROM copy_approval a WHERE a.id = new.approval_id
                AND a.source_copy_id = new.derived_from)
    OR (SELECT count(*) FROM copy WHERE approval_id = new.approval_id)
        >= (SELECT count FROM copy_approval WHERE id = new.approval_id))
BEGIN
    SELECT RAISE(ABORT, 'a copy is made only under an approval, and no more than approved');
END;
CREATE TRIGGER copy_derivation_is_final BEFORE UPDATE OF derived_from, approval_id, copy_no ON copy
WHEN new.derived_from IS NOT old.derived_from OR new.approval_id IS NOT old.approval_id
    OR new.copy_no IS NOT old.copy_no
BEGIN
    SELECT RAISE(ABORT, 'a copy''s number and origin are final');
END;

-- ---- carriers beyond paper ----------------------------------------------------------------------
-- A copy is paper (纸质) or a 光盘, U盘 or 移动硬盘 with its serial number and capacity; it is
-- registered, lent, stocktaken and destroyed like paper. Recorded once, never changed.
ALTER TABLE copy ADD COLUMN carrier TEXT NOT NULL DEFAULT '纸质'
    CHECK (carrier IN ('纸质', '光盘', 'U盘', '移动硬盘'));
ALTER TABLE copy ADD COLUMN carrier_serial TEXT;
ALTER TABLE copy ADD COLUMN capacity TEXT;
CREATE UNIQUE INDEX copy_carrier_serial ON copy (carrier, carrier_serial)
    WHERE carrier_serial IS NOT NULL;
CREATE TRIGGER copy_carrier_once BEFORE UPDATE OF carrier, carrier_serial, capacity ON copy
WHEN old.carrier <> '纸质' AND (new.carrier IS NOT old.carrier
    OR new.carrier_serial IS NOT old.carrier_serial OR new.capacity IS NOT old.capacity)
BEGIN
    SELECT RAISE(ABORT, 'a carrier''s kind, serial and capacity are final');
END;

-- ---- the custodian's own handover (机要员交接) ------------------------------------------------
-- The outgoing custodian and the incoming one do a whole-room stocktake together; the open items
-- are listed; both sign with their own passwords; then the 系统管理员 may deactivate the outgoing
-- account (with the key rotation of app/accounts.deactivate). One handover open at a time.
CREATE TABLE custodian_handover (
    id              INTEGER PRIMARY KEY,
    outgoing        TEXT NOT NULL,
    incoming        TEXT NOT NULL,
    stocktake_id    INTEGER NOT NULL UNIQUE REFERENCES stocktake (id),
    started_at      TEXT NOT NULL,
    signed_at       TEXT,
    open_items      TEXT,
    deactivated_at  TEXT,
    CHECK (outgoing <> incoming),
    CHECK (deactivated_at IS NULL OR signed_at IS NOT NULL)
);
CREATE UNIQUE INDEX custodian_handover_one_open ON custodian_handover (signed_at IS NULL)
    WHERE signed_at IS NULL;
CREATE INDEX custodian_handover_outgoing ON custodian_handover (outgoing, signed_at);
CREATE TRIGGER custodian_handover_fixed BEFORE UPDATE ON custodian_handover
WHEN new.outgoing IS NOT old.outgoing OR new.incoming IS NOT old.incoming
    OR new.stocktake_id IS NOT old.stocktake_id OR new.started_at IS NOT old.started_at
    OR (old.signed_at IS NOT NULL AND (new.signed_at IS NOT old.signed_at
        OR new.open_items IS NOT old.open_items))
    OR old.deactivated_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a custodian handover is final once signed');
END;
CREATE TRIGGER custodian_handover_no_delete BEFORE DELETE ON custodian_handover
BEGIN
    SELECT RAISE(ABORT, 'custodian handovers are never deleted');
END;
