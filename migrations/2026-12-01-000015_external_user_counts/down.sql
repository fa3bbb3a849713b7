DROP TRIGGER external_users_count_update ON external_users;
DROP TRIGGER external_users_count_delete ON external_users;
DROP TRIGGER external_users_count_insert ON external_users;
DROP FUNCTION external_user_counts_apply();
DROP TABLE external_user_counts;
