DROP FUNCTION users_add_many_with_accounts(text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], timestamptz[]);
