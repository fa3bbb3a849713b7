//! `roster-gateway import external-users` and `export external-users` as processes
//! against the test's database: real files (NDJSON and CSV) with bad lines, the errors
//! file, the summary line, and the CSV round trip into another workspace.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::USERS;
use crate::app::users::import_cli::{cli, errors_file, line_codes, summary, temp_file};

#[tokio::test]
async fn a_file_is_imported_with_its_errors_and_exported_as_csv_into_another_workspace() {
    let app = TestApp::spawn().await;
    let ws = app.workspace().await;
    let key = ws.api_key.as_str();
    let web = app.channel(key, "Website").await;
    app.tier(key, "Gold").await;
    let file = format!(
        "{}\n{}\n{}\n\n{}\n{{\"channel\":\"Website\",\"externalId\":\"cut",
        json!({"channelId": web, "externalId": "crm-1", "name": "Ada, Countess", "tier": "Gold"}),
        json!({"channel": "Website", "identifier": "grace@example.com", "blocked": true}),
        json!({"channel": "Website", "externalId": "crm-1"}),
        json!({"channel": "Website", "tier": "Silver", "externalId": "crm-4"}),
    );
    let path = temp_file("external.ndjson", file.as_bytes());
    let path = path.to_str().unwrap();
    let workspace = ws.id.as_str();
    let args = ["import", "external-users", "--workspace", workspace, path];
    let (ok, stdout, stderr) = cli(&app, &args);
    assert!(ok, "{stderr}");
    let s = summary(&stdout);
    let counts = ["read", "created", "updated", "skipped", "failed"].map(|c| s[c].clone());
    assert_eq!(counts, [5, 2, 0, 0, 3].map(|n| json!(n)), "{s}");
    assert!(s["seconds"].is_number(), "{s}");
    let errors = errors_file(path);
    let codes = line_codes(&errors);
    assert_eq!(
        codes,
        [
            (3, "duplicate_in_file"),
            (5, "tier_not_found"),
            (6, "malformed_line")
        ]
    );
    assert_eq!(errors[0]["externalId"], "crm-1");
    let (total, _) = app.external(key, Method::GET, USERS).listed().await;
    assert_eq!(total, Some(2));

    // Running it again with skip changes nothing.
    let skip = [&args[..], &["--on-conflict", "skip"]].concat();
    let (ok, stdout, stderr) = cli(&app, &skip);
    assert!(ok, "{stderr}");
    assert_eq!(summary(&stdout)["skipped"], 2);
    let (total, _) = app.external(key, Method::GET, USERS).listed().await;
    assert_eq!(total, Some(2));

    // Exported as CSV, imported into another workspace with the same catalogues.
    let (ok, csv, stderr) = cli(
        &app,
        &[
            "export",
            "external-users",
            "--workspace",
            workspace,
            "--format",
            "csv",
        ],
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        csv[0],
        "channel,externalId,identifier,name,tier,externalUserGroup,blocked,createdAt"
    );
    assert!(
        csv.iter().any(|l| l.contains("\"Ada, Countess\"")),
        "{csv:?}"
    );
    let other = app.workspace().await;
    app.channel(&other.api_key, "Website").await;
    app.tier(&other.api_key, "Gold").await;
    let csv_path = temp_file("external.csv", (csv.join("\n") + "\n").as_bytes());
    let csv_path = csv_path.to_str().unwrap();
    let into = [
        "import",
        "external-users",
        "--workspace",
        &other.id,
        csv_path,
    ];
    let dry = [&into[..], &["--dry-run"]].concat();
    let (ok, stdout, stderr) = cli(&app, &dry);
    assert!(ok, "{stderr}");
    assert_eq!(summary(&stdout)["created"], 2);
    let (total, _) = app
        .external(&other.api_key, Method::GET, USERS)
        .listed()
        .await;
    assert_eq!(total, Some(0), "a dry run writes nothing");
    let (ok, stdout, stderr) = cli(&app, &into);
    assert!(ok, "{stderr}");
    assert_eq!(summary(&stdout)["created"], 2);
    let ndjson = |id: &str| {
        let (ok, out, stderr) = cli(&app, &["export", "external-users", "--workspace", id]);
        assert!(ok, "{stderr}");
        // Both users were created at once: ordered by their ids, which differ.
        let mut out = out;
        out.sort();
        out
    };
    assert_eq!(ndjson(&other.id), ndjson(workspace));

    // An unknown workspace is an error, not an empty import.
    let nobody = uuid::Uuid::new_v4().to_string();
    let (ok, _, stderr) = cli(
        &app,
        &["import", "external-users", "--workspace", &nobody, path],
    );
    assert!(!ok && stderr.contains("no workspace"), "{stderr}");
}
