//! Lists filtered by `metadata[key]=value`: one key, several (all must match), none
//! matching, a bad key (400 naming it), and never another tenant's resources.

use roster_e2e::Expect;
use serde_json::json;

use super::{id, Fixture, Kind, KINDS};

#[tokio::test]
async fn lists_filter_by_one_key_or_several_and_name_bad_keys() {
    let f = Fixture::new().await;
    for kind in KINDS {
        let pro_eu = f.create(kind, json!({"plan": "pro", "region": "eu"})).await;
        let pro_us = f.create(kind, json!({"plan": "pro", "region": "us"})).await;
        let free = f.create(kind, json!({"plan": "free"})).await;
        f.create(kind, json!({})).await;
        let mut pros = f.listed(kind, "metadata[plan]=pro").await;
        pros.sort();
        let mut expected = vec![id(&pro_eu), id(&pro_us)];
        expected.sort();
        assert_eq!(pros, expected, "{kind:?}");
        assert_eq!(
            f.listed(kind, "metadata%5Bplan%5D=pro&metadata%5Bregion%5D=us")
                .await,
            [id(&pro_us)],
            "{kind:?}: several keys all match"
        );
        assert_eq!(f.listed(kind, "metadata[plan]=free").await, [id(&free)]);
        assert!(f.listed(kind, "metadata[plan]=enterprise").await.is_empty());
        assert!(f
            .listed(kind, "metadata[plan]=free&metadata[region]=eu")
            .await
            .is_empty());
        for (query, field) in [
            ("metadata[bad key]=x", "metadata[bad key]"),
            ("metadata[]=x", "metadata[]"),
            (
                &*format!("metadata[{}]=x", "k".repeat(41)),
                &*format!("metadata[{}]", "k".repeat(41)),
            ),
            (
                &*format!("metadata[plan]={}", "x".repeat(501)),
                "metadata[plan]",
            ),
            ("metadata[plan]=a&metadata[plan]=b", "metadata[plan]"),
        ] {
            let problem = f
                .list_request(kind, query)
                .problem(400, "validation_failed")
                .await;
            assert_eq!(problem["errors"][0]["field"], field, "{kind:?}: {problem}");
        }
    }
}

#[tokio::test]
async fn the_filter_goes_with_the_lists_other_filters_and_totals() {
    let f = Fixture::new().await;
    let sam = f.create(Kind::AppUser, json!({"plan": "pro"})).await;
    f.create(Kind::AppUser, json!({"plan": "free"})).await;
    let page = f
        .list_request(
            Kind::AppUser,
            "metadata[plan]=pro&state=Active&page=1&page_size=10",
        )
        .ok()
        .await;
    assert_eq!(page["total_count"], 1, "{page}");
    assert_eq!(page["data"][0]["id"], sam["id"]);
    let searched = f
        .list_request(Kind::AppUser, "metadata[plan]=pro&search=meta")
        .ok()
        .await;
    assert_eq!(searched["total_count"], 1, "{searched}");
    let (total, items) = f
        .list_request(Kind::ExternalUser, "metadata[plan]=pro")
        .listed()
        .await;
    assert_eq!((total, items.as_array().unwrap().len()), (Some(0), 0));
}

#[tokio::test]
async fn another_tenants_metadata_never_shows() {
    let f = Fixture::new().await;
    let other_admin = f.app.bootstrap("globex", "boss@globex.test").await;
    let other_workspace = f.app.workspace_of(&other_admin).await;
    let other_channel = f.app.channel(&other_workspace.api_key, "Web").await;
    let mine = f.create(Kind::AppUser, json!({"plan": "pro"})).await;
    f.app
        .as_user(
            &other_admin.token,
            &other_admin.org_slug,
            reqwest::Method::POST,
            "/api/v1/app/user",
        )
        .json(&json!({"role": "AppMember", "metadata": {"plan": "pro"},
            "user_info": {"email": "spy@globex.test", "name": "Spy"}}))
        .created()
        .await;
    f.app
        .external_create(
            &other_workspace.api_key,
            "/api/v1/external-users",
            json!({"channelId": other_channel, "identifier": "spy", "metadata": {"plan": "pro"}}),
        )
        .await;
    f.app
        .external_create(
            &other_workspace.api_key,
            "/api/v1/external-user-groups",
            json!({"name": "Spies", "metadata": {"plan": "pro"}}),
        )
        .await;
    assert_eq!(
        f.listed(Kind::AppUser, "metadata[plan]=pro").await,
        [id(&mine)]
    );
    for kind in [Kind::ExternalUser, Kind::Group] {
        assert!(
            f.listed(kind, "metadata[plan]=pro").await.is_empty(),
            "{kind:?}"
        );
    }
}
