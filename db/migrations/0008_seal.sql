-- 0008: the sealed audit trail.
--
-- Every period of the trail (at least a day; one ends at every 日终清点) is sealed with an
-- HMAC under that period's key; the key then evolves one way (app/seal.py) and the old key is
-- overwritten. Only the current key is stored; the first one is printed once at room creation
-- on the 审计验证密钥 sheet and never kept on the machine.
CREATE TABLE audit_seal (
    period     INTEGER PRIMARY KEY,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL CHECK (last_seq >= first_seq),
    head       TEXT NOT NULL,
    sealed_at  TEXT NOT NULL,
    -- 1 where the period numbers jump (a restore carried the sealing key forward)
    jump       INTEGER NOT NULL DEFAULT 0 CHECK (jump IN (0, 1)),
    mac        TEXT NOT NULL
);

CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_seal
BEGIN
    SELECT RAISE(ABORT, 'audit seals are append-only');
END;

CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_seal
BEGIN
    SELECT RAISE(ABORT, 'audit seals are append-only');
END;

-- The key of the period now open. One row; overwritten in place at every seal. A backup
-- carries no key (app/maintenance.py clears it in the copy): a restore takes the live room's.
CREATE TABLE audit_seal_key (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    period  INTEGER NOT NULL,
    key     BLOB
);
