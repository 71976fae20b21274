-- 0024: a copy listed in a destruction batch not yet sealed or cancelled stays in the room: it
-- cannot be handed to a unit (issue 15; a walk-through distributed two such copies, and the
-- batch then listed them as 分发在外). app/distribution.why_not says so in words first; this is
-- the database's own guard, as handover_open_copy is for lending.
CREATE TRIGGER distribution_item_not_in_open_batch BEFORE INSERT ON distribution_item
WHEN EXISTS (SELECT 1 FROM destruction_item i JOIN destruction_batch b ON b.id = i.batch_id
             WHERE i.copy_id = new.copy_id AND b.sealed_at IS NULL AND b.cancelled_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a copy in an open destruction batch is not distributed');
END;
