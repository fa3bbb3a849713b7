//! The README's curl examples, run as printed: every ```sh block that calls `curl`, in the
//! README's order, in one bash session against a gateway set up as `cargo xtask dev` sets
//! one up (the org `default`, its admin, `ROSTER_TOKEN`, `ROSTER_WORKSPACE_ID`,
//! `ROSTER_API_KEY`). Only the address changes: `127.0.0.1:8080` becomes the test
//! gateway's. A curl that fails, or answers 4xx or 5xx, fails the test, unless its block
//! is headed by `# expect an error` (an example that shows one). One test of
//! `cargo xtask test`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use roster_devkit::random_hex;

use crate::fuzz::FreshDatabase;
use crate::gateway::Gateway;
use crate::gateway_cli;

/// The test's name in `cargo xtask test`'s output and filters.
pub const TEST_NAME: &str = "readme::curl_examples";
/// The address the README's examples are written for (`cargo xtask dev`'s default).
const DEV_ADDRESS: &str = "127.0.0.1:8080";
/// The first line of a block whose requests are meant to fail.
const EXPECT_ERROR: &str = "# expect an error";

/// One ```sh block of the README that calls curl.
#[derive(Debug, PartialEq, Eq)]
pub struct Block {
    /// Its first line's number in the README (1-based), for messages.
    pub line: usize,
    pub text: String,
}

/// The ```sh blocks of `markdown` that call curl, in order.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            None if fence && line.trim_start().trim_start_matches('`').trim() == "sh" => {
                open = Some(Block {
                    line: i + 2,
                    text: String::new(),
                });
            }
            None => {}
            Some(block) if fence && calls_curl(&block.text) => found.push(block),
            Some(_) if fence => {}
            Some(mut block) => {
                block.text.push_str(line);
                block.text.push('\n');
                open = Some(block);
            }
        }
    }
    found
}

/// The settings the README gives `cargo xtask dev` (`NAME=value cargo xtask dev` lines),
/// for the test gateway.
pub fn dev_settings(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in markdown.lines() {
        let Some(settings) = line.trim().strip_suffix("cargo xtask dev") else {
            continue;
        };
        for word in settings.split_whitespace() {
            if let Some((name, value)) = word.split_once('=') {
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                    found.push((name.to_owned(), value.to_owned()));
                }
            }
        }
    }
    found
}

/// Whether a block runs curl: a line that calls it, its comment aside (a comment that
/// only mentions curl, as the list of commands does, is not a call).
fn calls_curl(text: &str) -> bool {
    text.lines().any(|line| {
        let code = line.trim_start();
        !code.starts_with('#') && code.split(" #").next().unwrap_or("").contains("curl ")
    })
}

/// The bash script that runs `blocks` against `base` (`http://127.0.0.1:NNNN`): curl
/// wrapped so that an HTTP error status fails the step, and a message naming the README
/// line of each block.
pub fn script(blocks: &[Block], base: &str) -> String {
    let address = base.trim_start_matches("http://");
    let mut s = String::from(
        r#"set -eo pipefail
curl() {
  local out status
  local url
  for a in "$@"; do case $a in http*) url=$a;; esac; done
  out=$(command curl -sS -w '\n%{http_code}' "$@") || { echo "README: curl failed: $url" >&2; return 1; }
  status=${out##*$'\n'}
  printf '%s' "${out%$'\n'*}"
  if [ -z "$ROSTER_README_EXPECT_ERROR" ] && [ "$status" -ge 400 ]; then
    echo "README: HTTP $status from $url" >&2
    return 1
  fi
}
"#,
    );
    for block in blocks {
        let expect_error = block.text.trim_start().starts_with(EXPECT_ERROR);
        let _ = writeln!(s, "echo '--- README.md line {}' >&2", block.line);
        let _ = writeln!(
            s,
            "ROSTER_README_EXPECT_ERROR={}",
            if expect_error { "1" } else { "" }
        );
        s.push_str(&block.text.replace(DEV_ADDRESS, address));
        s.push('\n');
    }
    s
}

