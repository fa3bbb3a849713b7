//! The tenant of a Slack request: `tenantId`, else the `x-org` header, else the session's
//! org, else `default`; a 403 names the org it resolved.

use reqwest::Method;
use roster_e2e::Expect;

use super::{Slack, TEAM};

#[tokio::test]
async fn x_org_names_the_tenant_when_tenant_id_is_absent() {
    let slack = Slack::start().await;
    slack.register(TEAM, "Acme").await;
    slack.app.bootstrap("globex", "admin@globex.test").await;
    let list =
        |query: &str| slack.admin(Method::GET, &format!("/work-apps/slack/workspaces{query}"));
    // Neither: the org `default`, which this admin is not in.
    let p = list("").problem(403, "not_a_member").await;
    assert!(p["detail"].as_str().unwrap().contains("`default`"), "{p}");
    let body = list("").header("x-org", "acme").ok().await;
    assert!(body.to_string().contains(TEAM), "{body}");
    let p = list("")
        .header("x-org", "globex")
        .problem(403, "not_a_member")
        .await;
    assert!(p["detail"].as_str().unwrap().contains("x-org"), "{p}");
    let p = list("?tenantId=globex").problem(403, "not_a_member").await;
    assert!(p["detail"].as_str().unwrap().contains("tenantId"), "{p}");
    // tenantId wins over x-org.
    let body = list("?tenantId=acme").header("x-org", "globex").ok().await;
    assert!(body.to_string().contains(TEAM), "{body}");
    list("")
        .header("x-org", "x".repeat(101))
        .problem(400, "invalid_org_header")
        .await;
    list("")
        .header("x-org", "  ")
        .problem(403, "not_a_member")
        .await;
}
