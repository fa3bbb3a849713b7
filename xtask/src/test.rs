//! `cargo xtask test`: every test binary of the workspace against one database server,
//! the domain crates' examples (one test each, on a database of their own), then (without
//! a filter) the OpenAPI document's validation and the schema-driven fuzzing as two more
//! tests, the real better-auth client against a gateway (`js`) and the README's curl examples
//! (`readme`) as one more each (the admin console's tests need headless Chromium,
//! installed first when missing), and one
//! closing line of totals for all of it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

use anyhow::{bail, Context, Result};

use crate::{examples, fuzz, js, openapi, readme};

pub fn run(root: &Path, extra: &[String]) -> Result<()> {
    // The console's tests drive headless Chromium (`tests/console`), with axe-core.
    crate::browser::ensure_installed()?;
    let axe = js::install_axe(root)?;
    let (url, lease) = crate::database(root)?;
    let mut child = crate::cargo_command()
        .args(["test", "--workspace", "--all-targets", "--"])
        .args(extra)
        .env("DATABASE_URL", &url)
        .env("ROSTER_AXE_JS", &axe)
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .context("running cargo test")?;
    // Pass the output through, adding up every test binary's result line.
    let mut totals = Totals::default();
    if let Some(out) = child.stdout.take() {
        let mut stdout = std::io::stdout().lock();
        for line in BufReader::new(out).lines() {
            let line = line?;
            totals.add_result_line(&line);
            writeln!(stdout, "{line}")?;
        }
    }
    let status = child.wait()?;
    // The domain crates' examples, one test each, on a database of their own.
    let mut examples_failed = false;
    if status.success() {
        for example in examples::find(root)? {
            let name = example.test_name();
            if !selected(&name, extra) {
                continue;
            }
            let ok = examples::run(root, &url, &example)?;
            println!("example {name} ... {}", if ok { "ok" } else { "FAILED" });
            if ok {
                totals.passed += 1;
            } else {
                totals.failed += 1;
                examples_failed = true;
            }
        }
    }
    // The real better-auth client against a gateway, as one more test (unless a filter
    // leaves it out).
    let mut js_failed = false;
    if status.success() && selected(js::TEST_NAME, extra) {
        let ok = js::run(root, &url)?;
        println!("{} ... {}", js::TEST_NAME, if ok { "ok" } else { "FAILED" });
        if ok {
            totals.passed += 1;
        } else {
            totals.failed += 1;
            js_failed = true;
        }
    }
    // The README's curl examples, run as printed, as one more test.
    let mut readme_failed = false;
    if status.success() && selected(readme::TEST_NAME, extra) {
        let ok = readme::run(root, &url)?;
        println!(
            "{} ... {}",
            readme::TEST_NAME,
            if ok { "ok" } else { "FAILED" }
        );
        if ok {
            totals.passed += 1;
        } else {
            totals.failed += 1;
            readme_failed = true;
        }
    }
    // Without a filter the document's validation and the schema-driven fuzzing run too, as
    // two more tests.
    let mut fuzz_error = None;
    if status.success() && extra.is_empty() {
        match openapi::validate(root) {
            Ok(true) => totals.passed += 1,
            Ok(false) => totals.failed += 1,
            Err(e) => {
                totals.failed += 1;
                fuzz_error = Some(e);
            }
        }
    }
    if status.success() && extra.is_empty() {
        match fuzz::run(root, &url, &fuzz::Budget::default()) {
            Ok(outcome) => totals.add_fuzz(&outcome),
            Err(e) => {
                totals.failed += 1;
                fuzz_error = Some(e);
            }
        }
    }
    // The public SCIM test suite, one more test.
    let mut scim_failed = false;
    if status.success() && extra.is_empty() {
        match crate::scim::run(root, &url) {
            Ok(true) => totals.passed += 1,
            Ok(false) => {
                totals.failed += 1;
                scim_failed = true;
            }
            Err(e) => {
                totals.failed += 1;
                fuzz_error.get_or_insert(e.context("scim2-tester could not run"));
            }
        }
    }
    drop(lease);
    // One closing line for the whole suite (cargo's last line is only the last binary's).
    println!("{}", totals.summary());
    if !status.success() {
        bail!("tests failed");
    }
    if examples_failed {
        bail!("an example failed");
    }
    if js_failed {
        bail!("the better-auth client's tests failed");
    }
    if readme_failed {
        bail!("a README example failed");
    }
    if let Some(e) = fuzz_error {
        return Err(e.context("the fuzzing could not run"));
    }
    if scim_failed {
        bail!("scim2-tester found errors");
    }
    if totals.failed > 0 {
        bail!("fuzzing found failures");
    }
    if totals.passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}

/// Whether a filtered run takes the test `name`: no filter, or one that names it in part
/// (arguments that are flags are not filters).
fn selected(name: &str, extra: &[String]) -> bool {
    let mut filters = extra.iter().filter(|a| !a.starts_with('-')).peekable();
    filters.peek().is_none() || filters.any(|f| name.contains(f.as_str()))
}

/// What the whole suite came to: libtest's result lines added up, and the fuzzing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: u64,
    pub failed: u64,
    /// Tests libtest ignored, and test cases schemathesis ran without checks.
    pub skipped: u64,
}

impl Totals {
    /// Adds a libtest `test result: ok. 3 passed; 0 failed; 1 ignored; ...` line.
    fn add_result_line(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(kind), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match kind {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                "ignored" => self.skipped += n,
                _ => {}
            }
        }
    }

    /// The fuzzing counts as one test; what schemathesis skipped counts as skipped.
    fn add_fuzz(&mut self, outcome: &fuzz::Outcome) {
        if outcome.passed() {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.skipped += outcome.skipped;
    }

    fn summary(&self) -> String {
        format!(
            "tests: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_selects_the_tests_whose_names_hold_it() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let name = "examples::roster-identity::org_and_users";
        assert!(selected(name, &[]));
        assert!(selected(name, &args(&["--nocapture"])));
        assert!(selected(name, &args(&["app::", "examples::"])));
        assert!(!selected(name, &args(&["app::users::"])));
    }

    #[test]
    fn totals_add_up_result_lines() {
        let mut t = Totals::default();
        t.add_result_line("test result: ok. 14 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        t.add_result_line("test result: FAILED. 40 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 9s");
        t.add_result_line("test something ... ok");
        assert_eq!(
            t,
            Totals {
                passed: 54,
                failed: 2,
                skipped: 1
            }
        );
    }

    #[test]
    fn the_fuzzing_is_one_test_and_its_skipped_cases_count_as_skipped() {
        let mut t = Totals::default();
        t.add_result_line("test result: ok. 10 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 1s");
        let green = fuzz::Outcome {
            operations: 78,
            tested: 78,
            test_cases: 5214,
            skipped: 27,
            ..fuzz::Outcome::default()
        };
        t.add_fuzz(&green);
        assert_eq!(t.summary(), "tests: 11 passed, 0 failed, 29 skipped");
        let red = fuzz::Outcome {
            failures: 1,
            ..green
        };
        t.add_fuzz(&red);
        assert_eq!(t.summary(), "tests: 11 passed, 1 failed, 56 skipped");
    }
}
