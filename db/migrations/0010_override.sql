-- 0010: exceptions by law (the approving 单位负责人 and the approval's reference on a handover).
-- Filled in by the override work.
SELECT 1;
