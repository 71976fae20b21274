-- 0017: the office's own outgoing documents (发文), their receipts (回执) from each recipient,
-- and 退文 (mail returned because it came by the wrong route). Nothing here is ever deleted.
--
-- An outgoing document's printed copies are a registration like any other (document + copy,
-- 来文类别 区本级, the 发文字号 as its 文号), so each copy is lent, recalled, counted and
-- destroyed by the machinery that already keeps received copies. What goes to a recipient leaves
-- on a distribution receipt (分发签收单) like any 分发; a 发文 sent through the 机要交换 has no
-- signer at the counter (the recipient signs the 回执 and sends it back), so the receipt's
-- signer becomes optional.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'signer_id       INTEGER NOT NULL REFERENCES reader (id)',
                       'signer_id       INTEGER REFERENCES reader (id)')
WHERE type = 'table' AND name = 'distribution_receipt';
PRAGMA writable_schema = RESET;
CREATE TEMP TABLE migration_outgoing_guard (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_outgoing_guard (ok)
    SELECT instr(sql, 'signer_id       INTEGER REFERENCES reader (id)') > 0
    FROM sqlite_master WHERE type = 'table' AND name = 'distribution_receipt';
DROP TABLE migration_outgoing_guard;
-- Only app/outgoing.py writes a receipt without a signer (app/distribution.issue requires one).

-- 发文登记簿: 发文字号 = 代字〔year〕number号, gapless per 代字 and year. The number is taken in
-- the transaction that writes the row (a trigger refuses any other), never reused: a voided
-- 发文 keeps its row and its number, marked voided.
CREATE TABLE outgoing (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 20),   -- 发文代字, e.g. 区委办发
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    document_id  INTEGER NOT NULL UNIQUE REFERENCES document (id),     -- its copies' registration
    signed_by    TEXT NOT NULL,                                          -- 签发人
    signed_on    TEXT NOT NULL,                                          -- 签发日期
    printed      INTEGER NOT NULL CHECK (printed >= 1),                  -- 印制份数
    notes        TEXT NOT NULL DEFAULT '',                               -- 办理情况
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    voided_at    TEXT,
    void_reason  TEXT,
    UNIQUE (code, year, number)
);
CREATE INDEX outgoing_year ON outgoing (year, code, number);
CREATE TRIGGER outgoing_gapless BEFORE INSERT ON outgoing
WHEN new.number IS NOT (SELECT coalesce(max(number), 0) + 1 FROM outgoing
                        WHERE code = new.code AND year = new.year)
BEGIN
    SELECT RAISE(ABORT, 'a 发文字号 is the next number of its 代字 and year');
END;
CREATE TRIGGER outgoing_no_delete BEFORE DELETE ON outgoing
BEGIN
    SELECT RAISE(ABORT, 'outgoing documents are never deleted; void them');
END;
CREATE TRIGGER outgoing_fixed BEFORE UPDATE ON outgoing
WHEN old.voided_at IS NOT NULL
    OR new.code IS NOT old.code OR new.year IS NOT old.year OR new.number IS NOT old.number
    OR new.document_id IS NOT old.document_id OR new.signed_by IS NOT old.signed_by
    OR new.signed_on IS NOT old.signed_on OR new.printed IS NOT old.printed
    OR new.created_at IS NOT old.created_at OR new.created_by IS NOT old.created_by
BEGIN
    SELECT RAISE(ABORT, 'a 发文 is fixed once written; only its notes and its void change');
END;

-- 主送/抄送: each recipient's 份号 (a run of the printed copies), the receipt its copies left on,
-- and its 回执 (returned when, signed by whom). The rest of the copies are the room's 存档份.
CREATE TABLE outgoing_recipient (
    id            INTEGER PRIMARY KEY,
    outgoing_id   INTEGER NOT NULL REFERENCES outgoing (id),
    unit_id       INTEGER NOT NULL REFERENCES unit (id),
    role          TEXT NOT NULL CHECK (role IN ('主送', '抄送')),
    position      INTEGER NOT NULL,
    copy_from     INTEGER NOT NULL CHECK (copy_from >= 1),
    copy_to       INTEGER NOT NULL CHECK (copy_to >= copy_from),
    receipt_id    INTEGER UNIQUE REFERENCES distribution_receipt (id),   -- set when sent
    sent_at       TEXT,
    replied_at    TEXT,                    -- 回执 back
    reply_signer  TEXT,                    -- who signed it at the recipient
    reply_how     TEXT CHECK (reply_how IN ('扫描', '手工')),
    replied_by    TEXT,
    UNIQUE (outgoing_id, unit_id),
    UNIQUE (outgoing_id, position)
);
CREATE INDEX outgoing_recipient_open ON outgoing_recipient (replied_at, sent_at);
CREATE INDEX outgoing_recipient_unit ON outgoing_recipient (unit_id, id);
CREATE TRIGGER outgoing_recipient_no_delete BEFORE DELETE ON outgoing_recipient
BEGIN
    SELECT RAISE(ABORT, 'outgoing recipients are never deleted');
