-- 0007: the yearly recall (清退) of the year's 中/省/市 classified copies and their witnessed
-- destruction (销毁). The outcome of every copy is a permanent record: returns, approved
-- retentions (留用) and sealed destruction batches are never changed or deleted, and a
-- destroyed copy (with its registration) is frozen for good.

INSERT OR IGNORE INTO setting (key, value) VALUES ('recall_deadline', '06-30');

-- One campaign per registration year; the security officer approves its close.
CREATE TABLE recall_campaign (
    year        INTEGER PRIMARY KEY,
    deadline    TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    opened_by   TEXT NOT NULL,
    closed_at   TEXT,
    closed_by   TEXT,
    approved_by TEXT
);
CREATE TRIGGER recall_campaign_closed_is_final BEFORE UPDATE ON recall_campaign
WHEN old.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a closed recall campaign is final');
END;
CREATE TRIGGER recall_campaign_no_delete BEFORE DELETE ON recall_campaign
BEGIN
    SELECT RAISE(ABORT, 'recall campaigns are never deleted');
END;

-- 已清退: the copy went back to its issuer, against a receipt.
CREATE TABLE recall_return (
    id          INTEGER PRIMARY KEY,
    copy_id     INTEGER NOT NULL UNIQUE REFERENCES copy (id),
    returned_on TEXT NOT NULL,
    receiver    TEXT NOT NULL,
    receipt_no  TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE TRIGGER recall_return_no_update BEFORE UPDATE ON recall_return
BEGIN
    SELECT RAISE(ABORT, 'a recorded return is final');
END;
CREATE TRIGGER recall_return_no_delete BEFORE DELETE ON recall_return
BEGIN
    SELECT RAISE(ABORT, 'a recorded return is final');
END;

-- 留用: kept in the room for a stated reason, approved by the security officer. The copy stays
-- 在柜 (it may still be read); the campaign counts it as settled.
CREATE TABLE recall_retention (
    id          INTEGER PRIMARY KEY,
    copy_id     INTEGER NOT NULL UNIQUE REFERENCES copy (id),
    reason      TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    approved_by TEXT NOT NULL
);
CREATE TRIGGER recall_retention_no_update BEFORE UPDATE ON recall_retention
BEGIN
    SELECT RAISE(ABORT, 'an approved retention is final');
END;
CREATE TRIGGER recall_retention_no_delete BEFORE DELETE ON recall_retention
BEGIN
    SELECT RAISE(ABORT, 'an approved retention is final');
END;

-- A destruction batch: built by one person, approved by the security officer (never the
-- builder), witnessed by two others; sealed once witnessed, and then never changed again.
CREATE TABLE destruction_batch (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    serial          INTEGER NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('碎纸机粉碎', '送销毁中心')),
    place           TEXT NOT NULL,
    planned_on      TEXT NOT NULL,
    built_at        TEXT NOT NULL,
    built_by        TEXT NOT NULL,
    approved_at     TEXT,
    approved_by     TEXT,
    sealed_at       TEXT,
    witness_1       TEXT,
    witness_2       TEXT,
    cancelled_at    TEXT,
    cancel_reason   TEXT,
    UNIQUE (year, serial),
    CHECK (approved_by IS NULL OR approved_by <> built_by),
    CHECK (sealed_at IS NULL OR (approved_at IS NOT NULL AND witness_1 IS NOT NULL
        AND witness_2 IS NOT NULL AND witness_1 <> witness_2
        AND witness_1 <> built_by AND witness_2 <> built_by)),
    CHECK (sealed_at IS NULL OR cancelled_at IS NULL)
);
CREATE INDEX destruction_batch_open ON destruction_batch (sealed_at, cancelled_at);
CREATE TRIGGER destruction_batch_sealed_is_final BEFORE UPDATE ON destruction_batch
WHEN old.sealed_at IS NOT NULL OR old.cancelled_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a sealed or cancelled destruction batch is final');
END;
CREATE TRIGGER destruction_batch_no_delete BEFORE DELETE ON destruction_batch
BEGIN
    SELECT RAISE(ABORT, 'destruction batches are never deleted');
END;

CREATE TABLE destruction_item (
    batch_id    INTEGER NOT NULL REFERENCES destruction_batch (id),
    copy_id     INTEGER NOT NULL REFERENCES copy (id),
    added_at    TEXT NOT NULL,
    PRIMARY KEY (batch_id, copy_id)
) WITHOUT ROWID;
CREATE INDEX destruction_item_copy ON destruction_item (copy_id);
CREATE TRIGGER destruction_item_no_update BEFORE UPDATE ON destruction_item
BEGIN
    SELECT RAISE(ABORT, 'a batch item is never changed');
END;
-- The list is fixed once the security officer has approved it.
CREATE TRIGGER destruction_item_fixed_insert BEFORE INSERT ON destruction_item
WHEN (SELECT approved_at IS NOT NULL OR cancelled_at IS NOT NULL
      FROM destruction_batch WHERE id = new.batch_id)
BEGIN
    SELECT RAISE(ABORT, 'an approved destruction batch is fixed');
END;
CREATE TRIGGER destruction_item_fixed_delete BEFORE DELETE ON destruction_item
WHEN (SELECT approved_at IS NOT NULL OR cancelled_at IS NOT NULL
      FROM destruction_batch WHERE id = old.batch_id)
BEGIN
    SELECT RAISE(ABORT, 'an approved destruction batch is fixed');
END;

-- A destroyed copy is frozen, and so is its registration; it is never handed out again.
CREATE TRIGGER copy_destroyed_is_final BEFORE UPDATE ON copy
WHEN old.state = '已销毁'
BEGIN
    SELECT RAISE(ABORT, 'a destroyed copy is final');
END;
CREATE TRIGGER copy_destroyed_only_by_batch BEFORE UPDATE OF state ON copy
WHEN new.state = '已销毁' AND NOT EXISTS (
    SELECT 1 FROM destruction_item i JOIN destruction_batch b ON b.id = i.batch_id
    WHERE i.copy_id = new.id AND b.sealed_at IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy is destroyed only by a sealed destruction batch');
END;
CREATE TRIGGER document_destroyed_is_final BEFORE UPDATE ON document
WHEN EXISTS (SELECT 1 FROM copy WHERE document_id = old.id AND state = '已销毁')
BEGIN
    SELECT RAISE(ABORT, 'the registration of a destroyed copy is final');
END;
CREATE TRIGGER handover_not_after_recall BEFORE INSERT ON handover
WHEN (SELECT state FROM copy WHERE id = new.copy_id) IN ('已销毁', '已清退')
BEGIN
    SELECT RAISE(ABORT, 'a returned or destroyed copy is never handed out');
END;
