//! External-user lists: each filter alone and combined, one id or many, and the paging
//! edges in a stable order.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use crate::external::{id, ids, listed_ids, USERS};

#[tokio::test]
async fn list_filters_alone_and_combined() {
    let app = TestApp::spawn().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "WhatsApp").await;
    let gold = app.tier(&key, "Gold").await;
    let silver = app.tier(&key, "Silver").await;
    let acme = app.group(&key, "Acme").await;
    let initech = app.group(&key, "Initech").await;
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

    let (app, key) = (&app, &key);
    let q = move |query: String| listed_ids(app, key, USERS, query);
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
    let (total, _) = app
        .external(
            key,
            Method::GET,
            &format!(
                "{USERS}?channelIds={web}&channelIds={chat}&tierIds={gold}&search=ada&pageSize=1"
            ),
        )
        .listed()
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
            .external(key, Method::GET, &format!("{USERS}?{query}"))
            .problem(400, "validation_failed")
            .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
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
        app.external(&key, Method::GET, &format!("{USERS}{q}"))
            .listed()
    };
    let (total, list) = page("").await;
    assert_eq!(total, Some(12));
    assert_eq!(ids(&list), made[..10], "default page size 10, oldest first");
    let (_, list) = page("?pageNumber=2").await;
    assert_eq!(ids(&list), made[10..]);
    let (_, list) = page("?pageNumber=1&pageSize=1").await;
    assert_eq!(ids(&list), made[..1]);
    let (_, list) = page("?pageNumber=12&pageSize=1").await;
    assert_eq!(ids(&list), made[11..]);
    let (_, list) = page("?pageSize=100").await;
    assert_eq!(ids(&list), made);
    // The same query twice gives the same order.
    let (_, again) = page("?pageSize=100").await;
    assert_eq!(ids(&again), made);
    let (total, list) = page("?pageNumber=13&pageSize=1").await;
    assert_eq!((total, list), (Some(12), json!([])));
    // A searched page carries its total beside its rows; past the end it is counted alone.
    let (total, list) = page("?search=u-00&pageSize=4&pageNumber=2").await;
    assert_eq!(total, Some(10));
    assert_eq!(ids(&list), made[4..8]);
    let (total, list) = page("?search=u-00&pageSize=4&pageNumber=4").await;
    assert_eq!((total, list), (Some(10), json!([])));
    let (total, list) = page("?search=nobody&pageNumber=2").await;
    assert_eq!((total, list), (Some(0), json!([])));
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
