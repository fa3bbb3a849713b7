//! Bodies over 1 MiB: 413 on every operation of the document that takes a body, but the
//! streamed uploads (`application/x-ndjson`: a user import, up to
//! `ROSTER_IMPORT_MAX_BYTES`, whose 413 `app::users::import_http` tests).

use roster_e2e::Reply;

use super::calls::{concrete, request};
use crate::platform::hardening::operations::{operations, Operation};
use crate::platform::hardening::tenants::World;

#[tokio::test]
async fn every_body_over_one_mib_is_413() {
    let world = World::new().await;
    let ops = operations(&world.slack.app).await;
    let with_body: Vec<&Operation> = ops
        .iter()
        .filter(|op| op.takes_body())
        .filter(|op| op.body_type().as_deref() != Some("application/x-ndjson"))
        .collect();
    assert!(
        with_body.len() >= 25,
        "{} operations take a body",
        with_body.len()
    );
    let mut tried = 0;
    let mut failures = Vec::new();
    for op in &with_body {
        let form = op.body_type().as_deref() == Some("application/x-www-form-urlencoded");
        let filler = "x".repeat(1 << 20);
        let (content_type, body) = if form {
            (
                "application/x-www-form-urlencoded",
                format!("text={filler}"),
            )
        } else {
            ("application/json", format!("{{\"name\": \"{filler}\"}}"))
        };
        let path = concrete(&world, &op.path);
        for chunked in [false, true] {
            tried += 1;
            let req = request(&world, &op.method, &path).header("content-type", content_type);
            let req = if chunked {
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
                    .as_bytes()
                    .chunks(64 * 1024)
                    .map(|c| Ok(c.to_vec()))
                    .collect();
                req.body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                    chunks,
                )))
            } else {
                req.body(body.clone())
            };
            let how = if chunked {
                "chunked"
            } else {
                "with Content-Length"
            };
            match req.send().await {
                Ok(res) => {
                    let reply = Reply::read(format!("{} {path} ({how})", op.method), res).await;
                    if reply.status != 413 || reply.json()["code"] != "payload_too_large" {
                        failures.push(reply.to_string());
                    }
                }
                Err(e) => failures.push(format!("{} {path} ({how}): {e}", op.method)),
            }
        }
    }
    eprintln!(
        "limits: {} operations with a body, {tried} requests over 1 MiB, {} failures",
        with_body.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
