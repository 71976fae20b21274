-- 0010: exceptions by law. A clearance (涉密等级) or 知悉范围 refusal is lifted only with the
-- approving 单位负责人 named (name and position, as typed) and the approval's reference
-- (批准单号, 批示编号) besides the 保密员's password; both are kept on the handover itself.
ALTER TABLE handover ADD COLUMN override_kind TEXT;  -- what was lifted: 涉密等级、知悉范围 ...
ALTER TABLE handover ADD COLUMN override_head TEXT;
ALTER TABLE handover ADD COLUMN override_ref TEXT;

-- Belt and braces under app/desk.py: no handover lifts a refusal by law without both. The words
-- are the stored values of app.refusals.RefusalKind whose `by_law` is true (tested).
CREATE TRIGGER handover_override_by_law BEFORE INSERT ON handover
WHEN (instr(coalesce(new.override_kind, ''), '涉密等级') > 0
       OR instr(coalesce(new.override_kind, ''), '知悉范围') > 0)
    AND (trim(coalesce(new.override_head, '')) = '' OR trim(coalesce(new.override_ref, '')) = ''
         OR new.override_by IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a clearance or scope override names the approving head and reference');
END;
-- An override is written with the handover and never afterwards.
CREATE TRIGGER handover_override_is_final
BEFORE UPDATE OF override_by, override_reason, override_kind, override_head, override_ref
ON handover
WHEN new.override_by IS NOT old.override_by OR new.override_reason IS NOT old.override_reason
    OR new.override_kind IS NOT old.override_kind OR new.override_head IS NOT old.override_head
    OR new.override_ref IS NOT old.override_ref
BEGIN
    SELECT RAISE(ABORT, 'an override is written with the handover and never changed');
END;
