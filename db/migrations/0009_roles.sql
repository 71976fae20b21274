-- 0009: 三员 as the rules define them. The business approvals (exceptions, 留用, destruction
-- approval, incidents) move from the old 安全保密管理员 accounts to a business role, 保密员
-- ('approver'); 'security_officer' is from now on the IT 安全保密管理员 of the 三员, whom the
-- system administrator is asked to create. Nothing an existing account could do is lost: it
-- keeps every business power under its new role name.
--
-- A role works only once it is granted (granted_at set): the system administrator creates an
-- account and proposes its role, the 安全保密管理员 grants or revokes it. The accounts a room has
-- today keep their roles, granted by the migration ('系统').
CREATE TABLE account_new (
    id                  INTEGER PRIMARY KEY,
    login               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL
        CHECK (role IN ('custodian', 'approver', 'security_officer', 'sysadmin', 'auditor')),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    deactivated_at      TEXT,
    granted_at          TEXT,
    granted_by          TEXT
);
INSERT INTO account_new (id, login, display_name, role, active, created_at, password_changed_at,
                         deactivated_at, granted_at, granted_by)
SELECT id, login, display_name,
       CASE role WHEN 'security_officer' THEN 'approver' ELSE role END,
       active, created_at, password_changed_at, deactivated_at, created_at, '系统'
FROM account;
DROP TRIGGER account_no_delete;
DROP TABLE account;
ALTER TABLE account_new RENAME TO account;
CREATE TRIGGER account_no_delete BEFORE DELETE ON account
BEGIN
    SELECT RAISE(ABORT, 'accounts are never deleted; deactivate instead');
END;
