//! External-user lists searched: within one field, within one workspace, and finding
//! users created concurrently.

use futures_util::future::join_all;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use crate::external::{id, ids, listed_ids, USERS};

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
    let (app, key) = (&app, &key);
    let q = move |search: &str| listed_ids(app, key, USERS, format!("search={search}"));
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
    app.external(key, Method::PATCH, &format!("{USERS}/{user}"))
        .json(&json!({"name": "Admiral", "identifier": null}))
        .status(200)
        .await;
    assert_eq!(q("admiral").await, vec![user.clone()]);
    assert_eq!(q("hopper").await, Vec::<String>::new());
    assert_eq!(q("grace").await, vec![nameless]);
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
            let (total, list) = req.listed().await;
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
