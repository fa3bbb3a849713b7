DROP TRIGGER scim_tokens_notify_delete ON scim_tokens;
DROP TRIGGER scim_tokens_notify_update ON scim_tokens;
DROP FUNCTION scim_tokens_notify_change();
