//! External-users workspaces and their API keys (`/api/v1/app/workspaces`, AppAdmin only),
//! the API-key credential of the external family, and `bootstrap`'s workspace and key.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::{fields, EXTERNAL_USER_FIELDS};

fn is_uuid_v4(value: &Value) -> bool {
    value
        .as_str()
        .and_then(|s| uuid::Uuid::try_parse(s).ok())
        .is_some_and(|u| u.get_version_num() == 4 && value.as_str() == Some(&u.to_string()))
}

#[tokio::test]
async fn admin_creates_gets_and_lists_workspaces() {
    let app = TestApp::spawn().await;
    let (location, ws) = app
        .admin(Method::POST, "/api/v1/app/workspaces")
        .json(&json!({"name": "  Help centre  "}))
        .created_at()
        .await;
    assert!(is_uuid_v4(&ws["id"]), "{ws}");
    assert_eq!(ws["name"], "Help centre");
    assert_eq!(ws["org_id"], app.admin.org_id.as_str());
    assert!(ws["created_at"].as_str().unwrap().ends_with('Z'), "{ws}");
    assert_eq!(
        location,
        format!("/api/v1/app/workspaces/{}", ws["id"].as_str().unwrap())
    );

    let got = app.admin(Method::GET, &location).ok().await;
    assert_eq!(&got, &ws);

    app.workspace().await;
    let page = app
        .admin(Method::GET, "/api/v1/app/workspaces?page_size=1")
        .ok()
        .await;
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0], ws, "oldest first");
    assert_eq!(page["has_next_page"], true);

    let body = app
        .admin(Method::GET, "/api/v1/app/workspaces?page_size=101")
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "page_size");
}

#[tokio::test]
async fn workspace_and_key_names_are_validated() {
    let app = TestApp::spawn().await;
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": 7}), "name"),
        (json!({"name": "ok", "extra": 1}), "."),
    ] {
        let problem = app
            .admin(Method::POST, "/api/v1/app/workspaces")
            .json(&body)
            .status(400)
            .await
            .json();
        if field != "." {
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    }
    let ws = app
        .admin(Method::POST, "/api/v1/app/workspaces")
        .json(&json!({"name": "x".repeat(100)}))
        .created()
        .await;
    let body = app
        .admin(
            Method::POST,
            &format!(
                "/api/v1/app/workspaces/{}/api-keys",
                ws["id"].as_str().unwrap()
            ),
        )
        .json(&json!({"name": "  "}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "name");
}

#[tokio::test]
async fn api_keys_are_shown_once_and_authenticate_raw_or_bearer() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let path = format!("/api/v1/app/workspaces/{}/api-keys", ws.id);
    let reply = app
        .admin(Method::POST, &path)
        .json(&json!({"name": "widget"}))
        .status(201)
        .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let created = reply.json();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("rxk_"), "{secret}");
    assert!(is_uuid_v4(&created["id"]), "{created}");
    assert_eq!(created["workspace_id"], ws.id.as_str());
    assert_eq!(created["name"], "widget");

    let keys = app.admin(Method::GET, &path).ok().await;
    assert_eq!(keys["total_count"], 2);
    let listed_keys = keys["data"].as_array().unwrap();
    assert_eq!(listed_keys[1]["id"], created["id"]);
    assert!(
        listed_keys.iter().all(|k| k.get("secret").is_none()),
        "{keys}"
    );
    assert!(!keys.to_string().contains(&secret));

    for credential in [
        secret.clone(),
        format!("Bearer {secret}"),
        format!("bearer {secret}"),
    ] {
        let (total, body) = app
            .external(&credential, Method::GET, "/api/v1/channels")
            .listed()
            .await;
        assert_eq!((total, body), (Some(0), json!([])), "{credential}");
    }
}

