//! SCIM Groups: lists (filters, paging, projections) and PATCH of members and names.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{member_ids, Scim};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn names(scim: &Scim, app: &TestApp, filter: &str) -> Vec<String> {
    let list = scim
        .req(app, Method::GET, "/Groups")
        .query(&[("filter", filter)])
        .ok()
        .await;
    let mut names: Vec<String> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(list["totalResults"], names.len(), "{list}");
    names.sort();
    names
}

#[tokio::test]
async fn filters_paging_and_projections() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let ada = id(&scim.user(&app, "ada@example.com").await);
    let alan = id(&scim.user(&app, "alan@example.com").await);
    let eng = scim.group(&app, "Engineering", &[&ada, &alan]).await;
    scim.group(&app, "Sales", &[&alan]).await;
    scim.group(&app, "Support", &[]).await;
    scim.send(
        &app,
        Method::PUT,
        &format!("/Groups/{}", id(&eng)),
        &json!({"displayName": "Engineering", "externalId": "00gEng",
                "members": [{"value": ada}, {"value": alan}]}),
    )
    .ok()
    .await;
    assert_eq!(
        names(&scim, &app, "displayName eq \"engineering\"").await,
        ["Engineering"]
    );
    assert_eq!(
        names(&scim, &app, "externalId eq \"00gEng\"").await,
        ["Engineering"]
    );
    assert!(
        names(&scim, &app, "externalId eq \"00geng\"")
            .await
            .is_empty(),
        "caseExact"
    );
    assert_eq!(
        names(&scim, &app, &format!("members.value eq \"{alan}\"")).await,
        ["Engineering", "Sales"]
    );
    assert_eq!(
        names(&scim, &app, &format!("members[value eq \"{ada}\"]")).await,
        ["Engineering"]
    );
    assert_eq!(
        names(
            &scim,
            &app,
            &format!("members.value eq \"{alan}\" and not (displayName sw \"eng\")")
        )
        .await,
        ["Sales"]
    );
    assert_eq!(
        names(
            &scim,
            &app,
            "displayName eq \"Sales\" or displayName eq \"Support\""
        )
        .await,
        ["Sales", "Support"]
    );
    assert_eq!(names(&scim, &app, "not (members pr)").await, ["Support"]);
    assert!(names(&scim, &app, "displayName eq \"Nope\"")
        .await
        .is_empty());
    for bad in [
        "userName eq \"x\"",
        "displayName eq",
        "members.value gt \"a\"",
    ] {
        scim.req(&app, Method::GET, "/Groups")
            .query(&[("filter", bad)])
            .scim_error(400, Some("invalidFilter"))
            .await;
    }
    // Paging with an exact total, without a filter too; out-of-range is clamped.
    let page = scim
        .req(&app, Method::GET, "/Groups?startIndex=2&count=1")
        .ok()
        .await;
    assert_eq!(page["totalResults"], 3);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 1);
    assert_eq!(page["Resources"][0]["displayName"], "Sales");
    let clamped = scim
        .req(&app, Method::GET, "/Groups?startIndex=-4&count=100000")
        .ok()
        .await;
    assert_eq!(clamped["startIndex"], 1);
    assert_eq!(clamped["itemsPerPage"], 3);
    let none = scim.req(&app, Method::GET, "/Groups?count=0").ok().await;
    assert_eq!(
        (none["totalResults"].clone(), none["Resources"].clone()),
        (json!(3), json!([]))
    );
    // excludedAttributes=members (Okta and Entra ask for it), and attributes.
    let light = scim
        .req(&app, Method::GET, "/Groups?excludedAttributes=members")
        .ok()
        .await;
    let first = &light["Resources"][0];
    assert!(first.get("members").is_none(), "{first}");
    assert_eq!(first["displayName"], "Engineering");
    let only = scim
        .req(
            &app,
            Method::GET,
            &format!("/Groups/{}?attributes=displayName", id(&eng)),
        )
        .ok()
        .await;
    assert_eq!(only["displayName"], "Engineering");
    assert!(
        only.get("members").is_none() && only.get("externalId").is_none(),
        "{only}"
    );
    assert_eq!(only["id"], id(&eng));
    let searched = scim
        .send(
            &app,
            Method::POST,
            "/Groups/.search",
            &json!({"filter": "displayName sw \"S\"", "excludedAttributes": ["members"]}),
        )
        .ok()
        .await;
    assert_eq!(searched["totalResults"], 2);
}

#[tokio::test]
async fn patch_adds_removes_and_renames_and_a_noop_writes_nothing() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app).await;
    let ada = id(&scim.user(&app, "ada@example.com").await);
    let alan = id(&scim.user(&app, "alan@example.com").await);
    let grace = id(&scim.user(&app, "grace@example.com").await);
    let group = scim.group(&app, "Engineering", &[]).await;
    let path = format!("/Groups/{}", id(&group));
    let members = member_ids;
    let set = |ids: &[&String]| -> Vec<String> {
        let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        ids.sort();
        ids
    };
    let added = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "Add", "path": "members",
            "value": [{"value": ada}, {"value": alan}, {"value": grace}]}]),
        )
        .ok()
        .await;
    assert_eq!(members(&added), set(&[&ada, &alan, &grace]));
    // Adding a member again changes nothing (and writes no event).
    let before = app.sql_count("SELECT count(*) AS n FROM events").await;
    let same = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "add", "path": "members", "value": [{"value": ada}]}]),
        )
        .ok()
        .await;
    assert_eq!(members(&same).len(), 3);
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM events").await,
        before
    );
    // Removal by a value-filter path, and as a value list.
    let one_less = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "remove", "path": format!("members[value eq \"{ada}\"]")}]),
        )
        .ok()
        .await;
    assert_eq!(members(&one_less), set(&[&alan, &grace]));
    let two_less = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "Remove", "path": "members", "value": [{"value": alan}]}]),
        )
        .ok()
        .await;
    assert_eq!(members(&two_less), set(&[&grace]));
    // Renames, with a path and without one (Okta sends the id along).
    let renamed = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "replace", "path": "displayName", "value": "Eng"}]),
        )
        .ok()
        .await;
    assert_eq!(renamed["displayName"], "Eng");
    let renamed = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "replace",
            "value": {"id": id(&group), "displayName": "R&D", "externalId": "00gRD"}}]),
        )
        .ok()
        .await;
    assert_eq!(
        (
            renamed["displayName"].clone(),
            renamed["externalId"].clone()
        ),
        (json!("R&D"), json!("00gRD"))
    );
    // Replace the whole member list; remove them all.
    let replaced = scim
        .patch_at(
            &app,
            &path,
            json!([{"op": "replace", "path": "members", "value": [{"value": ada}]}]),
        )
        .ok()
        .await;
    assert_eq!(members(&replaced), set(&[&ada]));
    let emptied = scim
        .patch_at(&app, &path, json!([{"op": "remove", "path": "members"}]))
        .ok()
        .await;
    assert!(emptied.get("members").is_none(), "{emptied}");
    let kinds = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM events WHERE target_id = '{}' AND actor_type = 'scim'",
            id(&group)
        ))
        .await;
    // created; 3 added; 2 removed; 2 updated; 1 added and 1 removed (replace: grace
    // out, ada in); 1 removed.
    assert_eq!(kinds, 1 + 3 + 2 + 2 + 2 + 1);
}
