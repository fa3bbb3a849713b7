DROP TRIGGER users_search_words_update ON users;
DROP TRIGGER users_search_words_delete ON users;
DROP TRIGGER users_search_words_insert ON users;
DROP FUNCTION user_search_words_update();
DROP FUNCTION user_search_words_delete();
DROP FUNCTION user_search_words_insert();
DROP TABLE user_search_words;
DROP TABLE search_words;
DROP FUNCTION search_words_of(text);
