//! Lists of external users (`GET /api/v1/external-users`): each filter alone and
//! combined, one id or many, search, paging edges and a stable order.

use reqwest::Method;
use roster_e2e::{listed, problem, TestApp};
use serde_json::{json, Value};

const USERS: &str = "/api/v1/external-users";

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

fn id(v: &Value) -> String {
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
        let res = app
            .external(&key, Method::GET, &format!("{USERS}?{query}"))
            .send()
            .await
            .unwrap();
        let body = problem(res, 400, "validation_failed").await;
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
    let res = app
        .external(&key, Method::PATCH, &format!("{USERS}/{user}"))
        .json(&json!({"name": "Admiral", "identifier": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
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
        let res = app
            .external(&key, Method::GET, &format!("{USERS}{q}"))
            .send()
            .await
            .unwrap();
        let body = problem(res, 400, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], field, "{q}: {body}");
    }
}
