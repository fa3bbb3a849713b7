DROP TRIGGER users_count_update ON users;
DROP TRIGGER users_count_delete ON users;
DROP TRIGGER users_count_insert ON users;
DROP FUNCTION user_counts_apply();
DROP TABLE user_counts;
