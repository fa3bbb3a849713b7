//! SCIM tokens and Slack in the console: a SCIM token shown once beside the base URL,
//! working on `/scim/v2`, then revoked; a Slack workspace's linked users, shown on the
//! user's page too, and one unlinked; another org's token and team are 404s.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{action, value_of, Browser, ORIGIN};

#[tokio::test]
async fn a_scim_token_is_shown_once_beside_the_base_url_works_and_is_revoked() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    let page = browser.page("/console/scim").await;
    assert_eq!(value_of(&page, "base-url"), format!("{ORIGIN}/scim/v2"));
    let created = browser
        .submit("/console/scim", "/console/scim", &[("name", "Okta")])
        .await
        .expect(201);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let secret = value_of(&created.text, "secret");
    assert!(secret.starts_with("rscim_"), "{secret}");
    let scim = |token: &str| {
        app.anon(Method::GET, "/scim/v2/Users?count=1")
            .bearer_auth(token.to_owned())
    };
    scim(&secret).status(200).await;
    let again = browser.page("/console/scim").await;
    assert!(again.contains("Okta") && !again.contains(&secret));
    let revoke = action(&again, "/console/scim/scimtok_");
    browser
        .submit("/console/scim", &revoke, &[])
        .await
        .expect(303);
    scim(&secret).status(401).await;
    let events = app
        .admin(Method::GET, "/api/v1/app/audit-events?type=scim_token.*")
        .ok()
        .await;
    assert_eq!(events["data"].as_array().unwrap().len(), 2, "{events}");
    // A blank name is the API's rule; another org's token, or one gone, a 404.
    browser
        .submit("/console/scim", "/console/scim", &[("name", "")])
        .await
        .expect(400);
    browser
        .submit("/console/scim", &revoke, &[])
        .await
        .expect(404);
    let beta = app.bootstrap("beta", "admin@beta.test").await;
    let theirs = app
        .as_user(
            &beta.token,
            &beta.org_slug,
            Method::POST,
            "/api/v1/app/scim-tokens",
        )
        .json(&json!({"name": "Entra"}))
        .created()
        .await;
    let path = format!("/console/scim/{}/revoke", theirs["id"].as_str().unwrap());
    browser
        .submit("/console/scim", &path, &[])
        .await
        .expect(404);
    scim(theirs["token"].as_str().unwrap()).status(200).await;
}

#[tokio::test]
async fn an_admin_sees_a_slack_workspace_and_its_links_and_unlinks_one() {
    let app = TestApp::spawn().await;
    let zoe = app.create_user("zoe@acme.test", "AppMember").await;
    let zoe = zoe["id"].as_str().unwrap();
    let admin = app.admin.clone();
    app.slack_linked(&admin, "T0ACME1", zoe, "U0ZOE", None)
        .await;
    let browser = Browser::boss(&app).await;
    let list = browser.page("/console/slack").await;
    assert!(
        list.contains("<a href=\"/console/slack/T0ACME1\">Team T0ACME1</a>"),
        "{list}"
    );
    let team = browser.page("/console/slack/T0ACME1").await;
    assert!(
        team.contains("U0ZOE on Slack") && team.contains(zoe),
        "{team}"
    );
    let user = browser.page(&format!("/console/users/{zoe}")).await;
    assert!(
        user.contains("Linked to <strong>U0ZOE on Slack</strong>"),
        "{user}"
    );
    assert!(
        user.contains("<li>Slack <span"),
        "the Slack integration: {user}"
    );

    let unlink = action(&team, "/console/slack/T0ACME1/links/U0ZOE/unlink");
    browser
        .submit("/console/slack/T0ACME1", &unlink, &[])
        .await
        .expect(303);
    assert!(!app.slack_connected(&admin, zoe).await, "unlinked");
    let after = browser.page(&format!("/console/users/{zoe}")).await;
    assert!(after.contains("Not linked to Slack.") && after.contains("No integration."));
    let events = app
        .admin(
            Method::GET,
            "/api/v1/app/audit-events?type=slack.user_unlinked",
        )
        .ok()
        .await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1, "{events}");
    // Unlinked twice: the API's 404.
    browser
        .submit("/console/slack/T0ACME1", &unlink, &[])
        .await
        .expect(404);
}

#[tokio::test]
async fn another_orgs_slack_team_and_group_are_404_pages() {
    let app = TestApp::spawn().await;
    let beta = app.bootstrap("beta", "admin@beta.test").await;
    app.slack_linked(&beta, "T0BETA1", &beta.user_id, "U0BETA", None)
        .await;
    let theirs = app
        .as_user(
            &beta.token,
            &beta.org_slug,
            Method::POST,
            "/api/v1/app/groups",
        )
        .json(&json!({"display_name": "Beta team"}))
        .created()
        .await;
    let group = theirs["id"].as_str().unwrap();
    let browser = Browser::boss(&app).await;
    for path in [
        "/console/slack/T0BETA1".to_owned(),
        "/console/slack/nope".to_owned(),
        format!("/console/groups/{group}"),
        "/console/groups/nope".to_owned(),
    ] {
        browser.get(&path).status(404).await;
    }
    let me = app.admin.user_id.clone();
    for (path, fields) in [
        (
            "/console/slack/T0BETA1/links/U0BETA/unlink".to_owned(),
            vec![],
        ),
        (
            format!("/console/groups/{group}/members"),
            vec![("user_id", me.as_str())],
        ),
        (
            format!("/console/users/{me}/groups"),
            vec![("group_id", group)],
        ),
        (
            format!("/console/groups/{group}/members/{}/remove", beta.user_id),
            vec![],
        ),
    ] {
        browser
            .submit("/console/slack", &path, &fields)
            .await
            .expect(404);
    }
    assert!(
        app.slack_connected(&beta, &beta.user_id).await,
        "their link stays"
    );
}
