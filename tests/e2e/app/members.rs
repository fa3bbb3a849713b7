//! Project members: add, list, change role, remove; Owners (and AppAdmins) manage them,
//! a project keeps at least one Owner, and `member_count` stays right under concurrency.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use roster_e2e::{json, problem, Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::{add_member, admin_project, create_project_as, person, Person};

fn member_path(project: &str) -> String {
    format!("/api/v1/app/project/{project}/member")
}

async fn project_json(app: &TestApp, project: &str) -> Value {
    let p = app
        .admin(Method::GET, &format!("/api/v1/app/project/{project}"))
        .ok()
        .await;
    p
}

/// The number of member rows of a project, counted by the database itself.
async fn counted_members(app: &TestApp, project: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().await.unwrap();
    let row: Count =
        diesel::sql_query("SELECT count(*) AS n FROM project_members WHERE project_id = $1")
            .bind::<diesel::sql_types::Text, _>(project)
            .get_result(&mut conn)
            .await
            .unwrap();
    row.n
}

#[tokio::test]
async fn owners_add_members_and_the_count_follows() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let project = create_project_as(&app, &owner.token, json!({"name": "Team"})).await;
    let id = project["id"].as_str().unwrap();

    let res = owner
        .req(&app, Method::POST, &member_path(id))
        .json(&json!({"user_id": sasha.id, "role": "Editor"}))
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, m) = json(res).await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(location, format!("{}/{}", member_path(id), sasha.id));
    assert_eq!(m["project_id"], id);
    assert_eq!(m["user_id"], sasha.id.as_str());
    assert_eq!(m["role"], "Editor");
    assert!(m["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(project_json(&app, id).await["member_count"], 2);

    // The new member now sees the private project, with itself in the list.
    let list = sasha.req(&app, Method::GET, &member_path(id)).ok().await;
    let users: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        users,
        [owner.id.as_str(), sasha.id.as_str()],
        "in join order"
    );
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["has_next_page"], false);

    let first = sasha
        .req(
            &app,
            Method::GET,
            &format!("{}?page_size=1", member_path(id)),
        )
        .ok()
        .await;
    assert_eq!(first["data"].as_array().unwrap().len(), 1);
    assert_eq!(first["has_next_page"], true);
    assert_eq!(first["total_count"], 2);
    let body = sasha
        .req(
            &app,
            Method::GET,
            &format!("{}?page_size=101", member_path(id)),
        )
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "page_size");

    // Adding the same user again is a conflict, decided by the database.
    let body = owner
        .req(&app, Method::POST, &member_path(id))
        .json(&json!({"user_id": sasha.id, "role": "Viewer"}))
        .problem(409, "already_member")
        .await;
    assert_eq!(body["errors"][0]["field"], "user_id", "{body}");
    assert_eq!(project_json(&app, id).await["member_count"], 2);
    assert_eq!(counted_members(&app, id).await, 2);
}

