//! Empty files, dry runs, skip twice, updates, the export round trip, and two writers.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use roster_devkit::db::TestDb;
use roster_identity::imports::{self, export, Counts, Format, ImportOptions, OnConflict};

use crate::helpers::*;

#[tokio::test]
async fn empty_files_dry_runs_and_skip_twice_change_nothing() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let org_id = org(&mut conn, "acme").await;
    for format in [Format::Ndjson, Format::Csv, Format::Auth0] {
        let (counts, errors) =
            import(&mut conn, &org_id, "", format, OnConflict::Fail, false).await;
        assert_eq!((counts, errors.len()), (Counts::default(), 0));
    }
    assert_eq!(events_of(&mut conn, &org_id, "import.completed").await, 3);
    let file = "{\"email\":\"ada@acme.test\"}\n{\"email\":\"grace@acme.test\",\"role\":\"x\"}\n";
    let (dry, errors) = import(
        &mut conn,
        &org_id,
        file,
        Format::Ndjson,
        OnConflict::Fail,
        true,
    )
    .await;
    assert_eq!((dry.created, dry.failed, errors.len()), (1, 1, 1));
    assert_eq!(users_of(&mut conn, &org_id).await, 0);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM events WHERE org_id = $1",
            &org_id
        )
        .await,
        3
    );
    assert_eq!(counted(&mut conn, &org_id).await, 0);
    let (first, _) = import(
        &mut conn,
        &org_id,
        file,
        Format::Ndjson,
        OnConflict::Skip,
        false,
    )
    .await;
    assert_eq!(first, dry);
    let events = count(
        &mut conn,
        "SELECT count(*) AS n FROM events WHERE org_id = $1 AND type <> 'import.completed'",
        &org_id,
    )
    .await;
    let (second, _) = import(
        &mut conn,
        &org_id,
        file,
        Format::Ndjson,
        OnConflict::Skip,
        false,
    )
    .await;
    assert_eq!((second.created, second.skipped, second.failed), (0, 1, 1));
    let after = count(
        &mut conn,
        "SELECT count(*) AS n FROM events WHERE org_id = $1 AND type <> 'import.completed'",
        &org_id,
    )
    .await;
    assert_eq!((users_of(&mut conn, &org_id).await, after), (1, events));
    let (failed, errors) = import(
        &mut conn,
        &org_id,
        file,
        Format::Ndjson,
        OnConflict::Fail,
        false,
    )
    .await;
    assert_eq!(failed.failed, 2);
    assert_eq!(
        codes(&errors),
        vec![(1, "email_taken"), (2, "unknown_role")]
    );
}

#[tokio::test]
async fn update_changes_what_differs_and_keeps_an_admin() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let org_id = org(&mut conn, "acme").await;
    let file =
        "{\"email\":\"ada@acme.test\",\"role\":\"AppAdmin\"}\n{\"email\":\"grace@acme.test\"}\n";
    import(
        &mut conn,
        &org_id,
        file,
        Format::Ndjson,
        OnConflict::Fail,
        false,
    )
    .await;
    let change = "{\"email\":\"ADA@acme.test\",\"role\":\"AppMember\"}\n{\"email\":\"grace@acme.test\",\"name\":\"Grace Hopper\"}\n{\"email\":\"alan@acme.test\"}\n";
    let (counts, errors) = import(
        &mut conn,
        &org_id,
        change,
        Format::Ndjson,
        OnConflict::Update,
        false,
    )
    .await;
    assert_eq!(codes(&errors), vec![(1, "last_admin")]);
    assert_eq!((counts.created, counts.updated, counts.failed), (1, 1, 1));
    assert_eq!(events_of(&mut conn, &org_id, "user.updated").await, 1);
    let (again, _) = import(
        &mut conn,
        &org_id,
        &change[change.find('\n').unwrap() + 1..],
        Format::Ndjson,
        OnConflict::Update,
        false,
    )
    .await;
    assert_eq!((again.updated, again.skipped), (0, 2));
}

