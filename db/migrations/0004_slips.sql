-- 0004: printed slips and labels. Each print of a copy's slip (or label) takes a new serial and
-- retires the copy's earlier ones of the same kind; the QR carries the serial and a MAC under
-- the room's own secret, which never leaves the encrypted database.

ALTER TABLE room ADD COLUMN secret BLOB;
UPDATE room SET secret = randomblob(32) WHERE secret IS NULL;

CREATE TABLE slip (
    serial      INTEGER PRIMARY KEY,
    copy_id     INTEGER NOT NULL REFERENCES copy (id),
    kind        TEXT NOT NULL CHECK (kind IN ('传文处理笺', '收文处理笺', '零星收文处理笺', '标签')),
    printed_at  TEXT NOT NULL,
    printed_by  TEXT NOT NULL,
    retired_at  TEXT
);
CREATE INDEX slip_copy ON slip (copy_id, kind, serial);
CREATE TRIGGER slip_no_delete BEFORE DELETE ON slip
BEGIN
    SELECT RAISE(ABORT, 'printed slips are never deleted');
END;
