-- 0008: the sealed audit trail (forward-secure seals per period). Filled in by the trust work.
SELECT 1;