#[tokio::test]
async fn an_export_imported_into_another_org_gives_the_same_users() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let from = org(&mut conn, "from").await;
    let to = org(&mut conn, "to").await;
    let mut file = String::new();
    for i in 0..(export::PAGE as usize + 7) {
        file.push_str(&format!(
            "{{\"email\":\"u{i}@acme.test\",\"name\":\"User {i}\",\"state\":\"{}\",\"job_position_name\":\"J,\\\"{i}\\\"\"}}\n",
            if i % 5 == 0 { "Inactive" } else { "Active" }
        ));
    }
    let (counts, _) = import(
        &mut conn,
        &from,
        &file,
        Format::Ndjson,
        OnConflict::Fail,
        false,
    )
    .await;
    assert_eq!(counts.created, export::PAGE as u64 + 7);
    for format in [Format::Ndjson, Format::Csv] {
        let mut out = if format == Format::Csv {
            export::csv_header()
        } else {
            Vec::new()
        };
        let mut after = None;
        loop {
            let (page, next) = export::page(&mut conn, &from, after, format).await.unwrap();
            out.extend(page);
            match next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let target = if format == Format::Csv {
            org(&mut conn, "to-csv").await
        } else {
            to.clone()
        };
        let (counts, errors) = import(
            &mut conn,
            &target,
            std::str::from_utf8(&out).unwrap(),
            format,
            OnConflict::Fail,
            false,
        )
        .await;
        assert!(errors.is_empty(), "{:?}", &errors[..errors.len().min(3)]);
        assert_eq!(counts.created, export::PAGE as u64 + 7);
        let same = "SELECT count(*) AS n FROM users a JOIN users b ON b.org_id = $1 AND b.email = a.email \
             AND b.name = a.name AND b.state = a.state AND b.role = a.role AND b.created_at = a.created_at \
             AND b.job_position_name = a.job_position_name WHERE a.org_id = (SELECT id FROM orgs WHERE slug = 'from')";
        assert_eq!(count(&mut conn, same, &target).await, export::PAGE + 7);
    }
}

#[tokio::test]
async fn two_writers_write_every_batch_once_with_its_events_words_and_counts() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let mut spare = AsyncPgConnection::establish(&db.url).await.unwrap();
    let org_id = org(&mut conn, "acme").await;
    // Three batches of users (10,000 a batch): the first two written at once, the third
    // alone; a duplicate of line 1 in the second, an unknown role in the third.
    let mut file = String::new();
    for line in 1..=25_000u64 {
        let email = if line == 15_000 { 1 } else { line };
        let role = if line == 24_000 { "x" } else { "AppMember" };
        file.push_str(&format!(
            "{{\"email\":\"u{email}@acme.test\",\"name\":\"Quokka {line}\",\"role\":\"{role}\"}}\n"
        ));
    }
    let mut errors = Errors::default();
    let options = ImportOptions {
        format: Format::Ndjson,
        on_conflict: OnConflict::Fail,
        dry_run: false,
    };
    let counts = imports::run(
        &mut conn,
        Some(&mut spare),
        &org_id,
        "imp_two",
        file.as_bytes(),
        options,
        &mut errors,
    )
    .await
    .unwrap();
    let expected = Counts {
        read: 25_000,
        created: 24_998,
        failed: 2,
        ..Counts::default()
    };
    assert_eq!(counts, expected);
    assert_eq!(
        codes(&errors.0),
        [(15_000, "duplicate_in_file"), (24_000, "unknown_role")]
    );
    assert_eq!(users_of(&mut conn, &org_id).await, 24_998);
    assert_eq!(counted(&mut conn, &org_id).await, 24_998);
    assert_eq!(events_of(&mut conn, &org_id, "user.created").await, 24_998);
    assert_eq!(events_of(&mut conn, &org_id, "import.completed").await, 1);
    let searchable = "SELECT count(DISTINCT user_id) AS n FROM user_search_words \
                      WHERE org_id = $1 AND word = 'quokka'";
    assert_eq!(count(&mut conn, searchable, &org_id).await, 24_998);
}
