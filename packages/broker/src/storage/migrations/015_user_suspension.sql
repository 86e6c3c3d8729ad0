-- Operator user management (admin API, issue 26): a suspended account keeps its data but opens no
-- session by any method (the sign-in engine refuses it, modules/sign-in/suspended.ts); its live
-- sessions were revoked when it was suspended. Null: not suspended.
ALTER TABLE users ADD COLUMN suspended_at timestamptz;
