-- 0003: the handover desk — one row per person per copy per handover (一人一记录), incidents,
-- overnight exceptions, and the day's close with the audit chain head it anchors on paper.

CREATE TABLE handover (
    id              INTEGER PRIMARY KEY,
    copy_id         INTEGER NOT NULL REFERENCES copy (id),
    reader_id       INTEGER NOT NULL REFERENCES reader (id),
    out_at          TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    out_by          TEXT NOT NULL,
    override_by     TEXT,
    override_reason TEXT,
    back_at         TEXT,
    back_by         TEXT,
    check_note      TEXT
);
-- A copy is with at most one person at a time: it comes back to the room between readers.
CREATE UNIQUE INDEX handover_open_copy ON handover (copy_id) WHERE back_at IS NULL;
CREATE INDEX handover_open_due ON handover (due_at) WHERE back_at IS NULL;
CREATE INDEX handover_copy ON handover (copy_id, id);
CREATE INDEX handover_reader ON handover (reader_id, id);
CREATE INDEX handover_out_at ON handover (out_at);
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
BEGIN
    SELECT RAISE(ABORT, 'handover records are never deleted');
END;
-- Only the return may be written later, once.
CREATE TRIGGER handover_closed_is_final BEFORE UPDATE ON handover
WHEN old.back_at IS NOT NULL
    OR new.copy_id IS NOT old.copy_id OR new.reader_id IS NOT old.reader_id
    OR new.out_at IS NOT old.out_at OR new.due_at IS NOT old.due_at
BEGIN
    SELECT RAISE(ABORT, 'a handover is final once returned; only the return is written later');
END;

CREATE TABLE incident (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('核对异常', '违规过夜')),
    copy_id         INTEGER NOT NULL REFERENCES copy (id),
    handover_id     INTEGER REFERENCES handover (id),
    night           TEXT,
    at              TEXT NOT NULL,
    noted_by        TEXT NOT NULL,
    description     TEXT NOT NULL,
    resolved_at     TEXT,
    resolved_by     TEXT,
    resolution      TEXT
);
CREATE INDEX incident_open ON incident (resolved_at, id);
CREATE UNIQUE INDEX incident_once_a_night ON incident (handover_id, night) WHERE kind = '违规过夜';
CREATE TRIGGER incident_no_delete BEFORE DELETE ON incident
BEGIN
    SELECT RAISE(ABORT, 'incidents are never deleted');
END;

CREATE TABLE overnight_exception (
    id              INTEGER PRIMARY KEY,
    handover_id     INTEGER NOT NULL REFERENCES handover (id),
    night           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    approver        TEXT NOT NULL,
    expected_return TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (handover_id, night)
);

CREATE TABLE day_close (
    day             TEXT PRIMARY KEY,
    closed_at       TEXT NOT NULL,
    closed_by       TEXT NOT NULL,
    chain_seq       INTEGER NOT NULL,
    chain_head      TEXT NOT NULL,
    counts          TEXT NOT NULL
);
CREATE TRIGGER day_close_is_final BEFORE UPDATE ON day_close
BEGIN
    SELECT RAISE(ABORT, 'a closed day is final');
END;
CREATE TRIGGER day_close_no_delete BEFORE DELETE ON day_close
BEGIN
    SELECT RAISE(ABORT, 'a closed day is final');
END;

INSERT OR IGNORE INTO setting (key, value) VALUES ('close_time', '17:30');
INSERT OR IGNORE INTO setting (key, value) VALUES ('working_days', '1,2,3,4,5');
INSERT OR IGNORE INTO setting (key, value) VALUES ('unclassified_loan_days', '7');

-- Copies by 密级 and state, kept by triggers, so the day's close counts without reading a
-- million copies. A document's 密级 never changes after registration.
CREATE TABLE copy_count (
    level   TEXT NOT NULL,
    state   TEXT NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (level, state)
) WITHOUT ROWID;
INSERT INTO copy_count (level, state, n)
    SELECT l.level, s.state, 0
    FROM (SELECT '绝密' AS level UNION ALL SELECT '机密' UNION ALL SELECT '秘密' UNION ALL SELECT '非密') AS l,
         (SELECT '在柜' AS state UNION ALL SELECT '借出' UNION ALL SELECT '已清退' UNION ALL SELECT '已销毁'
          UNION ALL SELECT '留用' UNION ALL SELECT '遗失') AS s;
UPDATE copy_count SET n = (
    SELECT count(*) FROM copy c JOIN document d ON d.id = c.document_id
    WHERE d.level = copy_count.level AND c.state = copy_count.state
);
CREATE TRIGGER copy_count_insert AFTER INSERT ON copy
BEGIN
    UPDATE copy_count SET n = n + 1
    WHERE state = new.state AND level = (SELECT level FROM document WHERE id = new.document_id);
END;
CREATE TRIGGER copy_count_state AFTER UPDATE OF state ON copy WHEN new.state IS NOT old.state
BEGIN
    UPDATE copy_count SET n = n - 1
    WHERE state = old.state AND level = (SELECT level FROM document WHERE id = old.document_id);
    UPDATE copy_count SET n = n + 1
    WHERE state = new.state AND level = (SELECT level FROM document WHERE id = new.document_id);
END;
