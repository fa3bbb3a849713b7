//! What an operator does in the console, each step checked through the API too.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

use super::{api_user, csrf_of, person, Browser};

#[tokio::test]
async fn an_admin_finds_a_user_deactivates_them_and_the_audit_log_shows_it() {
    let app = TestApp::spawn().await;
    person(&app, "boss@acme.test", "AppAdmin").await;
    let target = app.create_user("zoe.quill@acme.test", "AppMember").await;
    let id = target["id"].as_str().unwrap();
    let browser = Browser::new(&app);
    assert_eq!(
        browser
            .get("/console/")
            .status(303)
            .await
            .header("location"),
        Some("/console/sign-in")
    );
    browser.sign_in("boss@acme.test").await;
    assert_eq!(
        browser
            .get("/console/")
            .status(303)
            .await
            .header("location"),
        Some("/console/users")
    );

    let all = browser.page("/console/users").await;
    assert!(all.contains("<strong id=\"total\">3</strong>"), "{all}");
    let found = browser.page("/console/users?search=quill").await;
    assert!(found.contains("<strong id=\"total\">1</strong>"), "{found}");
    assert!(found.contains(&format!("href=\"/console/users/{id}\"")));
    assert!(!found.contains("boss@acme.test</td>"));

    let detail = browser.page(&format!("/console/users/{id}")).await;
    assert!(detail.contains("zoe.quill@acme.test") && detail.contains(">Active<"));
    let confirm = browser
        .page(&format!("/console/users/{id}/confirm?action=deactivate"))
        .await;
    assert!(confirm.contains(&format!("action=\"/console/users/{id}/deactivate\"")));
    let done = browser
        .post(
            &format!("/console/users/{id}/deactivate"),
            &[("csrf", &csrf_of(&confirm))],
        )
        .status(303)
        .await;
    assert_eq!(
        done.header("location"),
        Some(format!("/console/users/{id}").as_str())
    );
    let api = api_user(&app, id).await;
    assert_eq!(api["state"], "Inactive");
    let inactive = browser.page("/console/users?state=Inactive").await;
    assert!(
        inactive.contains("<strong id=\"total\">1</strong>"),
        "{inactive}"
    );

    let audit = browser
        .page(&format!("/console/audit?target_id={id}"))
        .await;
    assert!(audit.contains("user.deactivated"), "{audit}");
    assert!(audit.contains("user.created"), "{audit}");
    let events = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/audit-events?type=user.deactivated&target_id={id}"),
        )
        .ok()
        .await;
    assert_eq!(
        events["data"].as_array().unwrap().len(),
        1,
        "one event: {events}"
    );
}

#[tokio::test]
async fn users_page_through_cursor_pages_with_next_and_previous() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    for i in 0..23 {
        app.create_user(&format!("member{i:02}@acme.test"), "AppMember")
            .await;
    }
    let first = browser.page("/console/users?role=AppMember").await;
    assert!(first.contains("<strong id=\"total\">23</strong>"));
    assert!(!first.contains("rel=\"prev\""));
    let next = first
        .split("href=\"")
        .find_map(|s| {
            s.split_once("\" rel=\"next\"")
                .map(|(h, _)| h.replace("&#38;", "&").replace("&amp;", "&"))
        })
        .expect("a Next link");
    assert!(
        next.contains("role=AppMember") && next.contains("after="),
        "{next}"
    );
    let second = browser.page(&next).await;
    assert_eq!(
        second.matches("<tr>").count() - 1,
        3,
        "3 rows on page two: {next}"
    );
    assert!(second.contains("member22@acme.test") && !second.contains("member00@acme.test"));
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

