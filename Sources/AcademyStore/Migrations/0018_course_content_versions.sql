-- Every instance keeps the lessons it has read in memory (LessonCache), each with the version of
-- its course's content it was read at. A lesson read asks only for the current version with the
-- caller's standing, and takes the kept lesson when the versions match. Whatever a kept lesson
-- holds (its row and texts, its files, its course's row and titles, the course's schedule of
-- modules and items) bumps the version, from the database itself, so no writer (the API, the
-- CLI, an import, an operator's psql) can forget to, and every instance sees the change with the
-- transaction that made it.
ALTER TABLE courses ADD COLUMN content_version bigint NOT NULL DEFAULT 0;

-- A change to the course row itself, unless it is the bump below.
CREATE FUNCTION academy_course_row_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.content_version = OLD.content_version THEN
        NEW.content_version := OLD.content_version + 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER courses_changed
    BEFORE UPDATE ON courses
    FOR EACH ROW EXECUTE FUNCTION academy_course_row_changed();

-- A change to what belongs to a course. Deferred to the commit: the course row is then locked
-- for a moment at the end of the transaction, not from its first edit on (enrolments lock it
-- too), and a transaction that already bumped its course (the row's xmin is its own) does not
-- bump it again for each of an import's hundreds of rows.
CREATE FUNCTION academy_course_content_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed uuid[];
BEGIN
    IF TG_TABLE_NAME IN ('lesson_translations', 'lesson_attachments') THEN
        -- When the lesson itself is deleted, its item's own trigger bumps the course.
        SELECT array_agg(i.course_id) INTO changed FROM course_items i
        WHERE i.id = CASE TG_OP WHEN 'DELETE' THEN OLD.lesson_id ELSE NEW.lesson_id END;
    ELSIF TG_OP = 'INSERT' THEN
        changed := ARRAY[NEW.course_id];
    ELSIF TG_OP = 'DELETE' THEN
        changed := ARRAY[OLD.course_id];
    ELSE
        changed := ARRAY[OLD.course_id, NEW.course_id];
    END IF;
    UPDATE courses SET content_version = content_version + 1
    WHERE id = ANY (changed) AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER course_modules_changed
    AFTER INSERT OR UPDATE OR DELETE ON course_modules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION academy_course_content_changed();

CREATE CONSTRAINT TRIGGER course_items_changed
    AFTER INSERT OR UPDATE OR DELETE ON course_items DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION academy_course_content_changed();

CREATE CONSTRAINT TRIGGER course_translations_changed
    AFTER INSERT OR UPDATE OR DELETE ON course_translations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION academy_course_content_changed();

CREATE CONSTRAINT TRIGGER lesson_translations_changed
    AFTER INSERT OR UPDATE OR DELETE ON lesson_translations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION academy_course_content_changed();

CREATE CONSTRAINT TRIGGER lesson_attachments_changed
    AFTER INSERT OR UPDATE OR DELETE ON lesson_attachments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION academy_course_content_changed();
