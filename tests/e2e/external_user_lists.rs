//! Lists of external users (`GET /api/v1/external-users`): each filter alone and
//! combined, one id or many, search, paging edges, a stable order, and unsearched totals
//! from counters kept by triggers (migration `2026-12-01-000015_external_user_counts`).

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use futures_util::future::{join3, join_all};
use reqwest::Method;
use roster_e2e::{listed, Expect, TestApp};
use serde_json::{json, Value};

pub(crate) const USERS: &str = "/api/v1/external-users";

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn list_filters_alone_and_combined() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "WhatsApp").await;
    let gold = id(&app
        .external_create(&key, "/api/v1/tiers", json!({"name": "Gold"}))
        .await);
    let silver = id(&app
        .external_create(&key, "/api/v1/tiers", json!({"name": "Silver"}))
        .await);
    let acme = id(&app
        .external_create(
            &key,
            "/api/v1/external-user-groups",
            json!({"name": "Acme"}),
        )
        .await);
    let initech = id(&app
        .external_create(
            &key,
            "/api/v1/external-user-groups",
            json!({"name": "Initech"}),
        )
        .await);
    let mut u = Vec::new();
    for body in [
        json!({"channelId": web, "name": "Ada Lovelace", "identifier": "ada@example.com", "tierId": gold, "externalUserGroupId": acme}),
        json!({"channelId": web, "name": "Bob Builder", "externalId": "crm-LOVE-2", "tierId": silver}),
        json!({"channelId": chat, "name": "Cy 50%", "identifier": "+15550100", "externalUserGroupId": initech}),
        json!({"channelId": chat, "identifier": "ADA@example.com", "tierId": gold, "externalUserGroupId": acme}),
    ] {
        u.push(app.external_create(&key, USERS, body).await);
    }
    let uid: Vec<String> = u.iter().map(id).collect();
    let ada_identity = u[0]["superIdentityId"].as_str().unwrap().to_owned();
    assert_eq!(
        u[3]["superIdentityId"],
        ada_identity.as_str(),
        "same identifier, other channel"
    );

    let q = |query: String| {
        let req = app.external(&key, Method::GET, &format!("{USERS}?{query}"));
        async move {
            let (status, total, list) = listed(req.send().await.unwrap()).await;
            assert_eq!(status, 200, "{query}: {list}");
            if !query.contains("pageSize") {
                assert_eq!(
                    total,
                    Some(list.as_array().unwrap().len() as i64),
                    "{query}"
                );
            }
            ids(&list)
        }
    };
    let pick = |is: &[usize]| is.iter().map(|i| uid[*i].clone()).collect::<Vec<_>>();
    assert_eq!(q(String::new()).await, pick(&[0, 1, 2, 3]));
    assert_eq!(q(format!("channelIds={web}")).await, pick(&[0, 1]));
    assert_eq!(
        q(format!("channelIds={chat}&channelIds={web}")).await,
        pick(&[0, 1, 2, 3])
    );
    assert_eq!(q(format!("channelIds[]={chat}")).await, pick(&[2, 3]));
    assert_eq!(q(format!("tierIds={gold}")).await, pick(&[0, 3]));
    assert_eq!(
        q(format!("tierIds={gold}&tierIds={silver}")).await,
        pick(&[0, 1, 3])
    );
    assert_eq!(
        q(format!("externalUserGroupIds={initech}")).await,
        pick(&[2])
    );
    assert_eq!(
        q(format!(
            "externalUserGroupIds={initech}&externalUserGroupIds={acme}"
        ))
        .await,
        pick(&[0, 2, 3])
    );
    assert_eq!(
        q(format!("superIdentityIds={ada_identity}")).await,
        pick(&[0, 3])
    );
    let bob_identity = u[1]["superIdentityId"].as_str().unwrap();
    assert_eq!(
        q(format!(
            "superIdentityIds={ada_identity}&superIdentityIds={bob_identity}"
        ))
        .await,
        pick(&[0, 1, 3])
    );
    assert_eq!(
        q("search=love".into()).await,
        pick(&[0, 1]),
        "name and externalId, any case"
    );
    assert_eq!(
        q("search=EXAMPLE.COM".into()).await,
        pick(&[0, 3]),
        "identifier"
    );
    assert_eq!(q("search=%2B1555".into()).await, pick(&[2]));
    // ASCII digits only (not served by words, which hold none of digits only).
    assert_eq!(q("search=5550100".into()).await, pick(&[2]));
    assert_eq!(q("search=555".into()).await, pick(&[2]));
    assert_eq!(q("search=50".into()).await, pick(&[2]));
    assert_eq!(q("search=50%25".into()).await, pick(&[2]), "% is literal");
    assert_eq!(
        q("search=_".into()).await,
        Vec::<String>::new(),
        "_ is literal"
    );
    assert_eq!(
        q(format!("channelIds={web}&tierIds={gold}")).await,
        pick(&[0])
    );
    assert_eq!(
        q(format!(
            "channelIds={chat}&externalUserGroupIds={acme}&superIdentityIds={ada_identity}"
        ))
        .await,
        pick(&[3])
    );
    assert_eq!(
        q(format!("tierIds={gold}&search=lovelace")).await,
        pick(&[0])
    );
    // A search within one word (served by the words users hold) with each filter.
    assert_eq!(q(format!("channelIds={chat}&search=love")).await, pick(&[]));
    assert_eq!(
        q(format!("externalUserGroupIds={acme}&search=AdA")).await,
        pick(&[0, 3])
    );
    assert_eq!(
        q(format!(
            "superIdentityIds={ada_identity}&channelIds={chat}&search=example"
        ))
        .await,
        pick(&[3])
    );
    assert_eq!(
        q(format!("tierIds={silver}&channelIds={web}&search=crm")).await,
        pick(&[1])
    );
    assert_eq!(
        q(format!(
            "channelIds={web}&channelIds={chat}&tierIds={gold}&search=ada&pageSize=1&pageNumber=2"
        ))
        .await,
        pick(&[3])
    );
    let (_, total, _) = listed(
        app.external(
            &key,
            Method::GET,
            &format!(
                "{USERS}?channelIds={web}&channelIds={chat}&tierIds={gold}&search=ada&pageSize=1"
            ),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(total, Some(2), "the total counts every match, not the page");
    assert_eq!(
        q(format!("channelIds={chat}&tierIds={silver}")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        q(format!("tierIds={}", uuid::Uuid::new_v4())).await,
        Vec::<String>::new()
    );

    for (query, field) in [
        ("channelIds=nope".to_owned(), "channelIds"),
        (format!("channelIds={web}&channelIds=x"), "channelIds"),
        ("externalUserGroupIds=1".to_owned(), "externalUserGroupIds"),
        ("superIdentityIds=".to_owned(), "superIdentityIds"),
        ("tierIds=gold".to_owned(), "tierIds"),
        ("search=a&search=b".to_owned(), "search"),
        (format!("search={}", "s".repeat(201)), "search"),
        // U+001F joins the searched fields; no control character can be in them.
        ("search=ada%1Flove".to_owned(), "search"),
        ("search=a%0Ab".to_owned(), "search"),
    ] {
        let body = app
            .external(&key, Method::GET, &format!("{USERS}?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
}

/// Name, identifier and external id are searched as one column joined by U+001F: a
/// search matches within one field, never across two.
#[tokio::test]
async fn search_matches_within_one_field() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let user = id(&app
        .external_create(
            &key,
            USERS,
            json!({"channelId": channel, "name": "Grace", "identifier": "hopper", "externalId": "navy-1906"}),
        )
        .await);
    let nameless = id(&app
        .external_create(
            &key,
            USERS,
            json!({"channelId": channel, "externalId": "grace-ext"}),
        )
        .await);
    let q = |search: &str| {
        let req = app.external(&key, Method::GET, &format!("{USERS}?search={search}"));
        let search = search.to_owned();
        async move {
            let (status, total, list) = listed(req.send().await.unwrap()).await;
            assert_eq!(status, 200, "{search}: {list}");
            assert_eq!(total, Some(list.as_array().unwrap().len() as i64));
            ids(&list)
        }
    };
    assert_eq!(q("GRACE").await, [user.clone(), nameless.clone()]);
    assert_eq!(q("hopper").await, vec![user.clone()]);
    assert_eq!(q("navy-19").await, vec![user.clone()]);
    assert_eq!(
        q("ext").await,
        vec![nameless.clone()],
        "a user without a name"
    );
    for across in ["acehop", "Gracehopper", "ernavy", "hoppernavy"] {
        assert_eq!(q(across).await, Vec::<String>::new(), "{across}");
    }
    // The column follows changes.
    app.external(&key, Method::PATCH, &format!("{USERS}/{user}"))
        .json(&json!({"name": "Admiral", "identifier": null}))
        .status(200)
        .await;
    assert_eq!(q("admiral").await, vec![user.clone()]);
    assert_eq!(q("hopper").await, Vec::<String>::new());
    assert_eq!(q("grace").await, vec![nameless]);
}

#[tokio::test]
async fn list_paging_edges_and_stable_order() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let mut made = Vec::new();
    for n in 0..12 {
        made.push(id(&app
            .external_create(
                &key,
                USERS,
                json!({"channelId": channel, "externalId": format!("u-{n:03}")}),
            )
            .await));
    }
    let page = |q: &str| {
        let req = app.external(&key, Method::GET, &format!("{USERS}{q}"));
        async move { listed(req.send().await.unwrap()).await }
    };
    let (status, total, list) = page("").await;
    assert_eq!((status, total), (200, Some(12)));
    assert_eq!(ids(&list), made[..10], "default page size 10, oldest first");
    let (_, _, list) = page("?pageNumber=2").await;
    assert_eq!(ids(&list), made[10..]);
    let (_, _, list) = page("?pageNumber=1&pageSize=1").await;
    assert_eq!(ids(&list), made[..1]);
    let (_, _, list) = page("?pageNumber=12&pageSize=1").await;
    assert_eq!(ids(&list), made[11..]);
    let (_, _, list) = page("?pageSize=100").await;
    assert_eq!(ids(&list), made);
    // The same query twice gives the same order.
    let (_, _, again) = page("?pageSize=100").await;
    assert_eq!(ids(&again), made);
    let (status, total, list) = page("?pageNumber=13&pageSize=1").await;
    assert_eq!((status, total, list), (200, Some(12), json!([])));
    // A searched page carries its total beside its rows; past the end it is counted alone.
    let (status, total, list) = page("?search=u-00&pageSize=4&pageNumber=2").await;
    assert_eq!((status, total), (200, Some(10)));
    assert_eq!(ids(&list), made[4..8]);
    let (status, total, list) = page("?search=u-00&pageSize=4&pageNumber=4").await;
    assert_eq!((status, total, list), (200, Some(10), json!([])));
    let (status, total, list) = page("?search=nobody&pageNumber=2").await;
    assert_eq!((status, total, list), (200, Some(0), json!([])));
    for (q, field) in [
        ("?pageNumber=0", "pageNumber"),
        ("?pageSize=0", "pageSize"),
        ("?pageSize=101", "pageSize"),
        ("?pageNumber=two", "pageNumber"),
        ("?pageSize=ten", "pageSize"),
    ] {
        let body = app
            .external(&key, Method::GET, &format!("{USERS}{q}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{q}: {body}");
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn sql_count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

async fn sql_execute(app: &TestApp, sql: &str) {
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(sql).execute(&mut conn).await.unwrap();
}

/// How many (workspace, channel, tier, group) keys, in the whole database, the counters
/// put at another number than `count(*)` of external_users (EXCEPT: NULLs compare equal).
async fn counters_disagreeing(app: &TestApp) -> i64 {
    sql_count(
        app,
        "WITH actual AS (
             SELECT workspace_id, channel_id, tier_id, external_user_group_id, count(*) AS n
               FROM external_users GROUP BY 1, 2, 3, 4),
         counted AS (
             SELECT workspace_id, channel_id, tier_id, external_user_group_id, sum(n)::bigint AS n
               FROM external_user_counts GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0)
         SELECT count(*) AS n FROM (
             (SELECT * FROM actual EXCEPT SELECT * FROM counted)
             UNION ALL
             (SELECT * FROM counted EXCEPT SELECT * FROM actual)) AS d",
    )
    .await
}

/// A workspace's API key and the catalog its users are spread over.
pub(crate) struct Catalog {
    pub(crate) workspace_id: String,
    pub(crate) key: String,
    pub(crate) channels: Vec<String>,
    pub(crate) tiers: Vec<String>,
    pub(crate) groups: Vec<String>,
}

impl Catalog {
    /// A new workspace of `admin` with two channels, two tiers and two groups.
    pub(crate) async fn new(app: &TestApp, admin: &roster_e2e::Admin) -> Self {
        let ws = app.workspace_of(admin).await;
        let key = ws.api_key;
        let mut channels = Vec::new();
        let mut tiers = Vec::new();
        let mut groups = Vec::new();
        for name in ["One", "Two"] {
            channels.push(app.channel(&key, name).await);
            tiers.push(id(&app
                .external_create(&key, "/api/v1/tiers", json!({"name": name}))
                .await));
            groups.push(id(&app
                .external_create(&key, "/api/v1/external-user-groups", json!({"name": name}))
                .await));
        }
        Self {
            workspace_id: ws.id,
            key,
            channels,
            tiers,
            groups,
        }
    }

    /// Creates a user on channel `c`, with tier `t` and group `g` when given.
    async fn user(&self, app: &TestApp, c: usize, t: Option<usize>, g: Option<usize>) -> String {
        let mut body = json!({"channelId": self.channels[c]});
        if let Some(t) = t {
            body["tierId"] = json!(self.tiers[t]);
        }
        if let Some(g) = g {
            body["externalUserGroupId"] = json!(self.groups[g]);
        }
        id(&app.external_create(&self.key, USERS, body).await)
    }

    async fn patch(&self, app: &TestApp, user: &str, body: Value) {
        app.external(&self.key, Method::PATCH, &format!("{USERS}/{user}"))
            .json(&body)
            .status(200)
            .await;
    }

    /// The list's total for `query`, read from a one-row page.
    async fn total(&self, app: &TestApp, query: &str) -> i64 {
        let req = app.external(
            &self.key,
            Method::GET,
            &format!("{USERS}?pageSize=1&{query}"),
        );
        let (status, total, list) = listed(req.send().await.unwrap()).await;
        assert_eq!(status, 200, "{query}: {list}");
        let total = total.unwrap_or_else(|| panic!("{query}: no X-Total-Count"));
        assert_eq!(
            list.as_array().unwrap().len() as i64,
            total.min(1),
            "{query}: the page"
        );
        total
    }

    /// The filters the counters serve, as (query, the same filter in SQL).
    fn counted_filters(&self) -> Vec<(String, String)> {
        let (c, t, g) = (&self.channels, &self.tiers, &self.groups);
        vec![
            (String::new(), "true".into()),
            (format!("channelIds={}", c[0]), format!("channel_id = '{}'", c[0])),
            (
                format!("channelIds={}&channelIds={}", c[0], c[1]),
                format!("channel_id IN ('{}', '{}')", c[0], c[1]),
            ),
            (format!("tierIds={}", t[0]), format!("tier_id = '{}'", t[0])),
            (format!("tierIds={}", t[1]), format!("tier_id = '{}'", t[1])),
            (
                format!("tierIds={}&tierIds={}", t[0], t[1]),
                format!("tier_id IN ('{}', '{}')", t[0], t[1]),
            ),
            (
                format!("externalUserGroupIds={}", g[0]),
                format!("external_user_group_id = '{}'", g[0]),
            ),
            (
                format!("externalUserGroupIds={}&externalUserGroupIds={}", g[0], g[1]),
                format!("external_user_group_id IN ('{}', '{}')", g[0], g[1]),
            ),
            (
                format!("channelIds={}&tierIds={}", c[1], t[0]),
                format!("channel_id = '{}' AND tier_id = '{}'", c[1], t[0]),
            ),
            (
                format!("tierIds={}&externalUserGroupIds={}", t[1], g[0]),
                format!("tier_id = '{}' AND external_user_group_id = '{}'", t[1], g[0]),
            ),
            (
                format!(
                    "channelIds={}&tierIds={}&tierIds={}&externalUserGroupIds={}",
                    c[0], t[0], t[1], g[1]
                ),
                format!(
                    "channel_id = '{}' AND tier_id IN ('{}', '{}') AND external_user_group_id = '{}'",
                    c[0], t[0], t[1], g[1]
                ),
            ),
        ]
    }

    /// For every filter the counters serve, the list's total equals `count(*)` of the
    /// workspace's matching users, and the counters agree with the users everywhere.
    /// Returns the unfiltered total.
    async fn assert_totals_exact(&self, app: &TestApp) -> i64 {
        for (query, condition) in self.counted_filters() {
            let expected = sql_count(
                app,
                &format!(
                    "SELECT count(*) AS n FROM external_users WHERE workspace_id = '{}' AND {condition}",
                    self.workspace_id
                ),
            )
            .await;
            assert_eq!(self.total(app, &query).await, expected, "filter `{query}`");
        }
        assert_eq!(counters_disagreeing(app).await, 0, "counters vs count(*)");
        self.total(app, "").await
    }
}

#[tokio::test]
async fn unsearched_totals_stay_exact_through_creates_patches_and_deletions() {
    let app = TestApp::spawn().await;
    let ws = Catalog::new(&app, &app.admin).await;
    assert_eq!(ws.assert_totals_exact(&app).await, 0);
    let mut u = Vec::new();
    for (c, t, g) in [
        (0, Some(0), Some(0)),
        (0, Some(0), Some(0)),
        (0, Some(1), None),
        (0, None, Some(1)),
        (1, Some(0), Some(1)),
        (1, None, None),
        (1, Some(1), Some(0)),
        (1, Some(1), Some(1)),
    ] {
        u.push(ws.user(&app, c, t, g).await);
    }
    assert_eq!(ws.assert_totals_exact(&app).await, 8);
    assert_eq!(ws.total(&app, &format!("tierIds={}", ws.tiers[0])).await, 3);

    // A tier and a group changed, set, cleared; a change of neither counts nothing.
    ws.patch(&app, &u[0], json!({"tierId": ws.tiers[1]})).await;
    ws.patch(&app, &u[2], json!({"externalUserGroupId": ws.groups[0]}))
        .await;
    ws.patch(
        &app,
        &u[4],
        json!({"tierId": null, "externalUserGroupId": null}),
    )
    .await;
    ws.patch(
        &app,
        &u[5],
        json!({"tierId": ws.tiers[0], "externalUserGroupId": ws.groups[1]}),
    )
    .await;
    ws.patch(&app, &u[6], json!({"name": "Renamed", "blocked": true}))
        .await;
    // The same tier again: an update that moves nobody.
    ws.patch(&app, &u[7], json!({"tierId": ws.tiers[1]})).await;
    assert_eq!(ws.assert_totals_exact(&app).await, 8);
    assert_eq!(ws.total(&app, &format!("tierIds={}", ws.tiers[0])).await, 2);
    assert_eq!(ws.total(&app, &format!("tierIds={}", ws.tiers[1])).await, 4);

    // A refused create (a tier of no workspace) counts nothing.
    app.external(&ws.key, Method::POST, USERS)
        .json(&json!({"channelId": ws.channels[0], "tierId": uuid::Uuid::new_v4()}))
        .status(404)
        .await;
    assert_eq!(ws.assert_totals_exact(&app).await, 8);

    // Deleting a tier and a group in use leaves their users without one (SET NULL, an
    // update of the users that the counters follow).
    for path in [
        format!("/api/v1/tiers/{}", ws.tiers[1]),
        format!("/api/v1/external-user-groups/{}", ws.groups[0]),
    ] {
        let res = app
            .external(&ws.key, Method::DELETE, &path)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204, "DELETE {path}");
    }
    assert_eq!(ws.assert_totals_exact(&app).await, 8);
    assert_eq!(ws.total(&app, &format!("tierIds={}", ws.tiers[1])).await, 0);
    assert_eq!(
        ws.total(&app, &format!("externalUserGroupIds={}", ws.groups[0]))
            .await,
        0
    );
    assert_eq!(
        ws.total(
            &app,
            &format!("tierIds={}&tierIds={}", ws.tiers[0], ws.tiers[1])
        )
        .await,
        2
    );
}

#[tokio::test]
async fn unsearched_totals_never_count_another_workspace() {
    let app = TestApp::spawn().await;
    let mine = Catalog::new(&app, &app.admin).await;
    let other_admin = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = Catalog::new(&app, &other_admin).await;
    // A second workspace of the same org counts apart too.
    let sibling = Catalog::new(&app, &app.admin).await;
    for _ in 0..3 {
        mine.user(&app, 0, Some(0), Some(0)).await;
    }
    for _ in 0..5 {
        theirs.user(&app, 0, Some(0), Some(0)).await;
    }
    sibling.user(&app, 1, None, Some(1)).await;
    assert_eq!(mine.assert_totals_exact(&app).await, 3);
    assert_eq!(theirs.assert_totals_exact(&app).await, 5);
    assert_eq!(sibling.assert_totals_exact(&app).await, 1);
    // Another workspace's ids as filters match nobody here.
    for query in [
        format!("channelIds={}", theirs.channels[0]),
        format!("tierIds={}", theirs.tiers[0]),
        format!("externalUserGroupIds={}", theirs.groups[0]),
        format!(
            "channelIds={}&channelIds={}",
            mine.channels[0], theirs.channels[0]
        ),
    ] {
        let expected = if query.contains(&mine.channels[0]) {
            3
        } else {
            0
        };
        assert_eq!(mine.total(&app, &query).await, expected, "{query}");
    }
}

#[tokio::test]
async fn unsearched_totals_stay_exact_under_concurrent_creates_and_moves() {
    let app = TestApp::spawn().await;
    let ws = Catalog::new(&app, &app.admin).await;
    let mut movers = Vec::new();
    for i in 0..10 {
        movers.push(ws.user(&app, i % 2, Some(0), None).await);
    }
    let before = ws.assert_totals_exact(&app).await;
    assert_eq!(before, 10);
    let creates = (0..20).map(|i| {
        let mut body = json!({"channelId": ws.channels[i % 2]});
        if i % 3 == 0 {
            body["tierId"] = json!(ws.tiers[1]);
        }
        if i % 4 == 0 {
            body["externalUserGroupId"] = json!(ws.groups[0]);
        }
        app.external(&ws.key, Method::POST, USERS)
            .json(&body)
            .send()
    });
    // Moves between the same counters at the same time, to meet the creates' locks.
    let moves = movers.iter().map(|user| {
        app.external(&ws.key, Method::PATCH, &format!("{USERS}/{user}"))
            .json(&json!({"tierId": ws.tiers[1], "externalUserGroupId": ws.groups[0]}))
            .send()
    });
    // One new user authenticating on many requests at once: created once, counted once.
    let authenticates = (0..10).map(|_| {
        app.external(&ws.key, Method::POST, &format!("{USERS}/authenticate"))
            .json(&json!({"channelId": ws.channels[0], "externalId": "crm-concurrent"}))
            .send()
    });
    let (created, moved, authenticated) =
        join3(join_all(creates), join_all(moves), join_all(authenticates)).await;
    for res in created.into_iter().chain(moved).chain(authenticated) {
        let res = res.unwrap();
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
    }
    assert_eq!(ws.assert_totals_exact(&app).await, before + 21);
    assert_eq!(ws.total(&app, &format!("tierIds={}", ws.tiers[0])).await, 0);
    assert_eq!(
        ws.total(&app, &format!("tierIds={}", ws.tiers[1])).await,
        17
    );
}

/// The counters serve exactly the unsearched filters without super identities: a counter
/// set off on purpose shows in those totals and in no other.
#[tokio::test]
async fn only_unsearched_totals_without_super_identities_are_read_from_the_counters() {
    let app = TestApp::spawn().await;
    let ws = Catalog::new(&app, &app.admin).await;
    let user = ws.user(&app, 0, Some(0), None).await;
    let (_, _, list) = listed(
        app.external(&ws.key, Method::GET, USERS)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let identity = list[0]["superIdentityId"].as_str().unwrap().to_owned();
    assert_eq!(id(&list[0]), user);
    sql_execute(
        &app,
        &format!(
            "UPDATE external_user_counts SET n = n + 1000 WHERE workspace_id = '{}'",
            ws.workspace_id
        ),
    )
    .await;
    assert_eq!(ws.total(&app, "").await, 1001);
    assert_eq!(
        ws.total(&app, &format!("channelIds={}", ws.channels[0]))
            .await,
        1001
    );
    assert_eq!(ws.total(&app, "search=nobody").await, 0);
    assert_eq!(
        ws.total(&app, &format!("superIdentityIds={identity}"))
            .await,
        1
    );
    assert_eq!(
        ws.total(
            &app,
            &format!("superIdentityIds={identity}&tierIds={}", ws.tiers[0])
        )
        .await,
        1
    );
}

/// Users updated (tier and group SET NULL) and deleted with their workspace skip the
/// counters, which go with the workspace. Today a workspace with external users cannot be
/// deleted (a channel with users cannot be), so this test's database lets users go with
/// their super identity, whose cascade comes after the tiers' and groups'.
#[tokio::test]
async fn cascades_from_a_deleted_workspace_skip_the_counters() {
    let app = TestApp::spawn().await;
    let gone = Catalog::new(&app, &app.admin).await;
    let other_admin = app.bootstrap("globex", "admin@globex.test").await;
    let kept = Catalog::new(&app, &other_admin).await;
    gone.user(&app, 0, Some(0), Some(1)).await;
    gone.user(&app, 1, None, None).await;
    kept.user(&app, 0, Some(0), None).await;
    sql_execute(
        &app,
        "ALTER TABLE external_users
             DROP CONSTRAINT external_users_channel_fkey,
             DROP CONSTRAINT external_users_super_identity_fkey,
             ADD CONSTRAINT external_users_super_identity_fkey FOREIGN KEY (workspace_id, super_identity_id)
                 REFERENCES external_super_identities (workspace_id, id) ON DELETE CASCADE",
    )
    .await;
    sql_execute(
        &app,
        &format!("DELETE FROM orgs WHERE id = '{}'", app.admin.org_id),
    )
    .await;
    let left = sql_count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM external_user_counts WHERE workspace_id = '{}'",
            gone.workspace_id
        ),
    )
    .await;
    assert_eq!(left, 0);
    assert_eq!(counters_disagreeing(&app).await, 0);
    assert_eq!(kept.assert_totals_exact(&app).await, 1);
}

/// The migration counts the external users there are already (its backfill), as it would
/// on a database that has them: here it is run again, down then up, over a few.
#[tokio::test]
async fn the_counters_migration_counts_the_users_there_already() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::spawn().await;
    let ws = Catalog::new(&app, &app.admin).await;
    for (c, t, g) in [(0, Some(0), None), (0, Some(0), None), (1, None, Some(1))] {
        ws.user(&app, c, t, g).await;
    }
    let mut conn = app.pool.get().await.unwrap();
    conn.batch_execute(&format!(
        "BEGIN; {} {} COMMIT;",
        include_str!("../../migrations/2026-12-01-000015_external_user_counts/down.sql"),
        include_str!("../../migrations/2026-12-01-000015_external_user_counts/up.sql"),
    ))
    .await
    .unwrap();
    drop(conn);
    let rows = sql_count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM external_user_counts WHERE workspace_id = '{}'",
            ws.workspace_id
        ),
    )
    .await;
    assert_eq!(rows, 2, "one row per key, in stripe 0");
    assert_eq!(ws.assert_totals_exact(&app).await, 3);
    // The triggers are back too.
    ws.user(&app, 1, Some(1), None).await;
    assert_eq!(ws.assert_totals_exact(&app).await, 4);
}

