-- The trigram indexes that every create writes keep GIN's fast update (a pending list of
-- new entries, merged into the index later), but a small one: 64 kB instead of the 4 MB
-- default (`gin_pending_list_limit`). The insert that fills the list merges it while the
-- caller waits, and a create batch waits with it; 4 MB (~6,000 users' trigrams) made that
-- merge hundreds of milliseconds, the p99 of `cargo xtask bench`'s creates 66 to 306 ms.
-- At 64 kB the merges are small and frequent: p99 14 to 16 ms at the same rate, and every
-- trigram search scans a shorter pending list. Turning fast update off made creates a
-- third slower (docs/performance.md).
ALTER INDEX users_search_trgm_idx SET (gin_pending_list_limit = 64);
ALTER INDEX external_users_search_trgm_idx SET (gin_pending_list_limit = 64);
ALTER INDEX search_words_trgm_idx SET (gin_pending_list_limit = 64);
