//! Metadata set on create, merged by PATCH (a key given `null` or "" removed), replaced by
//! PUT, shown by every read and in the resource's event; two merges at once both land.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::json;

use super::{Fixture, Kind, KINDS};

#[tokio::test]
async fn metadata_is_set_on_create_merged_by_patch_and_shown_by_reads() {
    let f = Fixture::new().await;
    for kind in KINDS {
        let created = f.create(kind, json!({"plan": "pro", "region": "eu"})).await;
        assert_eq!(
            created["metadata"],
            json!({"plan": "pro", "region": "eu"}),
            "{kind:?}"
        );
        let merged = f
            .patch(
                kind,
                &created,
                json!({"plan": "team", "seats": "12", "region": null}),
            )
            .ok()
            .await;
        assert_eq!(
            merged["metadata"],
            json!({"plan": "team", "seats": "12"}),
            "{kind:?}"
        );
        let removed = f.patch(kind, &created, json!({"seats": ""})).ok().await;
        assert_eq!(removed["metadata"], json!({"plan": "team"}), "{kind:?}");
        assert_eq!(
            f.get(kind, &created).await["metadata"],
            json!({"plan": "team"})
        );
        // Without metadata, a resource has an empty map, never null.
        let plain = f.create_request(kind, None).reply().await.json();
        assert_eq!(plain["metadata"], json!({}), "{kind:?}");
        // Another field alone leaves the metadata as it is.
        if let Kind::Group = kind {
            let renamed = f
                .request(kind, Method::PATCH, &Fixture::path(kind, &created))
                .json(&json!({"name": "Renamed group"}))
                .ok()
                .await;
            assert_eq!(renamed["metadata"], json!({"plan": "team"}));
        }
    }
}

#[tokio::test]
async fn put_replaces_an_app_users_whole_metadata() {
    let f = Fixture::new().await;
    let user = f.create(Kind::AppUser, json!({"a": "1", "b": "2"})).await;
    let path = Fixture::path(Kind::AppUser, &user);
    let replaced = f
        .app
        .admin(Method::PUT, &path)
        .json(&json!({"metadata": {"c": "3", "d": null}}))
        .ok()
        .await;
    assert_eq!(replaced["metadata"], json!({"c": "3"}));
    let emptied = f
        .app
        .admin(Method::PUT, &path)
        .json(&json!({"metadata": {}}))
        .ok()
        .await;
    assert_eq!(emptied["metadata"], json!({}));
    // A PUT without metadata keeps it.
    f.app
        .admin(Method::PUT, &path)
        .json(&json!({"metadata": {"kept": "yes"}}))
        .ok()
        .await;
    let renamed = f
        .app
        .admin(Method::PUT, &path)
        .json(&json!({"name": "New Name"}))
        .ok()
        .await;
    assert_eq!(renamed["metadata"], json!({"kept": "yes"}));
}

#[tokio::test]
async fn only_an_admin_changes_an_app_users_metadata() {
    let f = Fixture::new().await;
    let (user, token) = f.app.user_with_token("member@acme.test", "AppMember").await;
    let path = Fixture::path(Kind::AppUser, &user);
    for method in [Method::PUT, Method::PATCH] {
        f.app
            .as_user(&token, &f.app.admin.org_slug, method, &path)
            .json(&json!({"metadata": {"plan": "free"}}))
            .problem(403, "admin_required")
            .await;
    }
    assert_eq!(f.get(Kind::AppUser, &user).await["metadata"], json!({}));
}

#[tokio::test]
async fn two_merges_at_once_both_land() {
    let f = Fixture::new().await;
    for kind in KINDS {
        let created = f.create(kind, json!({"base": "x"})).await;
        for round in 0..5 {
            let (a, b) = (format!("a{round}"), format!("b{round}"));
            let (left, right) = tokio::join!(
                f.patch(kind, &created, json!({ a.clone(): "1" })).ok(),
                f.patch(kind, &created, json!({ b.clone(): "2" })).ok(),
            );
            assert_eq!(left["metadata"][&a], "1");
            assert_eq!(right["metadata"][&b], "2");
            let now = f.get(kind, &created).await;
            assert_eq!(now["metadata"][&a], "1", "{kind:?}: {now}");
            assert_eq!(now["metadata"][&b], "2", "{kind:?}: {now}");
        }
        assert_eq!(
            f.get(kind, &created).await["metadata"]
                .as_object()
                .unwrap()
                .len(),
            11
        );
    }
}