END;
CREATE TRIGGER outgoing_recipient_fixed BEFORE UPDATE ON outgoing_recipient
WHEN old.replied_at IS NOT NULL
    OR new.outgoing_id IS NOT old.outgoing_id OR new.unit_id IS NOT old.unit_id
    OR new.role IS NOT old.role OR new.position IS NOT old.position
    OR new.copy_from IS NOT old.copy_from OR new.copy_to IS NOT old.copy_to
    OR (old.receipt_id IS NOT NULL AND new.receipt_id IS NOT old.receipt_id)
    OR (old.sent_at IS NOT NULL AND new.sent_at IS NOT old.sent_at)
    OR (new.replied_at IS NOT NULL AND new.receipt_id IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a recipient line is fixed; it is sent once and its 回执 closes it once');
END;
-- A recipient's copies leave on a receipt made out to that recipient.
CREATE TRIGGER outgoing_recipient_own_unit BEFORE UPDATE OF receipt_id ON outgoing_recipient
WHEN new.receipt_id IS NOT NULL AND (SELECT unit_id FROM distribution_receipt
                                     WHERE id = new.receipt_id) IS NOT new.unit_id
BEGIN
    SELECT RAISE(ABORT, 'a recipient''s copies leave on a receipt of its own unit');
END;
-- A copy sent to a recipient whose 回执 has not come back is not destroyed.
CREATE TRIGGER destruction_item_not_before_reply BEFORE INSERT ON destruction_item
WHEN EXISTS (
    SELECT 1 FROM distribution_item i JOIN outgoing_recipient o ON o.receipt_id = i.receipt_id
    WHERE i.copy_id = new.copy_id AND o.replied_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy whose 回执 has not come back is not destroyed');
END;
CREATE TRIGGER copy_not_destroyed_before_reply BEFORE UPDATE OF state ON copy
WHEN new.state = '已销毁' AND EXISTS (
    SELECT 1 FROM distribution_item i JOIN outgoing_recipient o ON o.receipt_id = i.receipt_id
    WHERE i.copy_id = new.id AND o.replied_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy whose 回执 has not come back is not destroyed');
END;

-- 催收回执: each chase of a missing 回执, written once the chasing list is printed or saved.
CREATE TABLE outgoing_reply_chase (
    id            INTEGER PRIMARY KEY,
    recipient_id  INTEGER NOT NULL REFERENCES outgoing_recipient (id),
    at            TEXT NOT NULL,
    account       TEXT NOT NULL,
    output_to     TEXT NOT NULL
);
CREATE INDEX outgoing_reply_chase_recipient ON outgoing_reply_chase (recipient_id, id);
CREATE TRIGGER outgoing_reply_chase_append_only BEFORE UPDATE ON outgoing_reply_chase
BEGIN
    SELECT RAISE(ABORT, 'chases are append-only');
END;
CREATE TRIGGER outgoing_reply_chase_no_delete BEFORE DELETE ON outgoing_reply_chase
BEGIN
    SELECT RAISE(ABORT, 'chases are append-only');
END;

-- 退文登记: mail that came by the wrong route, returned and the rule it broke pointed out
-- (seed 003: 直送件、越级件、乱投件). Numbered gapless per year (退2026-0001); append-only.
CREATE TABLE returned_mail (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    serial        INTEGER NOT NULL CHECK (serial >= 1),
    sender        TEXT NOT NULL,           -- 来件单位
    doc_number    TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('绝密', '机密', '秘密', '非密')),
    rule          TEXT NOT NULL CHECK (rule IN ('直送件', '越级件', '乱投件')),
    note          TEXT NOT NULL DEFAULT '', -- what was pointed out
    came_at       TEXT NOT NULL,
    returned_at   TEXT NOT NULL,
    returned_to   TEXT NOT NULL,           -- the unit or person it went back to
    returned_by   TEXT NOT NULL,           -- the custodian's login
    created_at    TEXT NOT NULL,
    UNIQUE (year, serial)
);
CREATE TRIGGER returned_mail_gapless BEFORE INSERT ON returned_mail
WHEN new.serial IS NOT (SELECT coalesce(max(serial), 0) + 1 FROM returned_mail
                        WHERE year = new.year)
BEGIN
    SELECT RAISE(ABORT, 'a 退文 number is the next of its year');
END;
CREATE TRIGGER returned_mail_no_update BEFORE UPDATE ON returned_mail
BEGIN
    SELECT RAISE(ABORT, 'the 退文 register is append-only');
END;
CREATE TRIGGER returned_mail_no_delete BEFORE DELETE ON returned_mail
BEGIN
    SELECT RAISE(ABORT, 'the 退文 register is append-only');
END;
