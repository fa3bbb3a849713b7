DROP TRIGGER users_notify_delete ON users;
DROP TRIGGER users_notify_update ON users;
DROP FUNCTION users_notify_change();
