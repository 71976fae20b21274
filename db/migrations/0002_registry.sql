-- 0002: readers and groups, registered documents, their copies and each copy's custody history.

CREATE TABLE reader (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    initials    TEXT NOT NULL,             -- pinyin initials, stored so lookups use an index
    unit        TEXT NOT NULL DEFAULT '',
    position    TEXT NOT NULL DEFAULT '',
    clearance   TEXT NOT NULL CHECK (clearance IN ('核心', '重要', '一般', '非涉密')),
    phone       TEXT NOT NULL DEFAULT '',
    badge_code  TEXT UNIQUE,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    left_at     TEXT
);
CREATE INDEX reader_initials ON reader (initials);
CREATE INDEX reader_name ON reader (name);
CREATE TRIGGER reader_no_delete BEFORE DELETE ON reader
BEGIN
    SELECT RAISE(ABORT, 'readers are never deleted; mark them as left');
END;

CREATE TABLE reader_group (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE reader_group_member (
    group_id    INTEGER NOT NULL REFERENCES reader_group (id),
    reader_id   INTEGER NOT NULL REFERENCES reader (id),
    PRIMARY KEY (group_id, reader_id)
);

-- 收文编号 is year-serial, gapless per year: the serial is taken inside the transaction that
-- writes the row, and a registration is never deleted (作废 keeps it, with its reason).
CREATE TABLE document (
    id                  INTEGER PRIMARY KEY,
    year                INTEGER NOT NULL,
    serial              INTEGER NOT NULL,
    issuer              TEXT NOT NULL,
    source              TEXT NOT NULL
        CHECK (source IN ('中央', '省', '市', '区本级', '下级单位', '信访')),
    doc_number          TEXT NOT NULL DEFAULT '',
    doc_number_ok       INTEGER NOT NULL DEFAULT 1,
    title               TEXT NOT NULL,
    written_on          TEXT,
    level               TEXT NOT NULL CHECK (level IN ('绝密', '机密', '秘密', '非密')),
    period_kind         TEXT NOT NULL CHECK (period_kind IN ('年', '月', '长期', '解密日期', '无')),
    period_value        TEXT NOT NULL DEFAULT '',
    period_defaulted    INTEGER NOT NULL DEFAULT 0,
    urgency             TEXT NOT NULL CHECK (urgency IN ('特提', '特急', '加急', '平急', '平件')),
    telegram            INTEGER NOT NULL DEFAULT 0,
    handling            TEXT NOT NULL CHECK (handling IN ('办件', '阅件')),
    received_at         TEXT NOT NULL,
    attachments         TEXT NOT NULL DEFAULT '',
    deadline            TEXT,
    cabinet             TEXT NOT NULL DEFAULT '',
    remarks             TEXT NOT NULL DEFAULT '',
    status_note         TEXT NOT NULL DEFAULT '',   -- 办理情况
    voided_at           TEXT,
    void_reason         TEXT,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX document_issuer_number ON document (issuer, doc_number);
CREATE INDEX document_received ON document (received_at);
CREATE INDEX document_level ON document (level, year, serial);
CREATE INDEX document_source ON document (source, year, serial);
CREATE TRIGGER document_no_delete BEFORE DELETE ON document
BEGIN
    SELECT RAISE(ABORT, 'registrations are never deleted; void them instead');
END;

-- Substring search of three characters or more; shorter queries take the LIKE path.
CREATE VIRTUAL TABLE document_fts USING fts5 (
    title, doc_number, issuer, content='document', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER document_fts_insert AFTER INSERT ON document
BEGIN
    INSERT INTO document_fts (rowid, title, doc_number, issuer)
    VALUES (new.id, new.title, new.doc_number, new.issuer);
END;
CREATE TRIGGER document_fts_update AFTER UPDATE OF title, doc_number, issuer ON document
BEGIN
    INSERT INTO document_fts (document_fts, rowid, title, doc_number, issuer)
    VALUES ('delete', old.id, old.title, old.doc_number, old.issuer);
    INSERT INTO document_fts (rowid, title, doc_number, issuer)
    VALUES (new.id, new.title, new.doc_number, new.issuer);
END;

-- 阅文范围: readers or groups; no row means "by clearance only".
CREATE TABLE document_scope (
    document_id INTEGER NOT NULL REFERENCES document (id),
    reader_id   INTEGER REFERENCES reader (id),
    group_id    INTEGER REFERENCES reader_group (id),
    CHECK ((reader_id IS NULL) <> (group_id IS NULL))
);
CREATE INDEX document_scope_document ON document_scope (document_id);

CREATE TABLE copy (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES document (id),
    copy_no     TEXT NOT NULL CHECK (length(copy_no) = 6),
    pages       INTEGER NOT NULL CHECK (pages >= 0),
    state       TEXT NOT NULL DEFAULT '在柜'
        CHECK (state IN ('在柜', '借出', '已清退', '已销毁', '留用', '遗失')),
    UNIQUE (document_id, copy_no)
);
CREATE INDEX copy_no_index ON copy (copy_no);
CREATE INDEX copy_state ON copy (state, document_id);
CREATE TRIGGER copy_no_delete BEFORE DELETE ON copy
BEGIN
    SELECT RAISE(ABORT, 'copies are never deleted');
END;

-- Each copy's custody history: registration, handovers, recall, destruction. Append-only.
CREATE TABLE copy_event (
    id          INTEGER PRIMARY KEY,
    copy_id     INTEGER NOT NULL REFERENCES copy (id),
    at          TEXT NOT NULL,
    account     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX copy_event_copy ON copy_event (copy_id, id);
CREATE TRIGGER copy_event_no_update BEFORE UPDATE ON copy_event
BEGIN
    SELECT RAISE(ABORT, 'custody history is append-only');
END;
CREATE TRIGGER copy_event_no_delete BEFORE DELETE ON copy_event
BEGIN
    SELECT RAISE(ABORT, 'custody history is append-only');
END;
