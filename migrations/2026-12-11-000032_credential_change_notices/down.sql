DROP TRIGGER api_tokens_notify_delete ON api_tokens;
DROP TRIGGER api_tokens_notify_update ON api_tokens;
DROP TRIGGER sessions_notify_delete ON sessions;
DROP TRIGGER sessions_notify_update ON sessions;
DROP FUNCTION credentials_notify_change();
