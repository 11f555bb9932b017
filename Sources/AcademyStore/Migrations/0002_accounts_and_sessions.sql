-- Accounts, sessions, signing keys, throttling of failed logins, and the security audit log.

-- No account existed before this migration (nothing could create one), so the column can be
-- required at once. The hash is a self-describing scrypt string; it never leaves the database
-- except to be verified.
ALTER TABLE users ADD COLUMN password_hash text NOT NULL;

CREATE INDEX users_role_idx ON users (role) WHERE NOT disabled;
CREATE INDEX users_display_name_idx ON users (display_name COLLATE "und-x-icu", id);

-- Keys that sign session tokens. A retired key verifies nothing: every token it signed is dead.
CREATE TABLE signing_keys (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,32}$'),
    secret bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id text NOT NULL REFERENCES signing_keys (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    client_address text,
    user_agent text CHECK (length(user_agent) <= 512)
);

CREATE INDEX sessions_user_idx ON sessions (user_id, created_at DESC);
CREATE INDEX sessions_key_idx ON sessions (key_id) WHERE revoked_at IS NULL;

-- One row per failed login, kept for the throttling window; a success clears the account's rows.
CREATE TABLE login_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_key text NOT NULL,
    client_address text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_email_idx ON login_failures (email_key, failed_at DESC);
CREATE INDEX login_failures_address_idx ON login_failures (client_address, failed_at DESC);

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    event text NOT NULL,
    actor_id uuid,
    subject_id uuid,
    subject_email text,
    request_id text,
    client_address text,
    details jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC, id DESC);
