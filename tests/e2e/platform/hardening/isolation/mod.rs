//! Tenant isolation over every route: tenant A's credentials (API token, session cookie,
//! workspace API key, external access token, its Slack team, its browser) against
//! tenant B's ids answer 404, or the family's documented answer for a foreign tenant
//! (403 for a tenant the caller is not a user of; 409 for a Slack team connected
//! elsewhere; 400 for a Slack OAuth state or connect session of another tenant), no byte
//! of B's data appears in any answer, and B's rows are the same afterwards.

use reqwest::RequestBuilder;
use serde_json::{json, Value};

use super::db_scan;
use super::operations::{operations, Operation};
use super::tenants::World;
use crate::slack::no_redirects;

mod probes;
mod table;

use probes::Ctx;
use table::{routes, Probes};

/// What a probe must answer.
#[derive(Debug, Clone)]
pub enum Expect {
    /// One of these statuses.
    Status(Vec<u16>),
    /// 200 with an empty list (a filter on another tenant's ids matches nothing).
    EmptyList,
}

pub fn status(codes: &[u16]) -> Expect {
    Expect::Status(codes.to_vec())
}

pub struct Probe {
    pub label: String,
    pub req: RequestBuilder,
    pub expect: Expect,
    /// Values of B the caller itself brought into the request (not B's data in Roster),
    /// which the answer may name.
    pub echo: Vec<String>,
}

/// Whether a list answer is empty: `[]` (with `X-Total-Count: 0`) or a page with no data.
fn is_empty_list(body: &Value, total_header: Option<&str>) -> bool {
    match body {
        Value::Array(items) => items.is_empty() && total_header == Some("0"),
        Value::Object(page) if page.contains_key("Resources") => {
            page.get("Resources")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
                && page.get("totalResults") == Some(&json!(0))
        }
        Value::Object(page) => {
            page.get("data")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
                && page.get("total_count") == Some(&json!(0))
        }
        _ => false,
    }
}

/// What went wrong with one probe, if anything.
async fn run(probe: Probe, markers: &[String]) -> Option<String> {
    let res = match probe.req.send().await {
        Ok(res) => res,
        Err(e) => return Some(format!("{}: request failed: {e}", probe.label)),
    };
    let code = res.status().as_u16();
    let mut headers = String::new();
    for (name, value) in res.headers() {
        headers.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    let total = res
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = res.text().await.unwrap_or_default();
    let mut problems = Vec::new();
    match &probe.expect {
        Expect::Status(codes) if !codes.contains(&code) => {
            problems.push(format!("status {code}, expected one of {codes:?}"));
        }
        Expect::EmptyList => {
            let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if code != 200 || !is_empty_list(&value, total.as_deref()) {
                problems.push(format!("expected 200 and an empty list, got {code}"));
            }
        }
        Expect::Status(_) => {}
    }
    let everything = format!("{headers}\n{body}").to_lowercase();
    let leaked: Vec<&String> = markers
        .iter()
        .filter(|m| everything.contains(m.as_str()) && !probe.echo.contains(m))
        .collect();
    if !leaked.is_empty() {
        problems.push(format!("B's data in the answer: {leaked:?}"));
    }
    (!problems.is_empty())
        .then(|| format!("{}: {}; body: {body}", probe.label, problems.join("; ")))
}

/// The rows of the table, checked against the document: every operation has a row and
/// every row an operation.
pub fn rows_for(ops: &[Operation]) -> Vec<(&'static str, &'static str, Probes)> {
    let table = routes();
    let missing: Vec<String> = ops
        .iter()
        .filter(|op| {
            !table
                .iter()
                .any(|(m, p, _)| *m == op.method && *p == op.path)
        })
        .map(|op| format!("{} {}", op.method.to_uppercase(), op.path))
        .collect();
    assert!(
        missing.is_empty(),
        "operations of /openapi.json without a row in the isolation table: {missing:?}"
    );
    let stale: Vec<String> = table
        .iter()
        .filter(|(m, p, _)| !ops.iter().any(|op| op.method == *m && op.path == *p))
        .map(|(m, p, _)| format!("{} {p}", m.to_uppercase()))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for operations the document lacks: {stale:?}"
    );
    table
}

#[tokio::test]
async fn tenant_a_cannot_reach_or_see_tenant_b_on_any_route() {
    let world = World::new().await;
    let ops = operations(&world.slack.app).await;
    let table = rows_for(&ops);
    let markers: Vec<String> = world.b.markers().into_iter().collect();
    assert!(
        markers.len() > 40,
        "B's setup should leave many markers: {markers:?}"
    );
    let mut conn = world.slack.app.pool.get().await.unwrap();
    // B's webhook deliveries to a closed port retry 5 seconds on; on a loaded machine the
    // probes take longer than that, and a retry would count as a change to B's rows.
    // Settled here, before the snapshot: only A's requests may change anything after it.
    world
        .slack
        .app
        .sql(&format!(
            "UPDATE webhook_deliveries SET next_attempt_at = now() + interval '1 day' \
             WHERE org_id = '{}' AND state = 'pending'",
            world.b.org_id
        ))
        .await;
    let before = db_scan::rows_containing(&mut conn, &world.b.anchors()).await;
    assert!(before.len() > 20, "B's rows: {before:#?}");

    let ctx = Ctx {
        w: &world,
        client: no_redirects(),
    };
    let mut tried = 0;
    let mut failures = Vec::new();
    for (_, _, probes) in &table {
        for probe in probes(&ctx) {
            tried += 1;
            if let Some(failure) = run(probe, &markers).await {
                failures.push(failure);
            }
        }
    }
    // What anyone may read, after B's setup put B's ids in many paths: the metrics (on the
    // management address) label requests by route pattern, never by the ids in them.
    let app = &world.slack.app;
    for url in [app.management_url("/metrics"), app.url("/openapi.json")] {
        tried += 1;
        let probe = Probe {
            label: format!("GET {url} [anonymous, after B's traffic]"),
            req: ctx.client.get(url),
            expect: status(&[200]),
            echo: Vec::new(),
        };
        if let Some(failure) = run(probe, &markers).await {
            failures.push(failure);
        }
    }
    let after = db_scan::rows_containing(&mut conn, &world.b.anchors()).await;
    // B's deliveries move on by themselves (the deliverer retries them): not A's doing.
    let own_pace = |r: &&String| !r.starts_with("public.webhook_deliveries:");
    // B's rows, and any row of A that now names B's org, workspace or accounts.
    let changed: Vec<String> = before
        .iter()
        .filter(own_pace)
        .filter(|r| !after.contains(r))
        .map(|r| format!("B's row changed or gone: {r}"))
        .chain(
            after
                .iter()
                .filter(own_pace)
                .filter(|r| !before.contains(r))
                .map(|r| format!("new row naming B: {r}")),
        )
        .collect();
    eprintln!(
        "tenant isolation: {} operations, {tried} requests, {} failures, {} rows of B compared, {} changed",
        table.len(),
        failures.len(),
        before.len(),
        changed.len()
    );
    failures.extend(changed);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
