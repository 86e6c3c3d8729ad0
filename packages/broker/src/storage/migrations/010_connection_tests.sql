-- "Test connection" (issue 22 §3): an admin's trial sign-in through a connection that signs
-- nobody in. A test is pending until its IdP answers at the ACS; the ACS finishes it with one
-- conditional UPDATE (pending -> passed | failed), so a response posted twice reports once.
-- Reports hold what the IdP sent about the tester, so they go a day after they were made.
CREATE TABLE connection_tests (
  id            text PRIMARY KEY,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  status        text NOT NULL CHECK (status IN ('pending', 'passed', 'failed')),
  report        jsonb,
  created_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX connection_tests_expires_at ON connection_tests (expires_at);
