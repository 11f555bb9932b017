-- quiz_attempts_user_idx indexes (quiz_id, user_id, number), the very columns and order of the
-- UNIQUE constraint's own index: every quiz start wrote both. The unique index serves every
-- lookup the other did.
DROP INDEX quiz_attempts_user_idx;
