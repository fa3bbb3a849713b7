ALTER INDEX users_search_trgm_idx RESET (gin_pending_list_limit);
ALTER INDEX external_users_search_trgm_idx RESET (gin_pending_list_limit);
ALTER INDEX search_words_trgm_idx RESET (gin_pending_list_limit);