#[tokio::test]
async fn a_member_added_without_a_role_gets_the_default_only_when_enabled() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let lee = person(&app, "lee@acme.test", "AppMember").await;
    let plain = admin_project(&app, "Plain", "Private").await;
    let body = app
        .admin(Method::POST, &member_path(&plain))
        .json(&json!({"user_id": sasha.id}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "role", "{body}");

    let defaulted = create_project_as(
        &app,
        &app.admin.token,
        json!({"name": "Defaulted", "default_member_role": "Editor", "default_role_enabled": true}),
    )
    .await;
    let defaulted = defaulted["id"].as_str().unwrap();
    let (status, m) = json(
        app.admin(Method::POST, &member_path(defaulted))
            .json(&json!({"user_id": sasha.id}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, m["role"].as_str()), (201, Some("Editor")), "{m}");
    // An explicit role wins over the default.
    let (status, m) = json(
        app.admin(Method::POST, &member_path(defaulted))
            .json(&json!({"user_id": lee.id, "role": "Viewer"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, m["role"].as_str()), (201, Some("Viewer")), "{m}");
}

#[tokio::test]
async fn only_owners_and_admins_manage_members() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let editor = person(&app, "editor@acme.test", "AppMember").await;
    let viewer = person(&app, "viewer@acme.test", "AppMember").await;
    let outsider = person(&app, "outsider@acme.test", "AppMember").await;
    let newcomer = person(&app, "newcomer@acme.test", "AppMember").await;
    let private = create_project_as(&app, &owner.token, json!({"name": "P"})).await;
    let private = private["id"].as_str().unwrap();
    add_member(&app, private, &editor.id, "Editor").await;
    add_member(&app, private, &viewer.id, "Viewer").await;

    for who in [&editor, &viewer] {
        who.req(&app, Method::POST, &member_path(private))
            .json(&json!({"user_id": newcomer.id, "role": "Viewer"}))
            .problem(403, "project_owner_required")
            .await;
        who.req(
            &app,
            Method::PUT,
            &format!("{}/{}", member_path(private), viewer.id),
        )
        .json(&json!({"role": "Owner"}))
        .problem(403, "project_owner_required")
        .await;
        who.req(
            &app,
            Method::DELETE,
            &format!("{}/{}", member_path(private), owner.id),
        )
        .problem(403, "project_owner_required")
        .await;
    }
    // Not a member of a private project: it does not exist.
    outsider
        .req(&app, Method::POST, &member_path(private))
        .json(&json!({"user_id": outsider.id, "role": "Owner"}))
        .problem(404, "project_not_found")
        .await;
    // Not a member of an Org project: visible, but not to manage.
    let open = create_project_as(
        &app,
        &owner.token,
        json!({"name": "O", "visibility": "Org"}),
    )
    .await;
    outsider
        .req(
            &app,
            Method::POST,
            &member_path(open["id"].as_str().unwrap()),
        )
        .json(&json!({"user_id": outsider.id, "role": "Owner"}))
        .problem(403, "project_owner_required")
        .await;

    // An AppAdmin who is no member manages members.
    let _m = app
        .admin(Method::POST, &member_path(private))
        .json(&json!({"user_id": newcomer.id, "role": "Viewer"}))
        .created()
        .await;
    let (status, m) = json(
        app.admin(
            Method::PUT,
            &format!("{}/{}", member_path(private), newcomer.id),
        )
        .json(&json!({"role": "Editor"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, m["role"].as_str()), (200, Some("Editor")), "{m}");
    assert_eq!(project_json(&app, private).await["member_count"], 4);
    assert_eq!(counted_members(&app, private).await, 4);
}

#[tokio::test]
async fn adding_an_unknown_or_foreign_user_is_404_and_bad_bodies_are_400() {
    let app = TestApp::spawn().await;
    let project = admin_project(&app, "P", "Private").await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    for user in [
        globex.user_id.as_str(),
        "user_0000000000000000",
        "not-a-user-id",
        "acct_4b7c2a1d9e5f3c8b",
    ] {
        app.admin(Method::POST, &member_path(&project))
            .json(&json!({"user_id": user, "role": "Viewer"}))
            .problem(404, "user_not_found")
            .await;
    }
    assert_eq!(project_json(&app, &project).await["member_count"], 1);

    let post = |body: &'static str| {
        app.admin(Method::POST, &member_path(&project))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let body = problem(
        post("{\"user_id\": \"user_0000000000000000\", \"role\": \"Admin\"}")
            .await
            .unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "role");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Admin") && message.contains("Owner") && message.contains("Viewer"),
        "{message}"
    );
    let body = problem(
        post("{\"user_id\": 5}").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "user_id");
    let body = problem(
        post("{\"role\": \"Viewer\"}").await.unwrap(),
        400,
        "validation_failed",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("user_id"),
        "{body}"
    );
    problem(post("{\"user_id\"").await.unwrap(), 400, "invalid_json").await;
    app.admin(Method::POST, &member_path(&project))
        .body("user_id=x")
        .problem(415, "unsupported_media_type")
        .await;
    // Another org's project: 404 whoever is named.
    let theirs = app
        .as_user(&globex.token, "globex", Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Theirs"}))
        .send()
        .await
        .unwrap();
    let (_, theirs) = json(theirs).await;
    app.admin(Method::POST, &member_path(theirs["id"].as_str().unwrap()))
        .json(&json!({"user_id": app.admin.user_id, "role": "Owner"}))
        .problem(404, "project_not_found")
        .await;
}

#[tokio::test]
async fn a_project_keeps_at_least_one_owner() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let second = person(&app, "second@acme.test", "AppMember").await;
    let project = create_project_as(&app, &owner.token, json!({"name": "P"})).await;
    let id = project["id"].as_str().unwrap();
    let owner_path = format!("{}/{}", member_path(id), owner.id);
    let second_path = format!("{}/{}", member_path(id), second.id);

    let body = owner
        .req(&app, Method::PUT, &owner_path)
        .json(&json!({"role": "Editor"}))
        .problem(409, "last_owner")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("Owner"), "{body}");
    app.admin(Method::DELETE, &owner_path)
        .problem(409, "last_owner")
        .await;
    // Owner to Owner is no demotion.
    let (status, m) = json(
        owner
            .req(&app, Method::PUT, &owner_path)
            .json(&json!({"role": "Owner"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, m["role"].as_str()), (200, Some("Owner")));

    add_member(&app, id, &second.id, "Viewer").await;
    let (status, m) = json(
        owner
            .req(&app, Method::PUT, &second_path)
            .json(&json!({"role": "Owner"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, m["role"].as_str()), (200, Some("Owner")), "{m}");
    // With two Owners, one may step down, after which the other is the last.
    let (status, m) = json(
        owner
            .req(&app, Method::PUT, &owner_path)
            .json(&json!({"role": "Viewer"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, m["role"].as_str()), (200, Some("Viewer")), "{m}");
    second
        .req(&app, Method::DELETE, &second_path)
        .problem(409, "last_owner")
        .await;
    // The demoted owner lost the right to manage members.
    owner
        .req(&app, Method::PUT, &second_path)
        .json(&json!({"role": "Viewer"}))
        .problem(403, "project_owner_required")
        .await;
    second
        .req(&app, Method::DELETE, &owner_path)
        .no_content()
        .await;
    assert_eq!(project_json(&app, id).await["member_count"], 1);
    assert_eq!(counted_members(&app, id).await, 1);
}

#[tokio::test]
async fn changing_or_removing_a_non_member_is_404_and_bad_roles_are_400() {
    let app = TestApp::spawn().await;
    let stranger = person(&app, "stranger@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    let path = format!("{}/{}", member_path(&project), stranger.id);
    app.admin(Method::PUT, &path)
        .json(&json!({"role": "Editor"}))
        .problem(404, "member_not_found")
        .await;
    app.admin(Method::DELETE, &path)
        .problem(404, "member_not_found")
        .await;
    for bad in ["user_0000000000000000", "oops"] {
        let res = app
            .admin(Method::DELETE, &format!("{}/{bad}", member_path(&project)))
            .send()
            .await
            .unwrap();
        let code = if bad == "oops" {
            "user_not_found"
        } else {
            "member_not_found"
        };
        problem(res, 404, code).await;
    }
    let self_path = format!("{}/{}", member_path(&project), app.admin.user_id);
    let body = app
        .admin(Method::PUT, &self_path)
        .json(&json!({"role": "Boss"}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "role");
    assert!(
        body["detail"].as_str().unwrap().contains("Editor"),
        "{body}"
    );
    app.admin(Method::PUT, &self_path)
        .json(&json!({}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::GET, &self_path)
        .problem(405, "method_not_allowed")
        .await;
    assert_eq!(project_json(&app, &project).await["member_count"], 1);
}

#[tokio::test]
async fn removing_members_lowers_the_count_and_hides_private_projects_again() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    add_member(&app, &project, &sasha.id, "Editor").await;
    assert_eq!(project_json(&app, &project).await["member_count"], 2);
    app.admin(
        Method::DELETE,
        &format!("{}/{}", member_path(&project), sasha.id),
    )
    .no_content()
    .await;
    assert_eq!(project_json(&app, &project).await["member_count"], 1);
    sasha
        .req(&app, Method::GET, &format!("/api/v1/app/project/{project}"))
        .problem(404, "project_not_found")
        .await;
}

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
            .send()
    });
    let results = futures_util::future::join_all(additions).await;
    for res in results {
        let (status, body) = json(res.unwrap()).await;
        assert_eq!(status, 201, "{body}");
    }
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
            .send()
    });
    for res in futures_util::future::join_all(again).await {
        problem(res.unwrap(), 409, "already_member").await;
    }
    // And all of them removed concurrently.
    let removals = people.iter().map(|p| {
        app.admin(
            Method::DELETE,
            &format!("{}/{}", member_path(&project), p.id),
        )
        .send()
    });
    for res in futures_util::future::join_all(removals).await {
        assert_eq!(res.unwrap().status(), 204);
    }
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
                who.req(&app, Method::DELETE, &path).send()
            } else {
                who.req(&app, Method::PUT, &path)
                    .json(&json!({"role": "Viewer"}))
                    .send()
            }
        };
        let (ra, rb) = tokio::join!(act(&a, &b.id), act(&b, &a.id));
        let mut statuses = [ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()];
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
