//! External users in the console: workspaces, their API keys (shown once, working, then
//! revoked), their channels, tiers and groups, and their external users under the API's
//! filters; another org's workspace is a 404.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{action, assert_html, href, value_of, Browser};

#[tokio::test]
async fn an_admin_creates_a_workspace_and_a_key_shown_once_then_revokes_it() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    let created = browser
        .submit(
            "/console/workspaces",
            "/console/workspaces",
            &[("name", "Help centre")],
        )
        .await
        .expect(303);
    let page = created.header("location").unwrap().to_owned();
    let id = page.trim_start_matches("/console/workspaces/").to_owned();
    let api = app
        .admin(Method::GET, &format!("/api/v1/app/workspaces/{id}"))
        .ok()
        .await;
    assert_eq!(api["name"], "Help centre");
    let list = browser.page("/console/workspaces").await;
    assert_eq!(href(&list, "/console/workspaces/"), page);
    // A blank name is the API's rule.
    let blank = browser
        .submit(
            "/console/workspaces",
            "/console/workspaces",
            &[("name", "")],
        )
        .await
        .expect(400);
    assert!(blank.text.contains("name"), "{blank}");

    let keyed = browser
        .submit(&page, &format!("{page}/keys"), &[("name", "widget")])
        .await
        .expect(201);
    assert_eq!(keyed.header("cache-control"), Some("no-store"));
    let secret = value_of(&keyed.text, "secret");
    assert!(secret.starts_with("rxk_"), "{secret}");
    app.external(&secret, Method::GET, "/api/v1/channels")
        .ok()
        .await;
    let again = browser.page(&page).await;
    assert!(again.contains("widget") && !again.contains(&secret));
    let action = action(&again, &format!("/console/workspaces/{id}/keys/"));
    browser.submit(&page, &action, &[]).await.expect(303);
    app.external(&secret, Method::GET, "/api/v1/channels")
        .problem(401, "unauthorized")
        .await;
    // Revoked twice: the API's 404.
    browser.submit(&page, &action, &[]).await.expect(404);
}

#[tokio::test]
async fn channels_tiers_and_groups_are_added_from_the_workspace_page() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let browser = Browser::boss(&app).await;
    let page = format!("/console/workspaces/{}", ws.id);
    for (kind, name, api) in [
        ("channels", "Website", "/api/v1/channels"),
        ("tiers", "Gold", "/api/v1/tiers"),
        ("groups", "Acme Corp", "/api/v1/external-user-groups"),
    ] {
        let added = browser
            .submit(&page, &format!("{page}/{kind}"), &[("name", name)])
            .await
            .expect(303);
        assert_eq!(added.header("location"), Some(page.as_str()));
        let listed = app.external(&ws.api_key, Method::GET, api).ok().await;
        assert_eq!(listed[0]["name"], name, "{kind}: {listed}");
        // A blank name is the API's rule, naming the field.
        let blank = browser
            .submit(&page, &format!("{page}/{kind}"), &[("name", " ")])
            .await
            .expect(400);
        assert!(blank.text.contains("name"), "{kind}: {blank}");
    }
    let html = browser.page(&page).await;
    for name in ["<li>Website</li>", "<li>Gold</li>", "<li>Acme Corp</li>"] {
        assert!(html.contains(name), "{name}: {html}");
    }
    // Nothing else is a catalogue.
    browser
        .submit(&page, &format!("{page}/projects"), &[("name", "x")])
        .await
        .expect(404);
}

