//! Unsearched totals of external-user lists, read from counters kept by triggers
//! (migration `2026-12-01-000015_external_user_counts`): exact through every kind of change,
//! concurrency and cascade, and never counting another workspace.

use futures_util::future::{join3, join_all};
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{counters_disagreeing, Catalog};
use crate::external::{id, USERS};

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
        app.external(&ws.key, Method::DELETE, &path)
            .no_content()
            .await;
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
            .status(200)
    });
    // Moves between the same counters at the same time, to meet the creates' locks.
    let moves = movers.iter().map(|user| {
        app.external(&ws.key, Method::PATCH, &format!("{USERS}/{user}"))
            .json(&json!({"tierId": ws.tiers[1], "externalUserGroupId": ws.groups[0]}))
            .status(200)
    });
    // One new user authenticating on many requests at once: created once, counted once.
    let authenticates = (0..10).map(|_| {
        app.external(&ws.key, Method::POST, &format!("{USERS}/authenticate"))
            .json(&json!({"channelId": ws.channels[0], "externalId": "crm-concurrent"}))
            .status(200)
    });
    join3(join_all(creates), join_all(moves), join_all(authenticates)).await;
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
    let (_, list) = app.external(&ws.key, Method::GET, USERS).listed().await;
    let identity = list[0]["superIdentityId"].as_str().unwrap().to_owned();
    assert_eq!(id(&list[0]), user);
    app.sql(&format!(
        "UPDATE external_user_counts SET n = n + 1000 WHERE workspace_id = '{}'",
        ws.workspace_id
    ))
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
    app.sql("ALTER TABLE external_users
             DROP CONSTRAINT external_users_channel_fkey,
             DROP CONSTRAINT external_users_super_identity_fkey,
             ADD CONSTRAINT external_users_super_identity_fkey FOREIGN KEY (workspace_id, super_identity_id)
                 REFERENCES external_super_identities (workspace_id, id) ON DELETE CASCADE",
    )
    .await;
    app.sql(&format!(
        "DELETE FROM orgs WHERE id = '{}'",
        app.admin.org_id
    ))
    .await;
    let left = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM external_user_counts WHERE workspace_id = '{}'",
            gone.workspace_id
        ))
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
        include_str!("../../../../migrations/2026-12-01-000015_external_user_counts/down.sql"),
        include_str!("../../../../migrations/2026-12-01-000015_external_user_counts/up.sql"),
    ))
    .await
    .unwrap();
    drop(conn);
    let rows = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM external_user_counts WHERE workspace_id = '{}'",
            ws.workspace_id
        ))
        .await;
    assert_eq!(rows, 2, "one row per key, in stripe 0");
    assert_eq!(ws.assert_totals_exact(&app).await, 3);
    // The triggers are back too.
    ws.user(&app, 1, Some(1), None).await;
    assert_eq!(ws.assert_totals_exact(&app).await, 4);
}
