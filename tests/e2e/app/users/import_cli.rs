//! `roster-gateway import users` and `export users` as processes against the test's
//! database, and what the gateway serves afterwards: the imported users listed, counted,
//! found and signed in with their imported passwords (then re-hashed to argon2id).

use std::path::PathBuf;
use std::process::Command;

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

const PASSWORD: &str = "tangerine quokka 42";

/// A file of its own under the system's temporary directory.
pub(crate) fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "roster-import-{}",
        hex::encode(roster_core::secret::random_bytes::<8>())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Runs the gateway's CLI on the app's database; (status success, stdout lines, stderr).
pub(crate) fn cli(app: &TestApp, args: &[&str]) -> (bool, Vec<String>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_roster-gateway-e2e"))
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        out.status.success(),
        stdout.lines().map(str::to_owned).collect(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The errors file an import of `path` wrote by default.
pub(crate) fn errors_file(path: &str) -> Vec<Value> {
    std::fs::read_to_string(format!("{path}.errors.ndjson"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The (line, code) of each refused line.
pub(crate) fn line_codes(errors: &[Value]) -> Vec<(i64, &str)> {
    errors
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect()
}

pub(crate) fn summary(stdout: &[String]) -> Value {
    serde_json::from_str(stdout.last().expect("a summary line")).unwrap()
}

async fn total(app: &TestApp, org: &str, query: &str) -> i64 {
    app.as_user(
        &app.admin.token,
        org,
        Method::GET,
        &format!("/api/v1/app/user?{query}"),
    )
    .ok()
    .await["total_count"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn an_ndjson_import_lists_counts_finds_and_signs_in_its_users() {
    let app = TestApp::spawn().await;
    let bcrypt = bcrypt::hash(PASSWORD, 4).unwrap();
    let file = format!(
        "{}\n{}\n{}\n{}\n{{\"email\":\"cut@acme.test\",\"na",
        json!({"email": "ada@acme.test", "name": "Ada Lovelace", "password_hash": bcrypt}),
        json!({"email": "grace@acme.test", "name": "Grace Hopper", "role": "AppAdmin"}),
        json!({"email": "admin@acme.test", "name": "Already There"}),
        json!({"email": "alan@acme.test", "role": "Owner"}),
    );
    let path = temp_file("users.ndjson", file.as_bytes());
    let path = path.to_str().unwrap();
    let (ok, stdout, stderr) = cli(&app, &["import", "users", "--org", "acme", path]);
    assert!(ok, "{stderr}");
    let s = summary(&stdout);
    assert_eq!(
        (
            &s["read"],
            &s["created"],
            &s["updated"],
            &s["skipped"],
            &s["failed"]
        ),
        (&json!(5), &json!(2), &json!(0), &json!(0), &json!(3)),
        "{s}"
    );
    assert!(s["seconds"].as_f64().unwrap() >= 0.0);
    let errors = errors_file(path);
    let codes = line_codes(&errors);
    assert_eq!(
        codes,
        vec![
            (3, "email_taken"),
            (4, "unknown_role"),
            (5, "malformed_line")
        ]
    );
    assert_eq!(errors[0]["email"], "admin@acme.test");
    assert!(!stderr.contains(&bcrypt) && !stdout.concat().contains(&bcrypt));
    assert_eq!(total(&app, "acme", "").await, 3);
    assert_eq!(total(&app, "acme", "search=lovelace").await, 1);
    assert_eq!(total(&app, "acme", "role=AppAdmin").await, 2);
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "ada@acme.test", "password": PASSWORD}))
        .status(200)
        .await;
    let upgraded = app
        .sql_count(
            "SELECT count(*) AS n FROM accounts WHERE email = 'ada@acme.test' \
             AND password_hash LIKE '$argon2id$%'",
        )
        .await;
    assert_eq!(upgraded, 1);
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "ada@acme.test", "password": PASSWORD}))
        .status(200)
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "ada@acme.test", "password": "wrong horse battery"}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    let (dry_ok, stdout, _) = cli(
        &app,
        &[
            "import",
            "users",
            "--org",
            "acme",
            "--dry-run",
            "--on-conflict",
            "skip",
            path,
        ],
    );
    assert!(dry_ok);
    assert_eq!(summary(&stdout)["skipped"], 3);
    assert_eq!(total(&app, "acme", "").await, 3);
}

#[tokio::test]
async fn an_export_imported_into_another_org_gives_the_same_users() {
    let app = TestApp::spawn().await;
    let mut csv = String::from("email,name,given_name,role,state,created_at\n");
    for i in 0..25 {
        csv.push_str(&format!(
            "u{i}@acme.test,\"User, {i}\",U{i},{},{},2024-05-0{}T10:00:00.123456Z\n",
            if i % 4 == 0 { "AppAdmin" } else { "AppMember" },
            if i % 3 == 0 { "Inactive" } else { "Active" },
            i % 9 + 1,
        ));
    }
    let path = temp_file("users.csv", csv.as_bytes());
    let (ok, stdout, stderr) = cli(
        &app,
        &["import", "users", "--org", "acme", path.to_str().unwrap()],
    );
    assert!(ok, "{stderr}");
    assert_eq!(summary(&stdout)["created"], 25);
    for format in ["ndjson", "csv"] {
        let (ok, exported, stderr) = cli(
            &app,
            &["export", "users", "--org", "acme", "--format", format],
        );
        assert!(ok, "{stderr}");
        assert_eq!(exported.len(), 26 + usize::from(format == "csv"));
        let target = format!("globex-{format}");
        app.bootstrap(&target, &format!("admin@{target}.test"))
            .await;
        let file = temp_file(
            &format!("export.{format}"),
            (exported.join("\n") + "\n").as_bytes(),
        );
        let (ok, stdout, stderr) = cli(
            &app,
            &[
                "import",
                "users",
                "--org",
                &target,
                "--format",
                format,
                file.to_str().unwrap(),
            ],
        );
        assert!(ok, "{stderr}");
        // The admin of the exporting org comes along; the target's own admin stays.
        assert_eq!(summary(&stdout)["created"], 26, "{stdout:?}");
        let same = app
            .sql_count(&format!(
                "SELECT count(*) AS n FROM users a JOIN users b ON lower(b.email) = lower(a.email) \
                 AND b.name = a.name AND b.given_name IS NOT DISTINCT FROM a.given_name \
                 AND b.role = a.role AND b.state = a.state AND b.created_at = a.created_at \
                 WHERE a.org_id = '{}' AND b.org_id = (SELECT id FROM orgs WHERE slug = '{target}')",
                app.admin.org_id
            ))
            .await;
        assert_eq!(same, 26);
    }
    let (ok, _, stderr) = cli(
        &app,
        &["import", "users", "--org", "nope", path.to_str().unwrap()],
    );
    assert!(!ok && stderr.contains("org"), "{stderr}");
}
