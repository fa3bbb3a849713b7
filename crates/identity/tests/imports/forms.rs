//! The three forms, every kind of bad line, and imported hashes at sign-in.

use argon2::password_hash::{PasswordHasher, SaltString};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_devkit::db::TestDb;
use roster_identity::accounts;
use roster_identity::imports::{Counts, Format, OnConflict};
use roster_identity::passwords::Hasher;

use crate::helpers::*;

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
