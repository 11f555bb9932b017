-- Live sessions (a third kind of course item), their attendance, per-user calendar feeds, and
-- course announcements with what each student has read.
ALTER TABLE course_items DROP CONSTRAINT course_items_kind_check;
ALTER TABLE course_items ADD CONSTRAINT course_items_kind_check CHECK (kind IN ('lesson', 'quiz', 'live_session'));

-- Bumped by every change a calendar shows (RFC 5545 SEQUENCE), so calendar apps update the event
-- they hold under the item's UID instead of adding another.
ALTER TABLE course_items ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;

CREATE TABLE live_sessions (
    id uuid PRIMARY KEY REFERENCES course_items (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL,
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    meeting_url text NOT NULL CHECK (length(meeting_url) BETWEEN 1 AND 2000),
    -- The interpretation channel of each language that has one: {"en": "https://…", …}.
    channels jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(channels) = 'object'),
    required boolean NOT NULL DEFAULT false,
    cancelled boolean NOT NULL DEFAULT false,
    recording_url text CHECK (length(recording_url) BETWEEN 1 AND 2000)
);

CREATE INDEX live_sessions_starts_idx ON live_sessions (starts_at);

CREATE TABLE live_session_translations (
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    language text NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description_markdown text NOT NULL DEFAULT '',
    description_html text NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, language)
);

-- One row per student who attended: checked in themselves, or listed in an imported participants
-- report (minutes present), or both. Attending also records an item completion (what locks and
-- course completion read).
CREATE TABLE live_session_attendance (
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    checked_in_at timestamptz,
    minutes integer CHECK (minutes BETWEEN 0 AND 100000),
    imported_at timestamptz,
    PRIMARY KEY (session_id, user_id),
    CHECK (checked_in_at IS NOT NULL OR imported_at IS NOT NULL)
);

CREATE INDEX live_session_attendance_user_idx ON live_session_attendance (user_id);

-- The SHA-256 of a user's calendar feed secret: the secret itself is shown once, when made.
CREATE TABLE calendar_feeds (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sha256 text NOT NULL UNIQUE CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE announcements (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    pinned boolean NOT NULL DEFAULT false,
    -- Students see an announcement from this moment on (a scheduled one is in the future).
    publish_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX announcements_course_idx ON announcements (course_id, publish_at DESC, id);

CREATE TABLE announcement_translations (
    announcement_id uuid NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    language text NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body_markdown text NOT NULL,
    body_html text NOT NULL,
    PRIMARY KEY (announcement_id, language)
);

CREATE TABLE announcement_reads (
    announcement_id uuid NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, announcement_id)
);
