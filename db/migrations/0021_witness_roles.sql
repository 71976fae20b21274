-- 0021: 监销人 are business people, the 机要员 or a 保密员, never one of the 三员 (who administer
-- the system and take no part in its business). app/destruction.seal refuses them calmly before
-- any password; this is the database's own guard beside it, for a raw UPDATE that seals. (A
-- missing witness is 0007's CHECK's to refuse.)
CREATE TRIGGER destruction_witnesses_are_business BEFORE UPDATE OF sealed_at ON destruction_batch
WHEN old.sealed_at IS NULL AND new.sealed_at IS NOT NULL AND (
    (new.witness_1 IS NOT NULL AND coalesce(
        (SELECT role FROM account WHERE login = new.witness_1), '') NOT IN ('custodian', 'approver'))
    OR (new.witness_2 IS NOT NULL AND coalesce(
        (SELECT role FROM account WHERE login = new.witness_2), '') NOT IN ('custodian', 'approver')))
BEGIN
    SELECT RAISE(ABORT, 'a destruction is witnessed by business accounts, never by the 三员');
END;
