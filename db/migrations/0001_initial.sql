-- 0001: the room, its accounts, its settings and the append-only audit chain.

CREATE TABLE room (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    room_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    demo        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

-- One role per account: 三员分立 holds by construction (no account holds two of the
-- administrator roles); app/accounts.py also refuses one person holding two of them.
CREATE TABLE account (
    id                  INTEGER PRIMARY KEY,
    login               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL
        CHECK (role IN ('custodian', 'security_officer', 'sysadmin', 'auditor')),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    deactivated_at      TEXT
);

-- Accounts are never deleted: the audit trail names them.
CREATE TRIGGER account_no_delete BEFORE DELETE ON account
BEGIN
    SELECT RAISE(ABORT, 'accounts are never deleted; deactivate instead');
END;

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_event (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    account    TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
