//! The log a newcomer reads: one structured line per request (INFO for a 4xx, with the
//! route, status, problem code, request id and duration), no request input, and no
//! colour codes when the output is not a terminal.

use reqwest::Method;
use serde_json::Value;

use super::process::GatewayProcess;

/// The JSON log lines of requests to `route`.
fn request_lines(gateway: &GatewayProcess, route: &str) -> Vec<Value> {
    gateway
        .lines()
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["route"] == route)
        .collect()
}

#[tokio::test]
async fn each_request_is_one_line_at_info_without_its_input() {
    let gateway = GatewayProcess::start("json").await;
    let client = reqwest::Client::new();
    let secret_email = "grace.hopper@example.test";
    let res = client
        .request(
            Method::POST,
            gateway.url(&format!("/api/auth/sign-in/email?hint={secret_email}")),
        )
        .json(&serde_json::json!({"email": secret_email, "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let res = client
        .get(gateway.url(&format!("/no/such/{secret_email}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = client.get(gateway.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    gateway.wait_for_line(|l| l.contains("/healthz")).await;

    let sign_in = request_lines(&gateway, "/api/auth/sign-in/email");
    assert_eq!(sign_in.len(), 1, "{:#?}", gateway.lines());
    let line = &sign_in[0];
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["method"], "POST", "{line}");
    assert_eq!(line["status"], 401, "{line}");
    assert_eq!(line["code"], "unauthorized", "{line}");
    assert_eq!(line["span"]["request_id"], request_id, "{line}");
    assert!(line["duration_ms"].as_f64().is_some(), "{line}");
    let unmatched = request_lines(&gateway, "unmatched");
    assert_eq!(unmatched.len(), 1, "{:#?}", gateway.lines());
    assert_eq!(unmatched[0]["level"], "INFO");
    assert_eq!(unmatched[0]["code"], "route_not_found");
    let health = request_lines(&gateway, "/healthz");
    assert_eq!(health[0]["level"], "INFO");
    assert!(health[0].get("code").is_none(), "{}", health[0]);

    let log = gateway.lines().join("\n");
    for leaked in [secret_email, "hint=", "wrong-password", "/no/such"] {
        assert!(!log.contains(leaked), "the log holds {leaked}: {log}");
    }
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "{log}");
}

#[tokio::test]
async fn a_log_that_is_not_a_terminal_has_no_colour_codes() {
    let gateway = GatewayProcess::start("pretty").await;
    let res = reqwest::get(gateway.url("/nope")).await.unwrap();
    assert_eq!(res.status(), 404);
    let line = gateway
        .wait_for_line(|l| l.contains("route_not_found"))
        .await;
    assert!(line.contains(" INFO "), "{line}");
    assert!(line.contains("status=404"), "{line}");
    let log = gateway.lines().join("\n");
    assert!(!log.contains('\u{1b}'), "ANSI escapes in {log:?}");
}

#[tokio::test]
async fn what_an_operator_must_act_on_is_a_warning_with_its_detail() {
    let gateway = GatewayProcess::start("json").await;
    // No SLACK_SIGNING_SECRET: slash commands are unavailable until the operator sets it.
    let res = reqwest::Client::new()
        .post(gateway.url("/work-apps/slack/commands"))
        .body("team_id=T1&user_id=U1&command=%2Froster&text=help")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    gateway
        .wait_for_line(|l| l.contains("/work-apps/slack/commands"))
        .await;
    let lines = request_lines(&gateway, "/work-apps/slack/commands");
    assert_eq!(lines.len(), 1, "{:#?}", gateway.lines());
    assert_eq!(lines[0]["level"], "WARN", "{}", lines[0]);
    assert_eq!(lines[0]["code"], "unavailable", "{}", lines[0]);
    let detail = lines[0]["detail"].as_str().unwrap();
    assert!(detail.contains("SLACK_SIGNING_SECRET"), "{detail}");
    let log = gateway.lines().join("\n");
    assert!(!log.contains("team_id") && !log.contains("U1"), "{log}");
}
