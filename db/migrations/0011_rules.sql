-- 0011: rules that were off (issue 13 items 18, 19).
--
-- A lost copy (遗失) is never marked 留用: that would hide the loss on the 清退清单 and let the
-- campaign close over it.
CREATE TRIGGER recall_retention_not_lost BEFORE INSERT ON recall_retention
WHEN (SELECT state FROM copy WHERE id = new.copy_id) = '遗失'
BEGIN
    SELECT RAISE(ABORT, 'a lost copy is never retained');
END;

-- Voiding a classified registration: who confirmed it (the 保密员), when the copies have a
-- history beyond their registration.
ALTER TABLE document ADD COLUMN void_approved_by TEXT;

-- A registration a recall campaign or a (not cancelled) destruction batch covers is never
-- voided: it would drop out of the recall list and the statistics.
CREATE TRIGGER document_void_not_covered BEFORE UPDATE OF voided_at ON document
WHEN old.voided_at IS NULL AND new.voided_at IS NOT NULL AND (
    (old.level IN ('绝密', '机密', '秘密') AND old.source IN ('中央', '省', '市')
        AND EXISTS (SELECT 1 FROM recall_campaign WHERE year = old.year))
    OR EXISTS (SELECT 1 FROM copy c JOIN destruction_item i ON i.copy_id = c.id
               JOIN destruction_batch b ON b.id = i.batch_id
               WHERE c.document_id = old.id AND b.cancelled_at IS NULL))
BEGIN
    SELECT RAISE(ABORT, 'a registration covered by a recall or a destruction batch is never voided');
END;

-- A classified registration whose copies have a history (lent, returned, lost, recalled…) is
-- voided only with the 保密员's confirmation recorded beside it.
CREATE TRIGGER document_void_confirmed BEFORE UPDATE OF voided_at ON document
WHEN old.voided_at IS NULL AND new.voided_at IS NOT NULL
    AND old.level IN ('绝密', '机密', '秘密') AND new.void_approved_by IS NULL
    AND EXISTS (SELECT 1 FROM copy c JOIN copy_event e ON e.copy_id = c.id
                WHERE c.document_id = old.id AND e.kind <> '登记')
BEGIN
    SELECT RAISE(ABORT, 'voiding a classified registration with history needs the approver');
END;

-- The duplicate check looks a 文号 up across issuers (市委办 and 市委办公室 are one issuer).
CREATE INDEX document_doc_number ON document (doc_number);

-- Nor does editing its 来文类别 take it out of a recall that has begun.
CREATE TRIGGER document_source_stays_in_recall BEFORE UPDATE OF source ON document
WHEN old.level IN ('绝密', '机密', '秘密') AND old.source IN ('中央', '省', '市')
    AND new.source NOT IN ('中央', '省', '市')
    AND EXISTS (SELECT 1 FROM recall_campaign WHERE year = old.year)
BEGIN
    SELECT RAISE(ABORT, 'a registration in a recall keeps its upper-level source');
END;
