-- 0013: a closed day reopened. Once the 日终清点表 is signed nothing may leave the room that day,
-- or the paper would say 借出 0 while a copy is out. If a copy must still go out, the 保密员
-- reopens the day (their word, a reason, audited); the day is then closed again, and that second
-- close (补充清点) is written on the reopening's row. The first day_close row and its signed
-- sheet stay as they were: both were true when they were written.
CREATE TABLE day_reopen (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL REFERENCES day_close (day),
    reopened_at TEXT NOT NULL,
    reopened_by TEXT NOT NULL,
    reason      TEXT NOT NULL,
    closed_at   TEXT,
    closed_by   TEXT,
    chain_seq   INTEGER,
    chain_head  TEXT,
    counts      TEXT
);
CREATE INDEX day_reopen_day ON day_reopen (day, id);

-- A reopening is closed once, and then it is final like a day_close row.
CREATE TRIGGER day_reopen_is_final BEFORE UPDATE ON day_reopen
WHEN old.closed_at IS NOT NULL
    OR new.day IS NOT old.day OR new.reopened_at IS NOT old.reopened_at
    OR new.reopened_by IS NOT old.reopened_by OR new.reason IS NOT old.reason
BEGIN
    SELECT RAISE(ABORT, 'a reopened day is closed once and then final');
END;
CREATE TRIGGER day_reopen_no_delete BEFORE DELETE ON day_reopen
BEGIN
    SELECT RAISE(ABORT, 'a reopened day is final');
END;
