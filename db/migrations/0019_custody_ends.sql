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
