-- 0022: the year's 保密自查 figures at the size of a big room (issue 17).
--
-- A stocktake keeps, from its finish, how many findings it made (份) and how many documents
-- they touched (件), so that the year's 清查差异 line reads one row per stocktake instead of every
-- finding (a whole-room stocktake of a million copies makes a million of them). The counts are
-- written in the finish's own transaction, from the findings just recorded; a finished
-- stocktake is final (0015's trigger), so they never change. The stocktakes finished before
-- this migration get theirs here.
ALTER TABLE stocktake ADD COLUMN findings INTEGER;
ALTER TABLE stocktake ADD COLUMN finding_documents INTEGER;
DROP TRIGGER stocktake_finished_is_final;
UPDATE stocktake
SET findings = (SELECT count(*) FROM stocktake_finding f WHERE f.stocktake_id = stocktake.id),
    finding_documents = (SELECT count(DISTINCT f.document_id) FROM stocktake_finding f
                         WHERE f.stocktake_id = stocktake.id)
WHERE finished_at IS NOT NULL;
CREATE TRIGGER stocktake_finished_is_final BEFORE UPDATE ON stocktake
WHEN old.finished_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a finished stocktake is final');
END;
-- A finish writes both counts; an open stocktake has none.
CREATE TRIGGER stocktake_finish_counts BEFORE UPDATE OF finished_at ON stocktake
WHEN new.finished_at IS NOT NULL AND (new.findings IS NULL OR new.finding_documents IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a finished stocktake records its findings and their documents');
END;

-- The handovers of a period with their copies, read from the index alone: the year's 借阅 line
-- (件: the documents lent) walked 370,000 handover rows for their copy_id.
DROP INDEX handover_out_at;
CREATE INDEX handover_out_at ON handover (out_at, copy_id);
