-- From when students may learn a quiz's results (QuizRules.resultsVisibleFrom, stored by the
-- application whenever a quiz's settings or overrides change): '-infinity' for review
-- after_submit, the close plus grace for after_close, NULL when results are never shown.
-- Progress, unlocking and course completion count a passed quiz only from then; a quiz whose
-- results are never shown counts once submitted. results_settled is false until the sweeper has
-- settled the enrolments of a quiz whose results became visible after its attempts ended.
ALTER TABLE quizzes
    ADD COLUMN results_visible_from timestamptz,
    ADD COLUMN results_settled boolean NOT NULL DEFAULT true;

-- The quizzes that exist now, computed as QuizRules.resultsVisibleFrom does.
UPDATE quizzes q SET
    results_visible_from = CASE settings->>'review'
        WHEN 'after_submit' THEN '-infinity'::timestamptz
        WHEN 'after_close' THEN
            CASE WHEN settings->>'closes_at' IS NOT NULL THEN greatest((settings->>'closes_at')::timestamptz,
                     (SELECT max(o.closes_at) FROM quiz_overrides o WHERE o.quiz_id = q.id))
            + make_interval(secs => coalesce((settings->>'grace_seconds')::int, 0)) END
    END,
    results_settled = settings->>'review' <> 'after_close';

-- Whether a quiz counts as done for a student: passed once its results may be shown, or, when
-- they never may, submitted. The one definition every progress query uses.
CREATE FUNCTION quiz_done(quiz uuid, student uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT FROM quizzes q JOIN quiz_attempts a ON a.quiz_id = q.id AND a.user_id = student
        WHERE q.id = quiz
          AND CASE WHEN q.results_visible_from IS NULL THEN a.state <> 'in_progress'
                   ELSE a.passed AND q.results_visible_from <= now() END
    )
$$;
