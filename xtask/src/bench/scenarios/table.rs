//! The table of scenarios: one row each (the SQL and Lua pieces they share are in `sql`
//! and `lua`).

use super::lua::{
    create_user_lua, idempotent_create_lua, lua_channels, lua_family, lua_scim, lua_seeded_email,
    lua_session_get,
};
use super::sql::{of_u, pgbench_family_vars, sql_family, EXTERNAL_USER_COLUMNS, USER_COLUMNS};
use super::{Dataset, Pgbench, Scenario, Target, PAGE_SIZE, PLANS, SLACK_TEAM};

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "get-user",
        number: "1",
        title: "GET /api/v1/app/user/{random id}",
        needs: &[Dataset::AppUsers],
        wrk: |_| {
            r#"
function request()
  return wrk.format("GET", string.format("/api/v1/app/user/user_%016x", math.random(1, ROWS)))
end
"#
            .into()
        },
        pgbench: Some(Pgbench {
            sql: |_| {
                format!(
                    "\\set g random(1, :rows)\n\
                     SELECT {USER_COLUMNS} FROM users WHERE org_id = :org AND id = 'user_' || lpad(to_hex(CAST(:g AS bigint)), 16, '0');\n"
                )
            },
        }),
        target: Target::PgbenchRatio(0.5),
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "list-users",
        number: "2",
        title: "GET /api/v1/app/user?page=1&page_size=20",
        needs: &[Dataset::AppUsers],
        wrk: |_| "wrk.path = \"/api/v1/app/user?page=1&page_size=20\"\n".into(),
        pgbench: Some(Pgbench {
            sql: |_| {
                // users::list (`unsearched_page`): the first page, each row with the sum of
                // the org's counters.
                format!(
                    "SELECT {USER_COLUMNS}, (SELECT sum(n) FROM user_counts WHERE org_id = :org LIMIT 1), false \
                     FROM users WHERE org_id = :org ORDER BY created_at, id LIMIT 21;\n"
                )
            },
        }),
        target: Target::P50Ms(5.0),
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "search-users",
        number: "3",
        title: "GET /api/v1/app/user?page=1&page_size=20&search={a random family name}",
        needs: &[Dataset::AppUsers],
        wrk: |_| {
            lua_family()
                + r#"
function request()
  return wrk.format("GET", "/api/v1/app/user?page=1&page_size=20&search=" .. family())
end
"#
        },
        pgbench: Some(Pgbench {
            sql: |_| {
                // users::list, searched within one word: `user_words::page`.
                format!(
                    "{}WITH w AS MATERIALIZED (SELECT ARRAY(SELECT w.word FROM search_words w \
                     WHERE w.word LIKE (SELECT '%' || lower({}) || '%')) AS words) \
                     SELECT {}, (SELECT CASE WHEN cardinality(w.words) = 1 \
                     THEN (SELECT count(*) FROM user_search_words c WHERE c.org_id = :org AND c.word = w.words[1]) \
                     ELSE (SELECT count(*) FROM (SELECT DISTINCT c.created_at, c.user_id FROM user_search_words c \
                     WHERE c.org_id = :org AND c.word = ANY (w.words)) d) END FROM w) AS total \
                     FROM (SELECT DISTINCT x.created_at, x.user_id FROM w, unnest(w.words) AS wd(word), \
                     LATERAL (SELECT p.created_at, p.user_id FROM user_search_words p \
                     WHERE p.org_id = :org AND p.word = wd.word ORDER BY p.created_at, p.user_id LIMIT 21) x \
                     ORDER BY x.created_at, x.user_id LIMIT 21) page \
                     JOIN users u ON u.org_id = :org AND u.id = page.user_id \
                     ORDER BY page.created_at, page.user_id;\n",
                    pgbench_family_vars(),
                    sql_family(),
                    of_u(USER_COLUMNS)
                )
            },
        }),
        target: Target::P50Ms(20.0),
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "deep-offset",
        number: "4",
        title: "GET /api/v1/app/user?page={deep}&page_size=20",
        needs: &[Dataset::AppUsers],
        wrk: |f| {
            format!(
                "wrk.path = \"/api/v1/app/user?page={}&page_size={PAGE_SIZE}\"\n",
                f.deep_page
            )
        },
        pgbench: None,
        target: Target::None,
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "deep-cursor",
        number: "4",
        title: "GET /api/v1/app/user?after={cursor at the same depth}&first=20",
        needs: &[Dataset::AppUsers],
        wrk: |f| {
            if f.deep_cursor.is_empty() {
                format!("wrk.path = \"/api/v1/app/user?first={PAGE_SIZE}\"\n")
            } else {
                format!(
                    "wrk.path = \"/api/v1/app/user?after={}&first={PAGE_SIZE}\"\n",
                    f.deep_cursor
                )
            }
        },
        pgbench: None,
        target: Target::P50Ms(5.0),
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "external-list",
        number: "5",
        title: "GET /api/v1/external-users?pageSize=20&channelIds={2 of 10}&search={a family name}",
        needs: &[Dataset::ExternalUsers],
        wrk: |f| {
            lua_channels(f)
                + &lua_family()
                + r#"
wrk.headers["Authorization"] = API_KEY
function request()
  local a = math.random(#CHANNELS)
  local b = 1 + (a + math.random(#CHANNELS - 1) - 1) % #CHANNELS
  return wrk.format("GET", "/api/v1/external-users?pageSize=20&channelIds=" .. CHANNELS[a]
    .. "&channelIds=" .. CHANNELS[b] .. "&search=" .. family())
end
"#
        },
        pgbench: Some(Pgbench {
            sql: |f| {
                // external users::list, searched within one word: `user_words::page`.
                let channels = f
                    .channel_ids
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "{vars}\\set a random(1, {n})\n\
                     \\set b 1 + (:a + random(1, {n} - 1) - 1) % {n}\n\
                     WITH m AS MATERIALIZED (SELECT DISTINCT p.created_at, p.user_id \
                     FROM external_user_search_words p WHERE p.workspace_id = :workspace \
                     AND p.word = ANY (ARRAY(SELECT w.word FROM search_words w \
                     WHERE w.word LIKE (SELECT '%' || lower({family}) || '%'))) \
                     AND p.channel_id = ANY ((SELECT ARRAY[(ARRAY[{channels}]::uuid[])[:a], (ARRAY[{channels}]::uuid[])[:b]])::uuid[])) \
                     SELECT {columns}, (SELECT count(*) FROM m) AS total FROM (SELECT created_at, user_id \
                     FROM m ORDER BY created_at, user_id LIMIT 20) page \
                     JOIN external_users u ON u.workspace_id = :workspace AND u.id = page.user_id \
                     ORDER BY page.created_at, page.user_id;\n",
                    vars = pgbench_family_vars(),
                    n = f.channel_ids.len(),
                    family = sql_family(),
                    columns = of_u(EXTERNAL_USER_COLUMNS),
                )
            },
        }),
        target: Target::P50Ms(20.0),
        expect: "\"channelId\":\"c0000000-",
        webhook: false,
    },
    Scenario {
        name: "create-user",
        number: "6",
        title: "POST /api/v1/app/user (unique emails)",
        needs: &[Dataset::AppUsers],
        wrk: create_user_lua,
        pgbench: None,
        target: Target::RateAtLeast(3000.0),
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "create-user-with-webhook",
        number: "6w",
        title: "POST /api/v1/app/user (unique emails), one endpoint subscribed to user.created",
        needs: &[Dataset::AppUsers],
        wrk: create_user_lua,
        pgbench: None,
        target: Target::RateAtLeast(3000.0),
        expect: "\"id\":\"user_",
        webhook: true,
    },
    Scenario {
        name: "idempotent-create",
        number: "6i",
        title: "POST /api/v1/app/user (unique emails), each with an Idempotency-Key of its own",
        needs: &[Dataset::AppUsers],
        wrk: idempotent_create_lua,
        pgbench: None,
        target: Target::RateOf {
            of: "create-user",
            min: 0.85,
        },
        expect: "\"id\":\"user_",
        webhook: false,
    },
    Scenario {
        name: "external-authenticate",
        number: "7",
        title: "POST /api/v1/external-users/authenticate (an existing user by channelId and externalId)",
        needs: &[Dataset::ExternalUsers],
        wrk: |f| {
            lua_channels(f)
                + r#"
wrk.method = "POST"
wrk.headers["Authorization"] = API_KEY
wrk.headers["Content-Type"] = "application/json"
function request()
  local g = math.random(1, ROWS)
  local body = string.format('{"channelId":"%s","externalId":"ext-%d"}', CHANNELS[1 + (math.floor(g / 4000) + g) % #CHANNELS], g)
  return wrk.format("POST", "/api/v1/external-users/authenticate", nil, body)
end
"#
        },
        pgbench: None,
        target: Target::None,
        expect: "\"accessToken\":\"",
        webhook: false,
    },
    Scenario {
        name: "slack-link-status",
        number: "8",
        title: "GET /work-apps/slack/users/link-status (a linked Slack user)",
        needs: &[Dataset::AppUsers, Dataset::SlackLinks],
        wrk: |f| {
            format!(
                r#"
LINKS = {}
function request()
  return wrk.format("GET", string.format("/work-apps/slack/users/link-status?tenantId={}&slackTeamId={SLACK_TEAM}&slackUserId=U%010X", math.random(1, LINKS)))
end
"#,
                f.slack_links.max(1),
                f.org_slug
            )
        },
        pgbench: None,
        target: Target::None,
        expect: "\"linked\":true",
        webhook: false,
    },
    Scenario {
        name: "scim-filter-username",
        number: "22",
        title: "GET /scim/v2/Users?filter=userName eq \"{a random seeded user's email}\"",
        needs: &[Dataset::AppUsers],
        wrk: |f| {
            lua_scim(f)
                + &lua_seeded_email()
                + r#"
function request()
  return wrk.format("GET", "/scim/v2/Users?filter=userName%20eq%20%22" .. seeded_email(math.random(1, ROWS)) .. "%22")
end
"#
        },
        pgbench: None,
        target: Target::P50Ms(5.0),
        expect: "\"totalResults\":1",
        webhook: false,
    },
    Scenario {
        name: "scim-list",
        number: "22",
        title: "GET /scim/v2/Users?startIndex=1&count=100 (with totalResults)",
        needs: &[Dataset::AppUsers],
        wrk: |f| lua_scim(f) + "wrk.path = \"/scim/v2/Users?startIndex=1&count=100\"\n",
        pgbench: None,
        target: Target::P50Ms(15.0),
        expect: "\"itemsPerPage\":100",
        webhook: false,
    },
    Scenario {
        name: "console-users",
        number: "24",
        title: "GET /console/users (the admin console's Users page, signed in by cookie)",
        needs: &[Dataset::AppUsers],
        // The page reads what the list API's cursor pages read, then renders HTML.
        wrk: |_| lua_session_get("/console/users"),
        pgbench: None,
        target: Target::P50Ms(10.0),
        expect: "<strong id=\"total\">",
        webhook: false,
    },
    Scenario {
        name: "get-session",
        number: "21",
        title: "GET /api/auth/get-session (signed in by cookie)",
        needs: &[Dataset::AppUsers],
        // The session from the credential cache, then the account: one query.
        wrk: |_| lua_session_get("/api/auth/get-session"),
        pgbench: None,
        target: Target::RateOf {
            of: "get-user",
            min: 1.0,
        },
        expect: "\"session\":{",
        webhook: false,
    },
    Scenario {
        name: "list-by-metadata",
        number: "21",
        title: "GET /api/v1/app/user?page=1&page_size=20&metadata[plan]={a plan on 0.1% of the users}",
        needs: &[Dataset::AppUsers],
        wrk: |_| {
            format!(
                r#"
function request()
  return wrk.format("GET", "/api/v1/app/user?page=1&page_size=20&metadata%5Bplan%5D=plan-" .. math.random(0, {}))
end
"#,
                PLANS - 1
            )
        },
        pgbench: Some(Pgbench {
            sql: |_| {
                // users::list with metadata alone (`metadata_page::page`): the pair's
                // users counted and paged on the pairs' index, the page's users read.
                format!(
                    "\\set p random(0, {})\n\
                     SELECT {}, (SELECT count(*) FROM (SELECT c.created_at, c.user_id \
                     FROM user_metadata_pairs c WHERE c.org_id = :org AND c.key = 'plan' \
                     AND c.value = 'plan-' || :p) c) AS total \
                     FROM (SELECT p.created_at, p.user_id FROM user_metadata_pairs p \
                     WHERE p.org_id = :org AND p.key = 'plan' AND p.value = 'plan-' || :p \
                     ORDER BY p.created_at, p.user_id LIMIT 21) page \
                     JOIN users u ON u.org_id = :org AND u.id = page.user_id \
                     ORDER BY page.created_at, page.user_id;\n",
                    PLANS - 1,
                    of_u(USER_COLUMNS)
                )
            },
        }),
        target: Target::P50Ms(20.0),
        expect: "\"id\":\"user_",
        webhook: false,
    },
];
