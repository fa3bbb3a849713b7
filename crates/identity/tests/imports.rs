//! `imports::run` and `imports::export` without HTTP, on a database cloned from the
//! template: the three forms, every kind of bad line, conflicts, dry runs, events,
//! counters and words, imported password hashes at sign-in, and the round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use argon2::password_hash::{PasswordHasher, SaltString};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::text::Slug;
use roster_devkit::db::TestDb;
use roster_identity::imports::{
    self, export, Counts, Format, ImportOptions, LineError, OnConflict,
};
use roster_identity::passwords::Hasher;
use roster_identity::{accounts, orgs, OrgId};

const PASSWORD: &str = "tangerine quokka 42";

/// Gathers the errors of every batch.
#[derive(Default)]
struct Errors(Vec<LineError>);

impl imports::Progress for Errors {
    async fn batch(
        &mut self,
        _: &mut AsyncPgConnection,
        _: &Counts,
        errors: Vec<LineError>,
    ) -> roster_core::error::DomainResult<()> {
        self.0.extend(errors);
        Ok(())
    }
}

async fn org(conn: &mut AsyncPgConnection, slug: &str) -> OrgId {
    orgs::create(conn, &Slug::parse("slug", slug).unwrap(), slug)
        .await
        .unwrap()
        .id
}

