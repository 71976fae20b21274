-- 0023: a 发文's copies get a 发文处理笺 (issue 15), not a 收文处理笺 naming a 收文编号.
--
-- The slip kinds are widened in place, as 0012 and 0019 widened other CHECKs
-- (sqlite.org lang_altertable.html §7): no stored row changes, and rebuilding `slip` would
-- drop its triggers. A 发文处理笺 is one of the forms (app/slips.py FORMS): printing it retires
-- the copy's earlier slip of any form, as printing another form always did.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, '''零星收文处理笺'', ''标签'')', '''零星收文处理笺'', ''发文处理笺'', ''标签'')')
WHERE type = 'table' AND name = 'slip';
PRAGMA writable_schema = RESET;
CREATE TEMP TABLE migration_outgoing_slip_guard (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_outgoing_slip_guard (ok)
    SELECT instr(sql, '''发文处理笺''') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'slip';
DROP TABLE migration_outgoing_slip_guard;