#[tokio::test]
async fn external_users_are_listed_with_the_filters_of_the_api() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = &ws.api_key;
    let web = app.channel(key, "Website").await;
    let phone = app.channel(key, "Phone").await;
    let gold = app.tier(key, "Gold").await;
    let acme = app.group(key, "Acme Corp").await;
    for (name, channel, tier, group) in [
        ("Ada Lovelace", &web, Some(&gold), Some(&acme)),
        ("Alan Turing", &web, None, None),
        ("Grace Hopper", &phone, Some(&gold), None),
    ] {
        app.external_create(
            key,
            "/api/v1/external-users",
            json!({"name": name, "channelId": channel, "tierId": tier,
                   "externalUserGroupId": group, "identifier": name.to_lowercase()}),
        )
        .await;
    }
    let browser = Browser::boss(&app).await;
    let base = format!("/console/workspaces/{}", ws.id);
    let page = browser.page(&base).await;
    for name in ["Website", "Phone", "Gold", "Acme Corp", "tests"] {
        assert!(page.contains(name), "{name}: {page}");
    }
    let users = format!("{base}/users");
    let all = browser.page(&users).await;
    assert!(all.contains("<strong id=\"total\">3</strong>"), "{all}");
    // The API's names; a blank select is no filter.
    for (query, total, shown) in [
        (format!("channelIds={web}&tierIds="), 2, "Alan Turing"),
        (format!("tierIds={gold}"), 2, "Grace Hopper"),
        (format!("externalUserGroupIds={acme}"), 1, "Ada Lovelace"),
        ("search=hopper&channelIds=".to_owned(), 1, "Grace Hopper"),
        (
            format!("channelIds={phone}&tierIds={gold}"),
            1,
            "Grace Hopper",
        ),
    ] {
        let html = browser.page(&format!("{users}?{query}")).await;
        assert!(
            html.contains(&format!("<strong id=\"total\">{total}</strong>")),
            "{query}: {html}"
        );
        assert!(html.contains(shown), "{query}: {shown}");
    }
    let chosen = browser.page(&format!("{users}?tierIds={gold}")).await;
    assert!(
        chosen.contains(&format!("<option value=\"{gold}\" selected>")),
        "{chosen}"
    );
    // Numbered pages, as the API's.
    let first = browser.page(&format!("{users}?pageSize=2")).await;
    let next = href(&first, &format!("{users}?pageSize=2&pageNumber=2"));
    let second = browser.page(&next).await;
    assert!(second.contains("Grace Hopper") && !second.contains("Ada Lovelace"));
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
    // A bad filter is the API's 400, naming it.
    let bad = browser
        .get(&format!("{users}?channelIds=nope"))
        .status(400)
        .await;
    assert!(bad.text.contains("channelIds"), "{bad}");
    browser
        .get(&format!("{users}?pageSize=1000"))
        .status(400)
        .await;
}

#[tokio::test]
async fn another_orgs_workspace_and_keys_are_404_pages() {
    let app = TestApp::spawn().await;
    let beta = app.bootstrap("beta", "admin@beta.test").await;
    let theirs = app.workspace_of(&beta).await;
    let keys = app
        .as_user(
            &beta.token,
            &beta.org_slug,
            Method::GET,
            &format!("/api/v1/app/workspaces/{}/api-keys", theirs.id),
        )
        .ok()
        .await;
    let key = keys["data"][0]["id"].as_str().unwrap().to_owned();
    let browser = Browser::boss(&app).await;
    let ws = &theirs.id;
    for path in [
        format!("/console/workspaces/{ws}"),
        format!("/console/workspaces/{ws}/users"),
        "/console/workspaces/nope".to_owned(),
    ] {
        assert_html(&browser.get(&path).status(404).await);
    }
    let mine = browser.page("/console/workspaces").await;
    assert!(!mine.contains(ws.as_str()));
    for (path, fields) in [
        (
            format!("/console/workspaces/{ws}/keys"),
            vec![("name", "x")],
        ),
        (
            format!("/console/workspaces/{ws}/keys/{key}/revoke"),
            vec![],
        ),
    ] {
        browser
            .submit("/console/workspaces", &path, &fields)
            .await
            .expect(404);
    }
    // Their key still works, and their workspace has no channel.
    let channels = app
        .external(&theirs.api_key, Method::GET, "/api/v1/channels")
        .ok()
        .await;
    assert_eq!(channels, json!([]));
}
