DROP TRIGGER external_users_search_words_update ON external_users;
DROP TRIGGER external_users_search_words_delete ON external_users;
DROP TRIGGER external_users_search_words_insert ON external_users;
DROP FUNCTION external_user_search_words_update();
DROP FUNCTION external_user_search_words_delete();
DROP FUNCTION external_user_search_words_insert();
DROP TABLE external_user_search_words;
