-- Who is in which course, and which items each of them has completed.
ALTER TABLE courses ADD COLUMN enrol_opens_at timestamptz;
ALTER TABLE courses ADD COLUMN enrol_closes_at timestamptz;

CREATE TABLE enrollments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    status text NOT NULL CHECK (status IN ('pending', 'active', 'dropped', 'rejected', 'completed')),
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    last_activity_at timestamptz,
    UNIQUE (course_id, user_id)
);

CREATE INDEX enrollments_course_status_idx ON enrollments (course_id, status);
CREATE INDEX enrollments_user_idx ON enrollments (user_id);

CREATE TABLE item_completions (
    enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
    item_id uuid NOT NULL REFERENCES course_items (id) ON DELETE CASCADE,
    completed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enrollment_id, item_id)
);
