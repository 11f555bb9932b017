-- Quizzes (course items of kind 'quiz'), their content in versions (an attempt keeps the version
-- it started with), attempts with their fixed question order and deadline, answers saved one by
-- one, and per-student overrides.
CREATE TABLE quizzes (
    id uuid PRIMARY KEY REFERENCES course_items (id) ON DELETE CASCADE,
    settings jsonb NOT NULL,
    current_version integer NOT NULL DEFAULT 1
);

CREATE TABLE quiz_versions (
    quiz_id uuid NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    version integer NOT NULL,
    content jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (quiz_id, version)
);

CREATE TABLE quiz_attempts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    quiz_id uuid NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    number integer NOT NULL,
    version integer NOT NULL,
    plan jsonb NOT NULL,
    state text NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'submitted', 'expired_submitted')),
    started_at timestamptz NOT NULL DEFAULT now(),
    deadline timestamptz,
    grace_seconds integer NOT NULL DEFAULT 0,
    submitted_at timestamptz,
    score double precision,
    max_score double precision,
    percent double precision,
    passed boolean,
    results jsonb,
    UNIQUE (quiz_id, user_id, number)
);

CREATE INDEX quiz_attempts_user_idx ON quiz_attempts (quiz_id, user_id, number);
CREATE INDEX quiz_attempts_open_idx ON quiz_attempts (deadline) WHERE state = 'in_progress';

CREATE TABLE attempt_answers (
    attempt_id uuid NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    question_id text NOT NULL,
    response jsonb NOT NULL,
    seq bigint NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, question_id)
);

CREATE TABLE quiz_overrides (
    quiz_id uuid NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    time_limit_seconds integer CHECK (time_limit_seconds > 0),
    max_attempts integer CHECK (max_attempts > 0),
    closes_at timestamptz,
    PRIMARY KEY (quiz_id, user_id)
);
