-- Courses, their modules and lessons, each with translations, and course instructors.

-- The text-search configuration of each academy language; Urdu and Malay have no stemmer in
-- PostgreSQL and use `simple`. IMMUTABLE so that it can feed a generated column and an index.
CREATE FUNCTION academy_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE language
        WHEN 'ar' THEN 'arabic'::regconfig
        WHEN 'en' THEN 'english'::regconfig
        WHEN 'fr' THEN 'french'::regconfig
        WHEN 'es' THEN 'spanish'::regconfig
        WHEN 'tr' THEN 'turkish'::regconfig
        WHEN 'pt' THEN 'portuguese'::regconfig
        ELSE 'simple'::regconfig
    END
$$;

CREATE TABLE courses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) BETWEEN 3 AND 80),
    default_language text NOT NULL,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    enrollment_mode text NOT NULL DEFAULT 'open' CHECK (enrollment_mode IN ('open', 'key', 'approval', 'closed')),
    enrollment_key_hash text,
    capacity integer CHECK (capacity > 0),
    starts_at timestamptz,
    ends_at timestamptz CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX courses_published_idx ON courses (published_at DESC, id) WHERE status = 'published';

CREATE TABLE course_translations (
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    language text NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary text NOT NULL DEFAULT '',
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(academy_search_config(language), title), 'A')
        || setweight(to_tsvector(academy_search_config(language), summary), 'B')
    ) STORED,
    PRIMARY KEY (course_id, language)
);

CREATE INDEX course_translations_search_idx ON course_translations USING gin (search);

CREATE TABLE course_instructors (
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (course_id, user_id)
);

CREATE INDEX course_instructors_user_idx ON course_instructors (user_id);

CREATE TABLE course_modules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT course_modules_position_key UNIQUE (course_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE module_translations (
    module_id uuid NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    language text NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    PRIMARY KEY (module_id, language)
);

-- The ordered items of a module: lessons now, quizzes later, in one sequence of positions.
CREATE TABLE course_items (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    module_id uuid NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('lesson', 'quiz')),
    position integer NOT NULL CHECK (position >= 1),
    release_at timestamptz,
    requires_previous boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT course_items_position_key UNIQUE (module_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX course_items_course_idx ON course_items (course_id);

CREATE TABLE lesson_translations (
    lesson_id uuid NOT NULL REFERENCES course_items (id) ON DELETE CASCADE,
    language text NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body_markdown text NOT NULL,
    body_html text NOT NULL,
    PRIMARY KEY (lesson_id, language)
);
