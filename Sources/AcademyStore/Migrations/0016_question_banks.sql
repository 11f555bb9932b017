-- Course question banks: nested categories (a path such as 'Grammar/Verbs'; '' is the bank's
-- top, never stored) and questions, each a quiz question (jsonb, as quiz content holds them)
-- with its category, Moodle's question name and a version that grows with every edit. A quiz
-- that takes bank questions keeps them in its own versioned content, so that an attempt never
-- sees a later edit; the application makes a new quiz version whenever the bank changes under it.
CREATE TABLE question_categories (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    path text NOT NULL CHECK (path <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (course_id, path)
);

CREATE TABLE bank_questions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    -- The bank's order: imports keep their file's.
    seq bigint GENERATED ALWAYS AS IDENTITY,
    category text NOT NULL DEFAULT '',
    name text,
    question jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX bank_questions_category_idx ON bank_questions (course_id, category, seq);
