-- Structured session factors (modules/sign-in/factors.ts): each step that proved something,
-- `{ method, at, provider?, connection?, org?, synced? }`. `amr` and the assurance level derive
-- from them. The `amr` column stays, written from the factors when the session opens: it keeps
-- what the session reported when it was made (older sessions included), and the token refresh
-- reads it as before.
ALTER TABLE sessions ADD COLUMN factors jsonb NOT NULL DEFAULT '[]';
-- The organization the session is active in: the first factor that came through one. No
-- foreign key here: organizations arrive in migration 007.
ALTER TABLE sessions ADD COLUMN org_id text;

-- Sessions opened before this migration get factors read back from their amr (until now
-- `otp` only ever meant an emailed code; `hwk`/`swk` a passkey), dated when they opened.
UPDATE sessions SET factors = (
  SELECT coalesce(jsonb_agg(f ORDER BY n), '[]'::jsonb) FROM (
    SELECT min(o) AS n, f FROM unnest(amr) WITH ORDINALITY AS m(v, o)
    CROSS JOIN LATERAL (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS iso) AS t
    CROSS JOIN LATERAL (SELECT CASE v
      WHEN 'pwd' THEN jsonb_build_object('method', 'pwd', 'at', iso)
      WHEN 'otp' THEN jsonb_build_object('method', 'email_code', 'at', iso)
      WHEN 'hwk' THEN jsonb_build_object('method', 'passkey', 'at', iso, 'synced', false)
      WHEN 'swk' THEN jsonb_build_object('method', 'passkey', 'at', iso, 'synced', true)
    END AS f) AS mapped
    WHERE f IS NOT NULL GROUP BY f
  ) AS known
);