#[tokio::test]
async fn missing_unknown_or_foreign_credentials_are_401() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let id = uuid::Uuid::new_v4();
    for (method, path) in [
        (Method::GET, "/api/v1/channels".to_owned()),
        (Method::GET, "/api/v1/external-users".to_owned()),
        (Method::POST, "/api/v1/external-users".to_owned()),
        (Method::GET, format!("/api/v1/external-users/{id}")),
        (Method::PATCH, format!("/api/v1/external-users/{id}")),
        (
            Method::POST,
            "/api/v1/external-users/authenticate".to_owned(),
        ),
    ] {
        let reply = app
            .anon(method.clone(), &path)
            .json(&json!({}))
            .reply()
            .await;
        let body = reply.problem(401, "unauthorized");
        assert!(reply.header("www-authenticate").is_some(), "{reply}");
        assert!(
            body["detail"].as_str().unwrap().contains("API key"),
            "{body}"
        );
    }
    let tampered = format!("{}x", ws.api_key);
    let other_workspace = ws.api_key.replacen(
        &ws.id.replace('-', ""),
        &uuid::Uuid::new_v4().simple().to_string(),
        1,
    );
    for bad in [
        "",
        "Bearer ",
        "nonsense",
        tampered.as_str(),
        other_workspace.as_str(),
        app.admin.token.as_str(),
    ] {
        app.external(bad, Method::GET, "/api/v1/external-users")
            .problem(401, "unauthorized")
            .await;
    }
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let path = format!("/api/v1/app/workspaces/{}/api-keys", ws.id);
    let second = app
        .admin(Method::POST, &path)
        .json(&json!({"name": "second"}))
        .created()
        .await;
    let keys = app.admin(Method::GET, &path).ok().await;
    let first_id = keys["data"][0]["id"].as_str().unwrap().to_owned();
    let channel = app.channel(&ws.api_key, "Website").await;

    app.admin(Method::DELETE, &format!("{path}/{first_id}"))
        .no_content()
        .await;
    for (method, route) in [
        (Method::GET, "/api/v1/channels".to_owned()),
        (Method::GET, format!("/api/v1/channels/{channel}")),
        (Method::GET, "/api/v1/external-users".to_owned()),
    ] {
        app.external(&ws.api_key, method, &route)
            .problem(401, "unauthorized")
            .await;
    }
    app.external(
        &ws.api_key,
        Method::POST,
        "/api/v1/external-users/authenticate",
    )
    .json(&json!({"channelId": channel, "externalId": "abc", "id": null, "identifier": null}))
    .problem(401, "unauthorized")
    .await;

    // The other key still works; revoking again is a 404.
    let got = app
        .external(
            second["secret"].as_str().unwrap(),
            Method::GET,
            &format!("/api/v1/channels/{channel}"),
        )
        .ok()
        .await;
    assert_eq!(got["id"], channel.as_str());
    app.admin(Method::DELETE, &format!("{path}/{first_id}"))
        .problem(404, "api_key_not_found")
        .await;
    app.admin(Method::DELETE, &format!("{path}/not-a-uuid"))
        .problem(404, "api_key_not_found")
        .await;
    let keys = app.admin(Method::GET, &path).ok().await;
    assert_eq!(keys["total_count"], 1);
    assert_eq!(keys["data"][0]["id"], second["id"]);
}

