-- When each rate-limit window ends. PGlite counts budgets in memory and writes them behind
-- to this table; at start it reads back only the windows that have not ended, which the
-- key and start alone cannot tell (windows differ in length). Rows the database store
-- writes (PostgreSQL) leave it null: that store never reads it.
ALTER TABLE rate_limits ADD COLUMN window_end timestamptz;
