-- Files attached to lessons. The bytes live on disk under ACADEMY_DATA_DIR/blobs, named by their
-- SHA-256, so the same file attached twice is stored once; a blob row is the proof that its file
-- was written and synced before any attachment referred to it.
CREATE TABLE blobs (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lesson_attachments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lesson_id uuid NOT NULL REFERENCES course_items (id) ON DELETE CASCADE,
    sha256 text NOT NULL REFERENCES blobs (sha256),
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX lesson_attachments_lesson_idx ON lesson_attachments (lesson_id, created_at);
CREATE INDEX lesson_attachments_blob_idx ON lesson_attachments (sha256);
