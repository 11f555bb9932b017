-- quiz_done (0011) was called once per quiz on every lesson read and quiz start, and PostgreSQL
-- planned its body again on each call instead of inlining it (2 ms for two quizzes): the
-- condition is now written out in the queries (EnrollmentRepository.quizDone).
DROP FUNCTION quiz_done(uuid, uuid);