/// Runs the README's examples against a gateway on a fresh database of the server at
/// `admin_url`; true when every one answered as it should.
pub fn run(root: &Path, admin_url: &str) -> Result<bool> {
    let readme = fs::read_to_string(root.join("README.md"))?;
    let blocks = blocks(&readme);
    let binary = crate::gateway::build_debug(root)?;
    let dir = root.join("target/readme");
    fs::create_dir_all(&dir)?;
    let db = FreshDatabase::create(admin_url, "roster_readme")?;
    let result = (|| {
        gateway_cli::run(&binary, &db.url, &["migrate"])?;
        let boot = gateway_cli::bootstrap(
            &binary,
            &db.url,
            &[
                "--org-slug",
                "default",
                "--org-name",
                "Default",
                "--email",
                "admin@example.com",
                "--name",
                "Demo Admin",
                "--password",
                "roster-dev-password",
            ],
        )?;
        // As `cargo xtask dev` runs it: open sign-up, mail (with its links) to the log.
        let mut env = vec![
            ("DATABASE_URL", db.url.clone()),
            ("ROSTER_SECRET", random_hex(32)?),
            ("ROSTER_SIGNUP", "open".to_owned()),
            ("ROSTER_WEBHOOK_ALLOW_PRIVATE", "true".to_owned()),
            ("ROSTER_MAIL_TRANSPORT", "log".to_owned()),
            ("RUST_LOG", "warn".to_owned()),
        ];
        let settings = dev_settings(&readme);
        env.extend(settings.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let log = dir.join("gateway.log");
        let mut gateway = Gateway::start(&binary, &env, &log, Duration::from_secs(60))?;
        let script_path = dir.join("examples.sh");
        fs::write(&script_path, script(&blocks, &gateway.base))?;
        let out = Command::new("bash")
            .arg(&script_path)
            .env("ROSTER_TOKEN", boot.field("token")?)
            .env("ROSTER_WORKSPACE_ID", boot.field("workspace_id")?)
            .env("ROSTER_API_KEY", boot.field("api_key")?)
            .env("ROSTER_PUBLIC_URL", &gateway.base)
            .env("DATABASE_URL", &db.url)
            .env("PATH", path_with(&binary)?)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .context("running bash")?;
        let _ = gateway.stop();
        fs::write(dir.join("examples.out"), &out.stdout)?;
        fs::write(dir.join("examples.err"), &out.stderr)?;
        if out.status.success() {
            eprintln!(
                "readme: {} blocks of curl examples ran as printed (answers in {})",
                blocks.len(),
                dir.join("examples.out").display()
            );
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = err.lines().rev().take(15).collect();
            eprintln!(
                "readme: an example failed ({} blocks; script {}, gateway log {}):",
                blocks.len(),
                script_path.display(),
                log.display()
            );
            for line in tail.iter().rev() {
                eprintln!("  {line}");
            }
        }
        Ok(out.status.success())
    })();
    db.drop_now();
    result
}

/// `PATH` with the gateway binary's directory first, so that the README's
/// `roster-gateway …` commands run the binary under test.
fn path_with(binary: &Path) -> Result<String> {
    let dir = binary.parent().context("the binary has no directory")?;
    let path = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{}:{path}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# T\n\n```sh\nSLACK_SIGNING_SECRET=s3 cargo xtask dev\n```\n\ntext\n\n```sh\n# expect an error\ncurl -s http://127.0.0.1:8080/a\n```\n\n```json\n{\"curl \": 1}\n```\n\n```sh\nX=1\ncurl -s http://127.0.0.1:8080/b/$X\n```\n";

    #[test]
    fn only_sh_blocks_that_call_curl_are_taken() {
        let found = blocks(README);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 10);
        assert_eq!(
            found[0].text,
            "# expect an error\ncurl -s http://127.0.0.1:8080/a\n"
        );
        assert_eq!(found[1].text, "X=1\ncurl -s http://127.0.0.1:8080/b/$X\n");
    }

    #[test]
    fn a_block_that_only_mentions_curl_in_a_comment_is_not_run() {
        assert!(!calls_curl(
            "cargo xtask readme   # the README's curl examples\n"
        ));
        assert!(!calls_curl("# curl is not needed here\ncargo xtask dev\n"));
        assert!(calls_curl(
            "X=$(curl -s http://127.0.0.1:8080/a)  # read it\n"
        ));
    }

    #[test]
    fn settings_given_to_the_dev_server_are_found() {
        assert_eq!(
            dev_settings(README),
            [("SLACK_SIGNING_SECRET".to_owned(), "s3".to_owned())]
        );
        assert!(dev_settings("cargo xtask dev --reset\n").is_empty());
    }

    #[test]
    fn the_script_points_at_the_gateway_and_marks_error_blocks() {
        let s = script(&blocks(README), "http://127.0.0.1:4321");
        assert!(!s.contains("8080"), "{s}");
        assert!(s.contains("curl -s http://127.0.0.1:4321/b/$X"));
        let first = s.find("line 10").unwrap();
        let second = s.find("line 19").unwrap();
        assert!(s[first..second].contains("ROSTER_README_EXPECT_ERROR=1\n"));
        assert!(s[second..].contains("ROSTER_README_EXPECT_ERROR=\n"));
    }
}
