-- Every instance keeps recently verified sessions in memory (SessionCache). Whatever can end a
-- session or change what it resolves to (revocation, expiry, deletion; a user's role, locale or
-- disabling; a signing key's retirement) announces itself on the `academy_sessions` channel, from
-- the database itself, so no writer (the API, the CLI, an operator's psql) can forget to.
-- NOTIFY is delivered when the transaction commits, and not at all when it rolls back.
CREATE FUNCTION academy_notify_session_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('academy_sessions', 'session:' || OLD.id);
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('academy_sessions', 'user:' || OLD.id);
    ELSE
        PERFORM pg_notify('academy_sessions', 'all');
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER sessions_changed
    AFTER UPDATE OF revoked_at, expires_at, user_id, key_id OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION academy_notify_session_change();

CREATE TRIGGER users_changed
    AFTER UPDATE OF role, locale, disabled OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION academy_notify_session_change();

CREATE TRIGGER signing_keys_changed
    AFTER UPDATE OF retired_at OR DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION academy_notify_session_change();
