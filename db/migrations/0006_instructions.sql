-- 0006: 拟办意见 on a registration, 领导批示 with deadlines, their chase log (催办), extensions
-- and answers; and the room's working-day calendar (holidays and make-up workdays).

ALTER TABLE document ADD COLUMN proposal TEXT NOT NULL DEFAULT '';

CREATE TABLE calendar_day (
    day     TEXT PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('休', '班')),
    note    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE instruction (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES document (id),
    leader      TEXT NOT NULL,
    given_at    TEXT NOT NULL,
    text        TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    handler     TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('普通', '特急', '会议通知', '政策性', '事务性')),
    deadline    TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT '待办' CHECK (state IN ('待办', '办理中', '已办结', '延期')),
    feedback    TEXT,
    done_at     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX instruction_open ON instruction (state, deadline);
CREATE INDEX instruction_document ON instruction (document_id);
CREATE INDEX instruction_leader ON instruction (leader, state);
CREATE TRIGGER instruction_no_delete BEFORE DELETE ON instruction
BEGIN
    SELECT RAISE(ABORT, 'instructions are never deleted');
END;

CREATE TABLE instruction_event (
    id              INTEGER PRIMARY KEY,
    instruction_id  INTEGER NOT NULL REFERENCES instruction (id),
    at              TEXT NOT NULL,
    account         TEXT NOT NULL,
    kind            TEXT NOT NULL
        CHECK (kind IN ('登记', '催办', '开始办理', '延期申请', '延期批准', '延期驳回', '办结')),
    how             TEXT NOT NULL DEFAULT '',
    whom            TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    old_deadline    TEXT,
    new_deadline    TEXT
);
CREATE INDEX instruction_event_item ON instruction_event (instruction_id, id);
CREATE TRIGGER instruction_event_no_update BEFORE UPDATE ON instruction_event
BEGIN
    SELECT RAISE(ABORT, 'the chase log is append-only');
END;
CREATE TRIGGER instruction_event_no_delete BEFORE DELETE ON instruction_event
BEGIN
    SELECT RAISE(ABORT, 'the chase log is append-only');
END;
