-- Sign-ups per address and wrong enrolment keys, counted like failed logins, so that every
-- piece of scrypt work an anonymous or student caller can cause has a bound.
CREATE TABLE throttle_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope text NOT NULL,
    key text NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX throttle_events_key_idx ON throttle_events (scope, key, occurred_at DESC);

-- Emails are stored in the one form the application compares: lowercased over all of Unicode
-- (lower() under the C collation folds ASCII only) and in NFC. Two accounts whose emails differ
-- only in letter case cannot be merged by a migration; an operator must rename one first.
DO $$
DECLARE
    collisions text;
BEGIN
    SELECT string_agg(normalized, ', ') INTO collisions FROM (
        SELECT normalize(lower(email COLLATE "und-x-icu"), NFC) AS normalized
        FROM users GROUP BY 1 HAVING count(*) > 1
    ) AS colliding;
    IF collisions IS NOT NULL THEN
        RAISE EXCEPTION 'accounts share an email once letter case is ignored: %; change one of each pair in psql (UPDATE users SET email = ... WHERE id = ...), then migrate again', collisions;
    END IF;
END
$$;

UPDATE users SET email = normalize(lower(email COLLATE "und-x-icu"), NFC)
WHERE email <> normalize(lower(email COLLATE "und-x-icu"), NFC);

DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_email_key ON users (email);
