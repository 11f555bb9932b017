-- Certificates of completion, signed with Ed25519 so that anyone can verify them offline.
CREATE TABLE certificate_keys (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,32}$'),
    private_key bytea NOT NULL CHECK (length(private_key) = 32),
    public_key bytea NOT NULL CHECK (length(public_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE certificate_serial_seq;

CREATE TABLE certificates (
    id uuid PRIMARY KEY,
    -- One certificate per enrolment, whatever races to issue it.
    enrollment_id uuid NOT NULL UNIQUE REFERENCES enrollments (id),
    user_id uuid NOT NULL REFERENCES users (id),
    course_id uuid NOT NULL REFERENCES courses (id),
    serial text NOT NULL UNIQUE,
    payload text NOT NULL,
    signature text NOT NULL,
    key_id text NOT NULL REFERENCES certificate_keys (id),
    issued_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    revoked_reason text
);

CREATE INDEX certificates_user_idx ON certificates (user_id, issued_at DESC);
