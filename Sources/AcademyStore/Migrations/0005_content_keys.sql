-- Stable keys for modules and items, so that a course imported again from its folder updates the
-- same rows (and keeps whatever students did with them) instead of creating new ones.
ALTER TABLE course_modules ADD COLUMN key text CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(key) <= 80);
ALTER TABLE course_items ADD COLUMN key text CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(key) <= 80);
CREATE UNIQUE INDEX course_modules_key_idx ON course_modules (course_id, key) WHERE key IS NOT NULL;
CREATE UNIQUE INDEX course_items_key_idx ON course_items (course_id, key) WHERE key IS NOT NULL;
