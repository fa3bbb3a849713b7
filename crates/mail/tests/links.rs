//! Issuing a link while the account is being deleted, on a database cloned from the
//! template: the sender holds its batch's claims on one connection and issues links on
//! another, and the deletion waits on those claims. Found by the fuzzing, where it left
//! three connections waiting on each other for ever and the gateway's pool empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_devkit::db::TestDb;
use roster_mail::links::{self, Purpose};

#[derive(diesel::QueryableByName)]
struct Waiting {
    #[diesel(sql_type = Bool)]
    waiting: bool,
}

async fn run(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql).execute(conn).await.unwrap();
}

#[tokio::test]
async fn a_link_for_an_account_being_deleted_fails_at_once_instead_of_waiting_for_ever() {
    let db = TestDb::new().await;
    let mut sender = AsyncPgConnection::establish(&db.url).await.unwrap();
    let mut deleter = AsyncPgConnection::establish(&db.url).await.unwrap();
    let mut links_conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    run(
        &mut sender,
        "INSERT INTO accounts (id, email, email_key, name) \
         VALUES ('acct_gone', 'gone@acme.test', 'gone@acme.test', 'Gone')",
    )
    .await;
    run(
        &mut sender,
        "INSERT INTO mail_outbox (id, recipient, subject, body, link_purpose, link_account_id) \
         VALUES ('mail_1', 'gone@acme.test', 'Verify', '{link}', 'verify_email', 'acct_gone')",
    )
    .await;

    // The sender's claim: the mail's row locked in an open transaction.
    run(&mut sender, "BEGIN").await;
    run(
        &mut sender,
        "SELECT id FROM mail_outbox WHERE id = 'mail_1' FOR UPDATE SKIP LOCKED",
    )
    .await;
    // The account's deletion: it locks the account, then waits on the claimed row.
    let pid: i32 = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
        "pg_backend_pid()",
    ))
    .get_result(&mut deleter)
    .await
    .unwrap();
    let deletion = tokio::spawn(async move {
        run(&mut deleter, "DELETE FROM accounts WHERE id = 'acct_gone'").await;
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let w: Waiting = diesel::sql_query(
            "SELECT coalesce(bool_or(wait_event_type = 'Lock'), false) AS waiting \
             FROM pg_stat_activity WHERE pid = $1",
        )
        .bind::<diesel::sql_types::Integer, _>(pid)
        .get_result(&mut links_conn)
        .await
        .unwrap();
        if w.waiting {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the deletion never waited on the claim"
        );
        tokio::task::yield_now().await;
    }

    // The sender issues the mail's link meanwhile: an error within the lock wait, not a
    // wait on the deletion that waits on the sender.
    let started = Instant::now();
    let issued = tokio::time::timeout(
        Duration::from_secs(20),
        links::issue(
            &mut links_conn,
            Purpose::VerifyEmail,
            "acct_gone",
            "gone@acme.test",
        ),
    )
    .await
    .expect("issuing the link waited on the deletion");
    assert!(issued.is_err(), "a link for an account being deleted");
    assert!(started.elapsed() < Duration::from_secs(10));

    // The sender records the attempt and commits; the deletion then goes through, and the
    // mail goes with the account.
    run(&mut sender, "COMMIT").await;
    tokio::time::timeout(Duration::from_secs(20), deletion)
        .await
        .expect("the deletion still waits")
        .unwrap();
    #[derive(diesel::QueryableByName)]
    struct Left {
        #[diesel(sql_type = Text)]
        left: String,
    }
    let left: Left = diesel::sql_query(
        "SELECT (SELECT count(*) FROM mail_outbox)::text || '/' || \
                (SELECT count(*) FROM accounts WHERE id = 'acct_gone')::text AS left",
    )
    .get_result(&mut sender)
    .await
    .unwrap();
    assert_eq!(left.left, "0/0");
}