#[tokio::test]
async fn word_search_stays_in_its_workspace_and_finds_concurrent_creates() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let channel = app.channel(&key, "Website").await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let other_key = app.workspace_of(&other).await.api_key;
    let other_channel = app.channel(&other_key, "Website").await;
    app.external_create(
        &other_key,
        USERS,
        json!({"channelId": other_channel, "name": "Quixote Elsewhere", "externalId": "q-x"}),
    )
    .await;
    let creates = (0..12).map(|i| {
        let (app, key, channel) = (&app, &key, &channel);
        async move {
            id(&app
                .external_create(
                    key,
                    USERS,
                    json!({"channelId": channel, "name": format!("Quixote Number{i}"), "identifier": format!("q{i}@mancha.test")}),
                )
                .await)
        }
    });
    let mut created = join_all(creates).await;
    created.sort();
    let search = |query: &'static str| {
        let req = app.external(&key, Method::GET, &format!("{USERS}?{query}"));
        async move {
            let (status, total, list) = listed(req.send().await.unwrap()).await;
            assert_eq!(status, 200, "{query}: {list}");
            (ids(&list), total)
        }
    };
    let (mut found, total) = search("search=QUIXOTE&pageSize=100").await;
    found.sort();
    assert_eq!((found, total), (created.clone(), Some(12)));
    let (page, total) = search("search=mancha&pageSize=5&pageNumber=3").await;
    assert_eq!((page.len(), total), (2, Some(12)));
    let (page, total) = search("search=mancha&pageSize=5&pageNumber=4").await;
    assert_eq!((page.len(), total), (0, Some(12)));
    assert_eq!(search("search=elsewhere").await, (vec![], Some(0)));
}
