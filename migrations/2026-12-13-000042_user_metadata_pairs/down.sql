DROP TRIGGER users_metadata_pairs_delete ON users;
DROP TRIGGER users_metadata_pairs_update ON users;
DROP TRIGGER users_metadata_pairs_insert ON users;
DROP FUNCTION user_metadata_pairs_sync();
DROP TABLE user_metadata_pairs;
