-- 0018: the rest of issue 16 — a registration's 办结 with its result, 绝密 read in the room
-- (在室阅读), the folder with its own label (一夹一传递), and the exchange's sign-for clock.

-- 办结: a registration is open until it is answered (办理结果), not only while a 批示 is open.
-- Written once by app.completion, audited.
ALTER TABLE document ADD COLUMN done_at TEXT;
ALTER TABLE document ADD COLUMN done_by TEXT;
ALTER TABLE document ADD COLUMN done_result TEXT;

-- The board reads a registration's open 办理时限 from this index. Its condition is
-- app.board.REGISTRATION_OPEN word for word (tests/app/test_completion.py compares them).
DROP INDEX document_open_deadline;
CREATE INDEX document_open_deadline ON document (deadline)
    WHERE deadline IS NOT NULL AND voided_at IS NULL AND done_at IS NULL AND (handling = '办件' OR reading_state IS NOT '已阅毕');

-- 在室阅读 (即阅即批即退): a 绝密 copy read in the room with the custodian present. It is a
-- handover like any other (the disclosure record, 阅毕 at its end), marked as read on the
-- spot, with the custodian who confirmed being present.
ALTER TABLE handover ADD COLUMN on_spot INTEGER NOT NULL DEFAULT 0 CHECK (on_spot IN (0, 1));
ALTER TABLE handover ADD COLUMN present_by TEXT;
-- Taking a 绝密 copy out instead needs the 单位负责人 named, as a clearance or 知悉范围 override
-- does: the by-law kinds of app.refusals.RefusalKind now include 绝密在室 (tested).
DROP TRIGGER handover_override_by_law;
CREATE TRIGGER handover_override_by_law BEFORE INSERT ON handover
WHEN (instr(coalesce(new.override_kind, ''), '涉密等级') > 0
       OR instr(coalesce(new.override_kind, ''), '知悉范围') > 0
       OR instr(coalesce(new.override_kind, ''), '绝密在室') > 0)
    AND (trim(coalesce(new.override_head, '')) = '' OR trim(coalesce(new.override_ref, '')) = ''
         OR new.override_by IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a clearance, scope or top-secret override names the approving head and reference');
END;

-- 一夹一传递: a folder with its own QR label; what it holds now; each handover made through it.
CREATE TABLE folder (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
-- A copy is in one folder at a time; taking it out marks the row, never deletes it.
CREATE TABLE folder_item (
    id          INTEGER PRIMARY KEY,
    folder_id   INTEGER NOT NULL REFERENCES folder (id),
    copy_id     INTEGER NOT NULL REFERENCES copy (id),
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
);
CREATE UNIQUE INDEX folder_item_live ON folder_item (copy_id) WHERE removed_at IS NULL;
CREATE INDEX folder_item_folder ON folder_item (folder_id, id);
CREATE TRIGGER folder_item_no_delete BEFORE DELETE ON folder_item
BEGIN
    SELECT RAISE(ABORT, 'folder contents keep their history; take a copy out instead');
END;
ALTER TABLE handover ADD COLUMN folder_id INTEGER REFERENCES folder (id);
CREATE INDEX handover_open_folder ON handover (folder_id) WHERE back_at IS NULL AND folder_id IS NOT NULL;

-- The exchange's sign-for clock (seed 003: ordinary within 8 hours, 加急 within 4, 特急 at once):
-- when the item was waiting at the exchange, and by when it should have been signed for (from
-- the room's limits at registration). It was signed for at its 签收时间, received_at.
ALTER TABLE document ADD COLUMN waiting_at TEXT;
ALTER TABLE document ADD COLUMN sign_due TEXT;
CREATE INDEX document_late_sign ON document (received_at) WHERE received_at > sign_due;
