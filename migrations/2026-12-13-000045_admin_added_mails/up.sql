-- The ownership rule of an administrator's add written once, in the database, for both
-- paths that add users (roster_identity::ownership::after_admin_add and
-- users_create_by_email): which accounts are reclaimed, and which mail the others get.

-- An account a sign-up left unverified with a password: an administrator's add reclaims
-- it (its password, sessions, tokens and links revoked) instead of handing it over.
CREATE FUNCTION account_to_reclaim(a accounts) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT a.email_verified AND a.password_hash IS NOT NULL
$$;

-- The mail queued for each user an administrator added whose account is not reclaimed:
-- a notice for a verified account, else a link to set a password. The texts come from
-- Rust (roster_identity::ownership::added_mails), `p_org_slot` standing for the org's name.
CREATE FUNCTION admin_added_mails(
    p_mail_ids text[], p_org_ids text[], p_account_ids text[], p_ats timestamptz[],
    p_org_slot text, p_notice_subject text, p_notice_body text,
    p_invite_subject text, p_invite_body text, p_invite_purpose text
) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO mail_outbox (id, recipient, subject, body, link_purpose, link_account_id,
                             created_at, next_attempt_at)
    SELECT m.mail_id, a.email,
           replace(CASE WHEN a.email_verified THEN p_notice_subject ELSE p_invite_subject END,
                   p_org_slot, o.name),
           replace(CASE WHEN a.email_verified THEN p_notice_body ELSE p_invite_body END,
                   p_org_slot, o.name),
           CASE WHEN a.email_verified THEN NULL ELSE p_invite_purpose END,
           CASE WHEN a.email_verified THEN NULL ELSE a.id END,
           m.at, m.at
      FROM unnest(p_mail_ids, p_org_ids, p_account_ids, p_ats)
           AS m(mail_id, org_id, account_id, at)
      JOIN accounts a ON a.id = m.account_id
      JOIN orgs o ON o.id = m.org_id
$$;

-- Users added by email, with everything their create writes, all or nothing. The events
-- (`p_event_org_ids` to `p_event_data`, events_emit's columns: one per user, in
-- the users' order) and the idempotency answers (`p_tenants`
-- to `p_answers`, NULL for a create without a key) were made in Rust from each user as it
-- is added when its account is the new one proposed (`p_account_ids`): a user added to an
-- account that existed gets its event's `account_id` set here, and no answer stored (the
-- caller stores it after). An account that a sign-up left unverified with a password is
-- reclaimed by the caller's transactional path (roster_identity::ownership): met here, the
-- statement fails with the message `roster: an account to reclaim` and adds no one.
-- The mail: admin_added_mails.
CREATE OR REPLACE FUNCTION users_create_by_email(
    p_org_ids text[], p_user_ids text[], p_account_ids text[], p_emails text[],
    p_email_keys text[], p_names text[], p_given_names text[], p_family_names text[],
    p_job_position_names text[], p_job_position_descriptions text[], p_roles text[],
    p_ats timestamptz[], p_metadata jsonb[],
    p_event_org_ids text[], p_event_ids text[], p_event_types text[], p_event_ats timestamptz[],
    p_actor_types text[], p_actor_ids text[], p_target_types text[], p_target_ids text[],
    p_request_ids text[], p_event_data jsonb[],
    p_mail_ids text[], p_org_slot text, p_notice_subject text, p_notice_body text,
    p_invite_subject text, p_invite_body text, p_invite_purpose text,
    p_tenants text[], p_credentials bytea[], p_keys text[], p_answers bytea[]
) RETURNS TABLE (out_user_id text, out_account_id text, out_answered boolean,
                 out_deliveries bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_found text[];
    v_deliveries bigint;
BEGIN
    SELECT array_agg(a.added_account_id ORDER BY i.n) INTO v_found
      FROM users_add_many_with_accounts(p_org_ids, p_user_ids, p_account_ids, p_emails,
               p_email_keys, p_names, p_given_names, p_family_names, p_job_position_names,
               p_job_position_descriptions, p_roles, p_ats, p_metadata) a
      JOIN unnest(p_user_ids) WITH ORDINALITY AS i(user_id, n) ON i.user_id = a.added_user_id;
    IF coalesce(array_length(v_found, 1), 0) <> array_length(p_user_ids, 1) THEN
        RAISE EXCEPTION 'roster: users_add_many_with_accounts left a user out';
    END IF;
    IF EXISTS (SELECT 1 FROM accounts a WHERE a.id = ANY (v_found)
                AND account_to_reclaim(a)) THEN
        RAISE EXCEPTION 'roster: an account to reclaim';
    END IF;
    PERFORM admin_added_mails(p_mail_ids, p_org_ids, v_found, p_ats, p_org_slot,
        p_notice_subject, p_notice_body, p_invite_subject, p_invite_body, p_invite_purpose);
    v_deliveries := events_emit(p_event_org_ids, p_event_ids, p_event_types, p_event_ats,
        p_actor_types, p_actor_ids, p_target_types, p_target_ids, p_request_ids,
        ARRAY(SELECT CASE WHEN x.found = x.proposed THEN x.data
                          ELSE jsonb_set(x.data, '{account_id}', to_jsonb(x.found)) END
                FROM unnest(p_event_data, p_account_ids, v_found) WITH ORDINALITY
                     AS x(data, proposed, found, n)
               ORDER BY x.n),
        NULL);
    UPDATE idempotency_keys k SET answer = x.answer
      FROM unnest(p_tenants, p_credentials, p_keys, p_answers, p_account_ids, v_found)
           AS x(tenant, credential, key, answer, proposed, found)
     WHERE x.answer IS NOT NULL AND x.found = x.proposed
       AND k.tenant = x.tenant AND k.credential = x.credential AND k.key = x.key;
    RETURN QUERY
    SELECT u.user_id, u.found, u.answer IS NOT NULL AND u.found = u.proposed, v_deliveries
      FROM unnest(p_user_ids, v_found, p_account_ids, p_answers)
           AS u(user_id, found, proposed, answer);
END
$$;
