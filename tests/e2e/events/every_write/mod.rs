//! One event per write, over every mutating operation of the served `/openapi.json`: each
//! POST, PUT, PATCH and DELETE has a recipe (`recipes/`, a file per family) that makes one valid call,
//! which must write exactly the events it names, and one failing call (a duplicate, an
//! unknown id, a bad body), which must write none. An operation without a recipe fails
//! the test, unless `NOT_WRITES` says why it writes nothing; so a new route cannot escape.

mod recipes;

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use roster_e2e::{Expect, TestApp};

use crate::platform::hardening::operations::operations;
use crate::slack::Slack;
use recipes::{recipe, Fixture};

/// Operations that change nothing an event could report, each with its reason.
const NOT_WRITES: &[(&str, &str)] = &[
    (
        "search_all",
        "a SCIM query sent as POST (RFC 7644 §3.4.3): reads",
    ),
    (
        "search_scim_users",
        "a SCIM query sent as POST (RFC 7644 §3.4.3): reads",
    ),
    (
        "search_scim_groups",
        "a SCIM query sent as POST (RFC 7644 §3.4.3): reads",
    ),
    (
        "send_verification_email",
        "queues a mail (the mail outbox), changes no resource",
    ),
    (
        "request_password_reset",
        "queues a mail (the mail outbox), changes no resource",
    ),
];

/// The longest any one step of the walk may take: a step that hangs fails, naming its
/// operation, instead of holding the whole run.
const STEP: Duration = Duration::from_secs(60);

/// `step` of `operation`, within [`STEP`].
async fn within<T>(operation: &str, step: &str, work: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP, work)
        .await
        .unwrap_or_else(|_| panic!("every_write: {operation}: {step} took over {STEP:?}"))
}

#[derive(diesel::QueryableByName, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    actor_type: String,
}

/// Every event of the database (of every org: an install may write in another's).
async fn events(app: &TestApp) -> BTreeSet<Row> {
    let mut conn = app.pool.get().await.expect("conn");
    diesel::sql_query("SELECT id, type AS kind, actor_type FROM events")
        .load::<Row>(&mut conn)
        .await
        .expect("events")
        .into_iter()
        .collect()
}

/// The events written since `before`.
async fn new_events(app: &TestApp, before: &BTreeSet<Row>) -> Vec<Row> {
    events(app).await.difference(before).cloned().collect()
}

#[tokio::test]
async fn every_mutating_operation_writes_one_event_and_a_failed_one_none() {
    let slack = Slack::start().await;
    let fixture = within("-", "the fixture", Fixture::new(&slack)).await;
    let app = &slack.app;
    let mut missing = Vec::new();
    let mut covered = 0;
    for op in within("-", "the operations", operations(app)).await {
        if !["post", "put", "patch", "delete"].contains(&op.method.as_str()) {
            continue;
        }
        let id = op.op["operationId"]
            .as_str()
            .expect("operationId")
            .to_owned();
        if NOT_WRITES.iter().any(|(name, _)| *name == id) {
            continue;
        }
        eprintln!("every_write: {id}");
        let Some(recipe) = within(&id, "its prerequisites", recipe(&fixture, &id)).await else {
            missing.push(format!("{} {} ({id})", op.method, op.path));
            continue;
        };
        let before = within(&id, "reading events", events(app)).await;
        let reply = within(&id, "the successful call", recipe.ok.reply()).await;
        assert!(
            reply.status == recipe.ok_status,
            "{id}: wanted {}, got {reply}",
            recipe.ok_status
        );
        let written = within(&id, "reading events", new_events(app, &before)).await;
        let mut kinds: Vec<&str> = written.iter().map(|e| e.kind.as_str()).collect();
        kinds.sort_unstable();
        let mut want = recipe.events.to_vec();
        want.sort_unstable();
        assert_eq!(kinds, want, "{id}: the events of one successful call");
        if let Some(actor) = recipe.actor {
            for event in &written {
                assert_eq!(event.actor_type, actor, "{id}: the actor of {event:?}");
            }
        }

        let before = within(&id, "reading events", events(app)).await;
        let (status, code) = recipe.fail_as;
        let failed = within(&id, "the failing call", recipe.fail.reply()).await;
        match code {
            Some(code) => {
                failed.problem(status, code);
            }
            None => {
                failed.expect(status);
            }
        }
        let written = within(&id, "reading events", new_events(app, &before)).await;
        assert!(written.is_empty(), "{id}: a failed call wrote {written:?}");
        covered += 1;
    }
    assert!(
        missing.is_empty(),
        "mutating operations without a recipe in tests/e2e/events/every_write/recipes/ \
         (or a reason in NOT_WRITES): {missing:#?}"
    );
    assert!(covered >= 68, "only {covered} operations were checked");
}