#[tokio::test]
async fn a_token_created_in_the_console_is_shown_once_works_and_is_revoked() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    let created = browser
        .submit(
            "/console/tokens",
            "/console/tokens",
            &[("name", "ci deploy"), ("expires_in_days", "30")],
        )
        .await
        .expect(201);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let start = created.text.find("value=\"rpat_").expect("the secret") + 7;
    let secret = created.text[start..].split('"').next().unwrap().to_owned();
    app.as_user(&secret, &app.admin.org_slug, Method::GET, "/api/v1/app/me")
        .ok()
        .await;
    let again = browser.page("/console/tokens").await;
    assert!(again.contains("ci deploy") && !again.contains(&secret));
    let token_id = again
        .split("/console/tokens/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_owned();
    browser
        .post(
            &format!("/console/tokens/{token_id}/revoke"),
            &[("csrf", &csrf_of(&again))],
        )
        .status(303)
        .await;
    app.as_user(&secret, &app.admin.org_slug, Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn an_admin_creates_and_edits_a_user_and_signs_out() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    let reply = browser
        .submit(
            "/console/users",
            "/console/users",
            &[
                ("name", "Nia Park"),
                ("email", "nia@acme.test"),
                ("role", "AppMember"),
            ],
        )
        .await
        .expect(303);
    let location = reply.header("location").unwrap().to_owned();
    let id = location.trim_start_matches("/console/users/").to_owned();
    let edited = browser
        .submit(
            &location,
            &location,
            &[
                ("name", "Nia Park-Lee"),
                ("job_position_name", "Engineer"),
                ("role", "AppAdmin"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(edited.header("location"), Some(location.as_str()));
    let api = api_user(&app, &id).await;
    assert_eq!(api["name"], "Nia Park-Lee");
    assert_eq!(api["job_position_name"], "Engineer");
    assert_eq!(api["roles"][0], "AppAdmin");
    // A bad value: the API's rule and code, on a page.
    let bad = browser
        .submit(&location, &location, &[("name", &"x".repeat(300))])
        .await
        .expect(400);
    assert!(bad.text.contains("validation_failed"), "{bad}");

    let deleted = browser
        .submit(
            &format!("{location}/confirm?action=delete"),
            &format!("{location}/delete"),
            &[],
        )
        .await
        .expect(303);
    assert_eq!(deleted.header("location"), Some("/console/users"));
    app.admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .problem(404, "user_not_found")
        .await;

    browser
        .submit("/console/users", "/console/sign-out", &[])
        .await
        .expect(303);
    assert_eq!(
        browser
            .get("/console/users")
            .status(303)
            .await
            .header("location"),
        Some("/console/sign-in")
    );
}

#[tokio::test]
async fn an_account_in_two_orgs_chooses_one_then_switches() {
    let app = TestApp::spawn().await;
    person(&app, "boss@acme.test", "AppAdmin").await;
    let beta = app.bootstrap("beta", "boss@acme.test").await;
    let browser = Browser::new(&app);
    browser.sign_in("boss@acme.test").await;
    let first = browser.get("/console/users").status(303).await;
    assert_eq!(
        first.header("location"),
        Some("/console/orgs"),
        "no org chosen yet"
    );
    let chooser = browser.page("/console/orgs").await;
    assert!(
        chooser.contains("Org acme") && chooser.contains("Org beta"),
        "{chooser}"
    );
    let chosen = browser
        .post(
            "/console/orgs",
            &[
                ("csrf", &csrf_of(&chooser)),
                ("organization_id", &beta.org_id),
            ],
        )
        .status(303)
        .await;
    assert_eq!(chosen.header("location"), Some("/console/"));
    let users = browser.page("/console/users").await;
    assert!(
        users.contains("<strong id=\"total\">1</strong>"),
        "beta's one user: {users}"
    );
    assert!(
        users.contains("<label for=\"org-switch\">Org</label>"),
        "{users}"
    );
    browser
        .post(
            "/console/orgs",
            &[
                ("csrf", &csrf_of(&users)),
                ("organization_id", &app.admin.org_id),
            ],
        )
        .status(303)
        .await;
    let acme = browser.page("/console/users").await;
    assert!(
        acme.contains("<strong id=\"total\">2</strong>"),
        "acme's two users: {acme}"
    );
    // An org the account is not in is refused by the API's rule.
    let other = app.bootstrap("gamma", "someone@else.test").await;
    let refused = browser
        .post(
            "/console/orgs",
            &[
                ("csrf", &csrf_of(&acme)),
                ("organization_id", &other.org_id),
            ],
        )
        .reply()
        .await;
    assert!(refused.status >= 400, "{refused}");
}