async fn import(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    file: &str,
    format: Format,
    on_conflict: OnConflict,
    dry_run: bool,
) -> (Counts, Vec<LineError>) {
    let mut errors = Errors::default();
    let options = ImportOptions {
        format,
        on_conflict,
        dry_run,
    };
    let counts = imports::run(
        conn,
        org_id,
        "imp_test",
        file.as_bytes(),
        options,
        &mut errors,
    )
    .await
    .unwrap();
    (counts, errors.0)
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(conn: &mut AsyncPgConnection, sql: &str, org_id: &OrgId) -> i64 {
    diesel::sql_query(sql)
        .bind::<Text, _>(org_id.as_str())
        .get_result::<N>(conn)
        .await
        .unwrap()
        .n
}

async fn users_of(conn: &mut AsyncPgConnection, org_id: &OrgId) -> i64 {
    count(
        conn,
        "SELECT count(*) AS n FROM users WHERE org_id = $1",
        org_id,
    )
    .await
}

async fn counted(conn: &mut AsyncPgConnection, org_id: &OrgId) -> i64 {
    count(
        conn,
        "SELECT coalesce(sum(n), 0)::bigint AS n FROM user_counts WHERE org_id = $1",
        org_id,
    )
    .await
}

async fn events_of(conn: &mut AsyncPgConnection, org_id: &OrgId, kind: &str) -> i64 {
    let sql = format!("SELECT count(*) AS n FROM events WHERE org_id = $1 AND type = '{kind}'");
    count(conn, &sql, org_id).await
}

fn codes(errors: &[LineError]) -> Vec<(u64, &str)> {
    errors.iter().map(|e| (e.line, e.code.as_str())).collect()
}

#[tokio::test]
async fn ndjson_with_every_kind_of_bad_line_imports_the_good_ones_and_reports_the_rest() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let org_id = org(&mut conn, "acme").await;
    let bcrypt = bcrypt::hash(PASSWORD, 4).unwrap();
    let file = format!(
        r#"{{"email":"ada@acme.test","name":"Ada Lovelace","role":"AppAdmin","password_hash":"{bcrypt}"}}
{{"email":"grace@acme.test","given_name":"Grace","family_name":"Hopper","created_at":"2020-01-02T03:04:05Z"}}
not json at all

{{"email":"ADA@acme.test","name":"Ada again"}}
{{"email":"alan@acme.test","role":"Owner"}}
{{"email":"barbara@acme.test","password_hash":"5f4dcc3b5aa765d61d8327deb882cf99"}}
{{"email":"not an email"}}
{{"name":"No Email"}}
{{"email":"edsger@acme.test","nickname":"ed"}}
{{"email":"katherine@acme.test","name":42}}
{{"email":"donald@acme.test","state":"Inactive"}}
{{"email":"cut@acme.test","na"#
    );
    let (counts, errors) = import(
        &mut conn,
        &org_id,
        &file,
        Format::Ndjson,
        OnConflict::Fail,
        false,
    )
    .await;
    assert_eq!(
        codes(&errors),
        vec![
            (3, "malformed_line"),
            (5, "duplicate_in_file"),
            (6, "unknown_role"),
            (7, "invalid_password_hash"),
            (8, "validation_failed"),
            (9, "validation_failed"),
            (10, "invalid_field"),
            (11, "invalid_field"),
            (13, "malformed_line"),
        ]
    );
    assert!(
        errors.iter().all(|e| !e.message.contains("5f4dcc3b")),
        "{errors:?}"
    );
    assert_eq!(errors[1].email.as_deref(), Some("ADA@acme.test"));
    assert_eq!(
        counts,
        Counts {
            read: 12,
            created: 3,
            updated: 0,
            skipped: 0,
            failed: 9
        }
    );
    assert_eq!(users_of(&mut conn, &org_id).await, 3);
    assert_eq!(counted(&mut conn, &org_id).await, 3);
    assert_eq!(events_of(&mut conn, &org_id, "user.created").await, 3);
    assert_eq!(events_of(&mut conn, &org_id, "import.completed").await, 1);
    let grace = count(
        &mut conn,
        "SELECT count(*) AS n FROM users WHERE org_id = $1 AND name = 'Grace Hopper' \
         AND created_at = '2020-01-02T03:04:05Z' AND role = 'AppMember'",
        &org_id,
    )
    .await;
    assert_eq!(grace, 1);
    let words = count(
        &mut conn,
        "SELECT count(*) AS n FROM user_search_words WHERE org_id = $1 AND word = 'lovelace'",
        &org_id,
    )
    .await;
    assert_eq!(words, 1);
    let inactive = count(
        &mut conn,
        "SELECT count(*) AS n FROM users WHERE org_id = $1 AND state = 'Inactive'",
        &org_id,
    )
    .await;
    assert_eq!(inactive, 1);
}

#[tokio::test]
async fn csv_and_auth0_forms_import_with_their_hashes_and_sign_in_upgrades_them() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let org_id = org(&mut conn, "acme").await;
    let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
    let argon2i = argon2::Argon2::new(
        argon2::Algorithm::Argon2i,
        argon2::Version::V0x13,
        argon2::Params::new(1024, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes(), &salt)
    .unwrap()
    .to_string();
    let pbkdf2 = pbkdf2::Pbkdf2
        .hash_password_customized(
            PASSWORD.as_bytes(),
            Some(pbkdf2::Algorithm::Pbkdf2Sha256.ident()),
            None,
            pbkdf2::Params {
                rounds: 1000,
                output_length: 32,
            },
            &salt,
        )
        .unwrap()
        .to_string();
    let csv = format!(
        "email,name,role,job_position_description,password_hash\n\
         ada@acme.test,Ada,AppAdmin,\"Counts,\nand computes\",\"{argon2i}\"\n\
         grace@acme.test,Grace,AppMember,,\"{pbkdf2}\"\n\
         alan@acme.test,Alan,AppMember\n\
         bad@acme.test,Bad,AppMember,,$2b$04$short\n"
    );
    let (counts, errors) = import(
        &mut conn,
        &org_id,
        &csv,
        Format::Csv,
        OnConflict::Fail,
        false,
    )
    .await;
    assert_eq!(
        codes(&errors),
        vec![(5, "malformed_line"), (6, "invalid_password_hash")]
    );
    assert_eq!((counts.created, counts.failed), (2, 2));
    let bcrypt = bcrypt::hash(PASSWORD, 4)
        .unwrap()
        .replacen("$2b$", "$2y$", 1);
    let auth0 = format!(
        r#"{{"user_id":"auth0|1","email":"katherine@acme.test","email_verified":true,"name":"Katherine Johnson","passwordHash":"{bcrypt}"}}
{{"user_id":"auth0|2","email":"donald@acme.test","given_name":"Donald","family_name":"Knuth","custom_password_hash":{{"algorithm":"bcrypt","hash":{{"value":"{bcrypt}"}}}}}}
"#
    );
    let (counts, errors) = import(
        &mut conn,
        &org_id,
        &auth0,
        Format::Auth0,
        OnConflict::Fail,
        false,
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(counts.created, 2);
    let pool = roster_core::db::pool(&db.url, 2).unwrap();
    let hasher = Hasher::new(1);
    for email in [
        "ada@acme.test",
        "grace@acme.test",
        "katherine@acme.test",
        "donald@acme.test",
    ] {
        accounts::verify_credentials(&pool, &hasher, email, PASSWORD)
            .await
            .unwrap();
        assert!(
            accounts::verify_credentials(&pool, &hasher, email, "wrong horse battery")
                .await
                .is_err()
        );
        let hash: Option<String> = roster_identity::schema::accounts::table
            .filter(roster_identity::schema::accounts::email.eq(email))
            .select(roster_identity::schema::accounts::password_hash)
            .first(&mut conn)
            .await
            .unwrap();
        assert!(
            hash.unwrap().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{email}"
        );
        accounts::verify_credentials(&pool, &hasher, email, PASSWORD)
            .await
            .unwrap();
    }
    assert!(
        accounts::verify_credentials(&pool, &hasher, "alan@acme.test", PASSWORD)
            .await
            .is_err()
    );
}

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
