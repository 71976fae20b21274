-- 0016: 传阅 (issue 16): saved reading routes, each document's ordered route of readers by
-- 阅读层次, 阅毕 per reader, the board's 催办 log for items other than 批示, and 挂牌督办.

-- Named routes the custodian keeps (e.g. 常委传阅: 书记, 副书记, 常委…), in reading order.
CREATE TABLE route (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE TABLE route_member (
    route_id    INTEGER NOT NULL REFERENCES route (id),
    seq         INTEGER NOT NULL,
    reader_id   INTEGER NOT NULL REFERENCES reader (id),
    PRIMARY KEY (route_id, seq),
    UNIQUE (route_id, reader_id)
);

-- A document's route: one row per reader, in `seq` order. A step is never deleted: narrowing
-- the range marks it removed with the reason, and a widening keeps its reason beside it.
CREATE TABLE reading_step (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES document (id),
    reader_id       INTEGER NOT NULL REFERENCES reader (id),
    seq             INTEGER NOT NULL,
    added_kind      TEXT NOT NULL CHECK (added_kind IN ('设定', '扩大')),
    added_at        TEXT NOT NULL,
    added_by        TEXT NOT NULL,
    added_reason    TEXT NOT NULL DEFAULT '',
    removed_at      TEXT,
    removed_by      TEXT,
    removed_reason  TEXT
);
CREATE UNIQUE INDEX reading_step_live ON reading_step (document_id, reader_id)
    WHERE removed_at IS NULL;
CREATE INDEX reading_step_document ON reading_step (document_id, seq);
CREATE TRIGGER reading_step_no_delete BEFORE DELETE ON reading_step
BEGIN
    SELECT RAISE(ABORT, 'route steps are never deleted; narrow the range instead');
END;
-- Only the order of live steps and their removal (once) may change.
CREATE TRIGGER reading_step_fixed BEFORE UPDATE ON reading_step
WHEN old.removed_at IS NOT NULL
    OR new.document_id IS NOT old.document_id OR new.reader_id IS NOT old.reader_id
    OR new.added_kind IS NOT old.added_kind OR new.added_at IS NOT old.added_at
    OR new.added_by IS NOT old.added_by OR new.added_reason IS NOT old.added_reason
BEGIN
    SELECT RAISE(ABORT, 'a route step keeps its history; only its order or removal changes');
END;

-- 阅毕: a reader has read the document (on the copy they returned), and whether they wrote an
-- instruction on it. Once per reader per document; append-only.
CREATE TABLE reading (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES document (id),
    copy_id      INTEGER NOT NULL REFERENCES copy (id),
    reader_id    INTEGER NOT NULL REFERENCES reader (id),
    handover_id  INTEGER REFERENCES handover (id),
    read_at      TEXT NOT NULL,
    instructed   INTEGER NOT NULL CHECK (instructed IN (0, 1)),
    recorded_by  TEXT NOT NULL,
    UNIQUE (document_id, reader_id)
);
CREATE INDEX reading_copy ON reading (copy_id, id);
CREATE TRIGGER reading_no_update BEFORE UPDATE ON reading
BEGIN
    SELECT RAISE(ABORT, 'a reading record is final');
END;
CREATE TRIGGER reading_no_delete BEFORE DELETE ON reading
BEGIN
    SELECT RAISE(ABORT, 'a reading record is final');
END;

-- 催办 of the board's items other than 批示 (those keep theirs in instruction_event):
-- a registration's 办理时限, a telegram, a copy out past its reading limit.
CREATE TABLE chase (
    id           INTEGER PRIMARY KEY,
    item_kind    TEXT NOT NULL CHECK (item_kind IN ('办件', '阅件', '电报', '借出')),
    document_id  INTEGER NOT NULL REFERENCES document (id),
    copy_id      INTEGER REFERENCES copy (id),
    at           TEXT NOT NULL,
    account      TEXT NOT NULL,
    how          TEXT NOT NULL,
    whom         TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX chase_document ON chase (document_id, id);
CREATE INDEX chase_copy ON chase (copy_id, id) WHERE copy_id IS NOT NULL;
CREATE TRIGGER chase_no_update BEFORE UPDATE ON chase
BEGIN
    SELECT RAISE(ABORT, 'the chase log is append-only');
END;
CREATE TRIGGER chase_no_delete BEFORE DELETE ON chase
BEGIN
    SELECT RAISE(ABORT, 'the chase log is append-only');
END;

-- Where a document is on its route (kept by app.circulation): NULL (no route), 传阅中, or
-- 已阅毕 once everyone on it has read it. A 阅件 read through has met its reading limit and
-- leaves the board; the 传阅 page lists what is 传阅中 from its own index.
ALTER TABLE document ADD COLUMN reading_state TEXT CHECK (reading_state IN ('传阅中', '已阅毕'));
CREATE INDEX document_in_circulation ON document (deadline) WHERE reading_state = '传阅中';

-- The board reads a registration's open 办理时限 from this partial index: deadline set, not
-- voided, and not a 阅件 read through. (A registration's 办结 state is another part of issue 16.)
CREATE INDEX document_open_deadline ON document (deadline)
    WHERE deadline IS NOT NULL AND voided_at IS NULL
      AND (handling = '办件' OR reading_state IS NOT '已阅毕');

-- 挂牌督办: an important instruction flagged for special follow-up (seed 000).
ALTER TABLE instruction ADD COLUMN flagged_at TEXT;
ALTER TABLE instruction ADD COLUMN flagged_by TEXT;
ALTER TABLE instruction ADD COLUMN flag_reason TEXT;
CREATE INDEX instruction_flagged ON instruction (deadline) WHERE flagged_at IS NOT NULL;
-- The board walks open instructions in deadline order (instruction_open is by state first,
-- so an ordered walk over the three open states would sort every open row).
CREATE INDEX instruction_open_due ON instruction (deadline) WHERE state <> '已办结';
