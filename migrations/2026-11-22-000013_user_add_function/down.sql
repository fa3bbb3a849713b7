DROP FUNCTION users_add_with_account(text, text, text, text, text, text, text, text, text, text, timestamptz);
