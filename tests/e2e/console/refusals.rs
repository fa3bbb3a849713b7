//! What the console refuses: a wrong password (a message, not a 401 page), a POST without
//! its CSRF token, an AppMember on the admin pages; and the headers of every page.

use roster_e2e::{Expect, TestApp};

use super::{api_user, assert_html, csrf_of, person, Browser, PASSWORD};

#[tokio::test]
async fn pages_carry_the_console_headers_and_a_labelled_sign_in_form() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let reply = browser.get("/console/sign-in").status(200).await;
    assert_eq!(
        reply.header("content-security-policy"),
        Some("default-src 'self'; form-action 'self'; frame-ancestors 'none'")
    );
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    for needle in [
        "<label for=\"email\">Email</label>",
        "<label for=\"password\">Password</label>",
        ">Sign in</button>",
    ] {
        assert!(reply.text.contains(needle), "{needle}: {reply}");
    }
    assert!(!reply.text.contains("<script"), "no script: {reply}");
    let css = browser.get("/console/static/console.css").status(200).await;
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
}

#[tokio::test]
async fn a_wrong_password_shows_a_message_on_the_form() {
    let app = TestApp::spawn().await;
    person(&app, "boss@acme.test", "AppAdmin").await;
    let browser = Browser::new(&app);
    let reply = browser
        .submit(
            "/console/sign-in",
            "/console/sign-in",
            &[("email", "boss@acme.test"), ("password", "not it")],
        )
        .await
        .expect(401);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(reply.text.contains("Wrong email or password."), "{reply}");
    assert!(reply.text.contains("value=\"boss@acme.test\""), "{reply}");
    assert!(reply.header("set-cookie").is_none());
}

#[tokio::test]
async fn a_post_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    person(&app, "boss@acme.test", "AppAdmin").await;
    let target = app.create_user("zoe@acme.test", "AppMember").await;
    let id = target["id"].as_str().unwrap();
    let browser = Browser::new(&app);
    // No token at sign-in either.
    let reply = browser
        .post(
            "/console/sign-in",
            &[("email", "boss@acme.test"), ("password", PASSWORD)],
        )
        .status(403)
        .await;
    assert!(reply.text.contains("csrf_failed"), "{reply}");
    browser.sign_in("boss@acme.test").await;
    let path = format!("/console/users/{id}/deactivate");
    for fields in [vec![], vec![("csrf", "0".repeat(64))]] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = browser.post(&path, &fields).status(403).await;
        assert!(reply.text.contains("csrf_failed"), "{reply}");
    }
    // Another session's token does not pass either.
    let other = Browser::new(&app);
    other.sign_in("boss@acme.test").await;
    let foreign = csrf_of(&other.page("/console/users").await);
    browser.post(&path, &[("csrf", &foreign)]).status(403).await;
    let api = api_user(&app, id).await;
    assert_eq!(api["state"], "Active");
    // A JSON body is no form.
    browser.post_json(&path).status(400).await;
}

#[tokio::test]
async fn an_app_member_sees_only_their_own_profile_and_tokens() {
    let app = TestApp::spawn().await;
    let me = person(&app, "member@acme.test", "AppMember").await;
    let my_id = me["id"].as_str().unwrap();
    let browser = Browser::new(&app);
    browser.sign_in("member@acme.test").await;
    assert_eq!(
        browser
            .get("/console/")
            .status(303)
            .await
            .header("location"),
        Some(format!("/console/users/{my_id}").as_str())
    );
    for path in [
        "/console/users".to_owned(),
        "/console/audit".to_owned(),
        format!("/console/users/{}", app.admin.user_id),
        format!("/console/users/{my_id}/confirm?action=delete"),
    ] {
        let reply = browser.get(&path).status(403).await;
        assert!(
            reply.text.contains("<h1>Not allowed</h1>"),
            "{path}: {reply}"
        );
        assert!(
            reply.text.contains("Your profile"),
            "the 403 page keeps the navigation"
        );
    }
    let own = browser.page(&format!("/console/users/{my_id}")).await;
    assert!(own.contains("member@acme.test") && !own.contains(">Deactivate<"));
    browser.page("/console/tokens").await;
    // A deactivate posted anyway is refused by the same rule.
    let token = csrf_of(&own);
    browser
        .post(
            &format!("/console/users/{}/deactivate", app.admin.user_id),
            &[("csrf", &token)],
        )
        .status(403)
        .await;
    // Its own name it may change, its role not.
    browser
        .post(
            &format!("/console/users/{my_id}"),
            &[("csrf", &token), ("name", "Mo"), ("role", "AppAdmin")],
        )
        .status(403)
        .await;
    browser
        .post(
            &format!("/console/users/{my_id}"),
            &[("csrf", &token), ("name", "Mo")],
        )
        .status(303)
        .await;
    let api = api_user(&app, my_id).await;
    assert_eq!(
        (api["name"].as_str(), api["roles"][0].as_str()),
        (Some("Mo"), Some("AppMember"))
    );
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_pages() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    for path in [
        "/console/users/user_0000000000000000",
        "/console/users/nope",
    ] {
        let reply = browser.get(path).status(404).await;
        assert_html(&reply);
    }
    let bad = browser
        .get("/console/users?state=Sleeping")
        .status(400)
        .await;
    assert!(bad.text.contains("state"), "{bad}");
}
