//! The domain crates' examples (`crates/*/examples/*.rs`), each run once against a fresh
//! database of its own on the test server, and counted as one test.

use std::path::Path;

use anyhow::{Context, Result};
use roster_devkit::{random_hex, with_database};

use crate::psql::Psql;

/// One runnable example: its package and its name.
#[derive(Debug, PartialEq, Eq)]
pub struct Example {
    pub package: String,
    pub name: String,
}

impl Example {
    /// How a test filter names it: `examples::<package>::<name>`.
    pub fn test_name(&self) -> String {
        format!("examples::{}::{}", self.package, self.name)
    }
}

/// Every example of the crates under `crates/`, by package and name.
pub fn find(root: &Path) -> Result<Vec<Example>> {
    let mut found = Vec::new();
    for krate in std::fs::read_dir(root.join("crates"))? {
        let dir = krate?.path();
        let Ok(entries) = std::fs::read_dir(dir.join("examples")) else {
            continue;
        };
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
        let package = package_name(&manifest)
            .with_context(|| format!("no package name in {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "rs") {
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    found.push(Example {
                        package: package.clone(),
                        name: stem.to_owned(),
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| (&a.package, &a.name).cmp(&(&b.package, &b.name)));
    Ok(found)
}

/// The `name = "…"` of a manifest's `[package]` (its first `name` line).
fn package_name(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let value = line.strip_prefix("name")?.trim_start().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

/// Runs `example` on a database created for it on the server at `server_url` and dropped
/// after; whether it succeeded.
pub fn run(root: &Path, server_url: &str, example: &Example) -> Result<bool> {
    let psql = Psql::new(server_url)?;
    let database = format!("roster_ex_{}", random_hex(8)?);
    psql.query(&format!("CREATE DATABASE {database}"))?;
    let status = crate::cargo_command()
        .args([
            "run",
            "-q",
            "-p",
            &example.package,
            "--example",
            &example.name,
        ])
        .env("DATABASE_URL", with_database(server_url, &database))
        .current_dir(root)
        .status()
        .context("running cargo run --example");
    psql.drop_database(&database)?;
    Ok(status?.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_name_is_the_first_name_line() {
        let manifest = "[package]\nname = \"roster-identity\"\nversion.workspace = true\n\n[dependencies]\nroster-devkit = { workspace = true }\n";
        assert_eq!(package_name(manifest).as_deref(), Some("roster-identity"));
        assert_eq!(package_name("[package]\nversion = \"1\"\n"), None);
    }

    #[test]
    fn the_examples_of_the_crates_are_found() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let examples = find(&root).unwrap();
        for (package, name) in [
            ("roster-external-users", "workspace_and_users"),
            ("roster-identity", "org_and_users"),
            ("roster-projects", "projects_and_artifacts"),
            ("roster-slack", "link_users"),
            ("roster-webhooks", "endpoint"),
        ] {
            let example = Example {
                package: package.into(),
                name: name.into(),
            };
            assert!(
                examples.contains(&example),
                "{example:?} not in {examples:?}"
            );
        }
        assert!(examples.is_sorted_by(|a, b| (&a.package, &a.name) <= (&b.package, &b.name)));
    }
}
