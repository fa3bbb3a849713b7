//! Project members under concurrency: the count stays right and a project keeps an Owner.

use futures_util::future::join_all;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{counted_members, member_path, project_json};
use crate::app::fixtures::{add_member, admin_project, create_project_as, person, Person};

#[tokio::test]
async fn member_count_stays_right_under_twenty_concurrent_additions() {
    let app = TestApp::spawn().await;
    let project = admin_project(&app, "Crowded", "Private").await;
    let mut people: Vec<Person> = Vec::new();
    for n in 0..20 {
        people.push(person(&app, &format!("p{n}@acme.test"), "AppMember").await);
    }
    let additions = people.iter().map(|p| {
        app.admin(Method::POST, &member_path(&project))
            .json(&json!({"user_id": p.id, "role": "Viewer"}))
            .created()
    });
    join_all(additions).await;
    let p = project_json(&app, &project).await;
    assert_eq!(p["member_count"], 21, "{p}");
    assert_eq!(counted_members(&app, &project).await, 21);
    let list = app
        .admin(
            Method::GET,
            &format!("{}?page_size=100", member_path(&project)),
        )
        .ok()
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 21);
    assert_eq!(list["total_count"], 21);

    // The same users again, concurrently: every one a conflict, the count unchanged.
    let again = people.iter().map(|p| {
        app.admin(Method::POST, &member_path(&project))
            .json(&json!({"user_id": p.id, "role": "Editor"}))
            .problem(409, "already_member")
    });
    join_all(again).await;
    // And all of them removed concurrently.
    let removals = people.iter().map(|p| {
        app.admin(
            Method::DELETE,
            &format!("{}/{}", member_path(&project), p.id),
        )
        .no_content()
    });
    join_all(removals).await;
    assert_eq!(project_json(&app, &project).await["member_count"], 1);
    assert_eq!(counted_members(&app, &project).await, 1);
}

#[tokio::test]
async fn two_owners_removing_or_demoting_each_other_at_once_leave_one_owner() {
    let app = TestApp::spawn().await;
    let a = person(&app, "a@acme.test", "AppMember").await;
    let b = person(&app, "b@acme.test", "AppMember").await;
    let project = create_project_as(&app, &a.token, json!({"name": "Duel"})).await;
    let id = project["id"].as_str().unwrap();
    add_member(&app, id, &b.id, "Owner").await;
    for round in 0..6 {
        let remove = round % 2 == 0;
        let act = |who: &Person, target: &str| {
            let path = format!("{}/{target}", member_path(id));
            if remove {
                who.req(&app, Method::DELETE, &path).reply()
            } else {
                who.req(&app, Method::PUT, &path)
                    .json(&json!({"role": "Viewer"}))
                    .reply()
            }
        };
        let (ra, rb) = tokio::join!(act(&a, &b.id), act(&b, &a.id));
        let mut statuses = [ra.status, rb.status];
        statuses.sort_unstable();
        // One wins; the loser is no longer an Owner (403), or no longer a member and so
        // cannot see the private project (404). Never both.
        let ok = if remove { 204 } else { 200 };
        let loser = if remove { 404 } else { 403 };
        assert_eq!(statuses, [ok, loser], "round {round}");
        let list = app.admin(Method::GET, &member_path(id)).ok().await;
        let owners: Vec<&Value> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "Owner")
            .collect();
        assert_eq!(owners.len(), 1, "round {round}: {list}");
        assert_eq!(list["total_count"], if remove { 1 } else { 2 });
        // Make the other one an Owner again for the next round.
        let survivor = owners[0]["user_id"].as_str().unwrap();
        let other = if survivor == a.id { &b.id } else { &a.id };
        if remove {
            add_member(&app, id, other, "Owner").await;
        } else {
            app.admin(Method::PUT, &format!("{}/{other}", member_path(id)))
                .json(&json!({"role": "Owner"}))
                .status(200)
                .await;
        }
    }
    assert_eq!(counted_members(&app, id).await, 2);
    assert_eq!(project_json(&app, id).await["member_count"], 2);
}