#[tokio::test]
async fn app_members_cannot_manage_workspaces_or_keys() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let (_, member_token) = app.user_with_token("mia@acme.test", "AppMember").await;
    let keys = format!("/api/v1/app/workspaces/{}/api-keys", ws.id);
    let key_id = uuid::Uuid::new_v4();
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/app/workspaces".to_owned(),
            Some(json!({"name": "Mine"})),
        ),
        (Method::GET, "/api/v1/app/workspaces".to_owned(), None),
        (
            Method::GET,
            format!("/api/v1/app/workspaces/{}", ws.id),
            None,
        ),
        (Method::POST, keys.clone(), Some(json!({"name": "Mine"}))),
        (Method::GET, keys.clone(), None),
        (Method::DELETE, format!("{keys}/{key_id}"), None),
    ] {
        let mut req = app.as_user(&member_token, "acme", method.clone(), &path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let body = req.problem(403, "admin_required").await;
        assert!(
            body["detail"].as_str().unwrap().contains("AppAdmin"),
            "{method} {path}"
        );
    }
    app.anon(Method::GET, "/api/v1/app/workspaces")
        .header("x-org", "acme")
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn another_orgs_workspace_is_404() {
    let app = TestApp::spawn().await;
    let other = app.bootstrap("globex", "admin@globex.test").await;
    let theirs = app.workspace_of(&other).await;
    let keys = format!("/api/v1/app/workspaces/{}/api-keys", theirs.id);
    let their_keys = app
        .as_user(&other.token, "globex", Method::GET, &keys)
        .ok()
        .await;
    let their_key_id = their_keys["data"][0]["id"].as_str().unwrap().to_owned();
    for (method, path, body) in [
        (
            Method::GET,
            format!("/api/v1/app/workspaces/{}", theirs.id),
            None,
        ),
        (
            Method::GET,
            "/api/v1/app/workspaces/not-a-uuid".to_owned(),
            None,
        ),
        (Method::POST, keys.clone(), Some(json!({"name": "sneaky"}))),
        (Method::GET, keys.clone(), None),
        (Method::DELETE, format!("{keys}/{their_key_id}"), None),
    ] {
        let mut req = app.admin(method.clone(), &path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.problem(404, "workspace_not_found").await;
    }
    let mine = app.admin(Method::GET, "/api/v1/app/workspaces").ok().await;
    assert_eq!(mine["total_count"], 0, "{mine}");
    // Their key still works: nothing was revoked.
    app.external(&theirs.api_key, Method::GET, "/api/v1/tiers")
        .status(200)
        .await;
}

#[tokio::test]
async fn bootstrap_prints_a_working_api_key_for_the_orgs_workspace() {
    use roster_gateway::cli::bootstrap;
    let app = TestApp::spawn().await;
    let args = app.bootstrap_args("initech", "boss@initech.test", None);
    let first = bootstrap(&args).await.unwrap();
    let printed = serde_json::to_value(&first).unwrap();
    for key in [
        "org_id",
        "org_slug",
        "account_id",
        "user_id",
        "token",
        "workspace_id",
        "api_key",
    ] {
        assert!(printed[key].is_string(), "{key} missing: {printed}");
    }
    let workspace_id = first.workspace_id.clone().unwrap();
    let api_key = first.api_key.clone().unwrap();
    assert!(is_uuid_v4(&json!(workspace_id)));

    let channel = app
        .external_create(&api_key, "/api/v1/channels", json!({"name": "Website"}))
        .await;
    assert_eq!(channel["workspaceId"], workspace_id.as_str());

    // Again: the same workspace, a fresh key; both keys work.
    let second = bootstrap(&args).await.unwrap();
    assert_eq!(second.workspace_id.as_deref(), Some(workspace_id.as_str()));
    let second_key = second.api_key.unwrap();
    assert_ne!(second_key, api_key);
    for key in [&api_key, &second_key] {
        let (total, body) = app
            .external(key, Method::GET, "/api/v1/channels")
            .listed()
            .await;
        assert_eq!(total, Some(1), "{body}");
        assert_eq!(body[0]["id"], channel["id"]);
    }
    let list = app
        .as_user(
            &second.token,
            "initech",
            Method::GET,
            "/api/v1/app/workspaces",
        )
        .ok()
        .await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["data"][0]["id"], workspace_id.as_str());
    assert_eq!(list["data"][0]["name"], "Default");
}

#[tokio::test]
async fn openapi_documents_the_external_family() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let expected = [
        ("/api/v1/app/workspaces", "get"),
        ("/api/v1/app/workspaces", "post"),
        ("/api/v1/app/workspaces/{id}", "get"),
        ("/api/v1/app/workspaces/{id}/api-keys", "get"),
        ("/api/v1/app/workspaces/{id}/api-keys", "post"),
        ("/api/v1/app/workspaces/{id}/api-keys/{key_id}", "delete"),
        ("/api/v1/external-users/authenticate", "post"),
        ("/api/v1/external-users/me", "get"),
        ("/api/v1/external-users", "get"),
        ("/api/v1/external-users", "post"),
        ("/api/v1/external-users/{id}", "get"),
        ("/api/v1/external-users/{id}", "patch"),
        ("/api/v1/channels", "get"),
        ("/api/v1/channels", "post"),
        ("/api/v1/channels/{id}", "get"),
        ("/api/v1/channels/{id}", "patch"),
        ("/api/v1/channels/{id}", "delete"),
        ("/api/v1/tiers", "get"),
        ("/api/v1/tiers", "post"),
        ("/api/v1/tiers/{id}", "get"),
        ("/api/v1/tiers/{id}", "patch"),
        ("/api/v1/tiers/{id}", "delete"),
        ("/api/v1/external-user-groups", "get"),
        ("/api/v1/external-user-groups", "post"),
        ("/api/v1/external-user-groups/{id}", "get"),
        ("/api/v1/external-user-groups/{id}", "patch"),
        ("/api/v1/external-user-groups/{id}", "delete"),
    ];
    for (path, method) in expected {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    let create = &doc["paths"]["/api/v1/external-users"]["post"];
    assert_eq!(create["security"], json!([{"apiKey": []}]));
    for status in [
        "200", "400", "401", "404", "409", "413", "415", "500", "503",
    ] {
        assert!(
            create["responses"][status].is_object(),
            "POST /api/v1/external-users lacks {status}"
        );
    }
    let list = &doc["paths"]["/api/v1/external-users"]["get"];
    assert!(
        list["responses"]["200"]["headers"]["X-Total-Count"].is_object(),
        "{list}"
    );
    let params: Vec<&str> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "channelIds",
        "externalUserGroupIds",
        "superIdentityIds",
        "tierIds",
        "search",
        "pageNumber",
        "pageSize",
    ] {
        assert!(params.contains(&name), "{name} missing from {params:?}");
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["apiKey"]["in"], "header");
    assert_eq!(schemes["apiKey"]["name"], "authorization");
    assert_eq!(schemes["accessToken"]["scheme"], "bearer");
    let user = &doc["components"]["schemas"]["ExternalUser"]["properties"];
    assert_eq!(fields(user), EXTERNAL_USER_FIELDS);
    assert_eq!(user["name"]["maxLength"], 50);
    assert_eq!(user["externalId"]["minLength"], 3);
}
