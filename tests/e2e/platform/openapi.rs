//! The OpenAPI document (`/openapi.json`): every route with its errors, and the bounds the
//! gateway checks.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

#[tokio::test]
async fn openapi_documents_every_route_with_its_errors() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let expected = [
        ("/api/v1/app/me", "get"),
        ("/api/v1/app/user", "get"),
        ("/api/v1/app/user", "post"),
        ("/api/v1/app/user/{id}", "get"),
        ("/api/v1/app/user/{id}", "put"),
        ("/api/v1/app/user/{id}/deactivate", "post"),
        ("/api/v1/app/user/{id}/activate", "post"),
        ("/api/v1/app/tokens", "get"),
        ("/api/v1/app/tokens", "post"),
        ("/api/v1/app/tokens/{id}", "delete"),
        ("/api/auth/sign-up/email", "post"),
        ("/api/auth/sign-in/email", "post"),
        ("/api/auth/sign-out", "post"),
        ("/api/auth/get-session", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ];
    for (path, method) in expected {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
    }
    let create = &doc["paths"]["/api/v1/app/user"]["post"]["responses"];
    for status in [
        "201", "400", "401", "403", "404", "409", "413", "415", "500", "503",
    ] {
        assert!(
            create[status].is_object(),
            "POST /api/v1/app/user lacks {status}: {create}"
        );
    }
    let problem =
        &doc["components"]["responses"]["Problem409"]["content"]["application/problem+json"];
    assert_eq!(problem["schema"]["$ref"], "#/components/schemas/Problem");
    assert!(doc["components"]["schemas"]["User"]["properties"]["roles"].is_object());
}

/// The document states the bounds the gateway checks, so that a client validating by it
/// sends what the gateway takes; and the gateway takes what the document allows.
#[tokio::test]
async fn openapi_states_the_bounds_the_gateway_checks() {
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let schemas = &doc["components"]["schemas"];
    let password = &schemas["SignUpRequest"]["properties"]["password"];
    assert_eq!(
        (&password["minLength"], &password["maxLength"]),
        (&8.into(), &128.into())
    );
    let expires = &schemas["CreateTokenRequest"]["properties"]["expires_in_days"];
    assert_eq!(expires["minimum"], 1);
    assert_eq!(expires["maximum"], 3650);
    let name = &schemas["UserInfo"]["properties"]["name"];
    assert_eq!(
        (&name["minLength"], &name["maxLength"]),
        (&1.into(), &200.into())
    );
    // No control character but tab and newline, white space either side (the gateway
    // trims it), and (with a minimum) more than white space: the pattern takes what the
    // gateway takes.
    let pattern = regex::Regex::new(name["pattern"].as_str().unwrap()).unwrap();
    for taken in ["a", " Ada ", "\tA\tB\n", "\u{3000}李\u{a0}"] {
        assert!(pattern.is_match(taken), "{taken:?}");
    }
    for refused in [
        "",
        " ",
        "\u{a0}",
        "\u{3000}\t",
        "a\u{1}b",
        "a\u{7f}",
        "\u{85}",
    ] {
        assert!(!pattern.is_match(refused), "{refused:?}");
    }
    assert_eq!(
        schemas["CreateTokenRequest"]["properties"]["name"]["pattern"],
        name["pattern"]
    );
    for blank in [" ", "\u{a0}", "\u{3000}\t"] {
        app.admin(Method::POST, "/api/v1/app/tokens")
            .json(&serde_json::json!({ "name": blank }))
            .problem(400, "validation_failed")
            .await;
    }
    // A change must change something, and a field that cannot be cleared takes no null:
    // every body of a change whose fields are all optional (`Update…Request`) says so.
    let changes: Vec<_> = schemas
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, schema)| {
            name.starts_with("Update") && name.ends_with("Request") && schema["required"].is_null()
        })
        .collect();
    assert!(changes.len() >= 7, "{changes:?}");
    for (name, schema) in changes {
        assert!(schema["maxProperties"].is_null(), "{name}: {schema}");
        assert_eq!(schema["minProperties"], 1, "{name}: {schema}");
    }
    let tier_name = &schemas["UpdateTierRequest"]["properties"]["name"];
    assert_eq!(tier_name["type"], "string", "{tier_name}");
    let user = &schemas["UpdateExternalUserRequest"]["properties"];
    assert_eq!(user["blocked"]["type"], "boolean", "{user}");
    assert!(
        user["name"]["type"]
            .as_array()
            .is_some_and(|t| t.contains(&"null".into())),
        "{user}"
    );

    // The pattern's ranges are the characters `Text` refuses: C0 and C1 controls but
    // tab and newline.
    for (i, (c, allowed)) in [
        ('\u{1}', false),
        ('\u{7f}', false),
        ('\u{85}', false),
        ('\n', true),
        ('\t', true),
    ]
    .into_iter()
    .enumerate()
    {
        let create = app
            .admin(Method::POST, "/api/v1/app/user")
            .json(&serde_json::json!({
                "role": "AppMember",
                "user_info": {"email": format!("bounds{i}@example.com"), "name": format!("A{c}B")},
            }));
        if allowed {
            create.status(201).await;
        } else {
            let body = create.problem(400, "validation_failed").await;
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("control characters"),
                "{body}"
            );
        }
    }

    // Every documented page number is served, the largest with the largest page size.
    let page = doc["paths"]["/api/v1/app/user"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "page")
        .unwrap()
        .clone();
    let search = doc["paths"]["/api/v1/app/user"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "search")
        .unwrap()
        .clone();
    assert_eq!(
        search["schema"]["pattern"], r"^[^\u0000-\u001F\u007F-\u009F]*$",
        "{search}"
    );
    assert_eq!(search["schema"]["maxLength"], 200, "{search}");
    let max = page["schema"]["maximum"].as_f64().unwrap();
    assert_eq!(max, 1e15);
    let body = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/user?page={max:.0}&page_size=100"),
        )
        .ok()
        .await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(0), "{body}");
}
