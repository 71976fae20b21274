-- 0014: ledger imports that resume and never run twice (app/ledger_import.py).
--
-- One row per ledger file, keyed by the SHA-256 of its bytes. An import commits the file in
-- chunks; each chunk's transaction registers its rows, writes their audit events and moves
-- `last_line` (the file's row number, header included, of the last row whose outcome is
-- committed) together, so a stopped import resumes after `last_line` and a finished file
-- (`finished_at` set) is refused.
CREATE TABLE import_job (
    sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    file_name   TEXT NOT NULL,
    mapping     TEXT NOT NULL,          -- JSON field -> column index; a resume uses the same
    last_line   INTEGER NOT NULL DEFAULT 0 CHECK (last_line >= 0),
    imported    INTEGER NOT NULL DEFAULT 0 CHECK (imported >= 0),
    existing    INTEGER NOT NULL DEFAULT 0 CHECK (existing >= 0),
    refused     INTEGER NOT NULL DEFAULT 0 CHECK (refused >= 0),
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    finished_at TEXT
);

-- A job only moves forward: no row is counted twice, and a finished file stays finished.
CREATE TRIGGER import_job_forward BEFORE UPDATE ON import_job
WHEN new.sha256 IS NOT old.sha256 OR new.mapping IS NOT old.mapping
    OR new.last_line < old.last_line OR new.imported < old.imported
    OR new.existing < old.existing OR new.refused < old.refused
    OR old.finished_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an import job only moves forward');
END;

CREATE TRIGGER import_job_no_delete BEFORE DELETE ON import_job
BEGIN
    SELECT RAISE(ABORT, 'import jobs are kept');
END;

-- A ledger row without a 文号 is "already registered" when the same issuer's same title was
-- received that day (app/ledger_rows.py). The (issuer, doc_number) index alone walked every
-- document of the issuer without a 文号, a walk that grew with each row an import added. Partial:
-- documents with a 文号 (most of a room) do not pay for it.
CREATE INDEX document_without_number ON document (issuer, title) WHERE doc_number = '';
