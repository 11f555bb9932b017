-- The first answer to a creating POST sent with an Idempotency-Key, per caller, for 24 hours, so
-- that a retry over a weak connection gets that answer again instead of acting twice. A row
-- without a status is a request still being processed (or one whose server died: after five
-- minutes it is taken over).
CREATE TABLE idempotency_keys (
    caller text NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint text NOT NULL,
    status integer,
    content_type text,
    location text,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
);

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
