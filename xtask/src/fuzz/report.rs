//! schemathesis' JSON report: the counts a run is judged by, its failures, and one line
//! for each warning it printed, saying why that warning is expected here (or that it is not).

use anyhow::Result;
use serde_json::Value;

use super::Outcome;

/// Warnings that stay however the fuzzer is set up (`xtask/fuzz/hooks.py` makes fresh
/// data for the rest), and why: (kind, operation, reason). The operation is a label, `*`
/// for any, or a path prefix ending in `*` (any method).
const EXPECTED_WARNINGS: &[(&str, &str, &str)] = &[
    (
        "missing_test_data",
        "*",
        "the ids it made up named nothing, and its links found nothing in time (it varies with the seed)",
    ),
    (
        "missing_auth",
        "/scim/v2/*",
        "the fuzzer has no SCIM token, so it checks the SCIM server's refusals only (scim2-tester, `cargo xtask scim`, checks the rest)",
    ),
    (
        "missing_auth",
        "/api/auth/*",
        "session routes take the session cookie, which the fuzzer has not (its sign-outs and revocations would end it midway); verify-email answers 401 to a token Roster did not mail",
    ),
    (
        "validation_mismatch",
        "POST /api/auth/sign-up/email",
        "its password must be hard to guess (zxcvbn), a rule the schema cannot state: most generated ones are a 400",
    ),
    (
        "validation_mismatch",
        "/api/auth/reset-password*",
        "its token must be a live one Roster mailed: a generated one is a 400 INVALID_TOKEN, as better-auth answers",
    ),
    (
        "validation_mismatch",
        "/api/v1/app/webhooks*",
        "a webhook's url must name a host that resolves to a public address, and the fuzzer's hosts do not resolve",
    ),
    (
        "validation_mismatch",
        "GET /work-apps/slack/connect",
        "its session must be one Roster issued (POST /work-apps/slack/users/connect): a generated one is a 400",
    ),
    (
        "validation_mismatch",
        "GET /work-apps/slack/connect/callback",
        "its state is signed by Roster and its code comes from Slack: the fuzzer can forge neither, so 400",
    ),
    (
        "validation_mismatch",
        "GET /work-apps/slack/oauth_redirect",
        "its state is signed by Roster and its code comes from Slack: the fuzzer can forge neither, so 400",
    ),
    (
        "validation_mismatch",
        "POST /api/v1/app/project/{id}/member",
        "needs a project and a user that exist, and a role unless the project has a default one",
    ),
    (
        "validation_mismatch",
        "POST /work-apps/slack/users/connect",
        "userId must be the caller's own (403 otherwise)",
    ),
    (
        "validation_mismatch",
        "POST /work-apps/slack/users/disconnect",
        "slackTeamId is required with slackUserId, a rule between fields that the schema cannot state",
    ),
    (
        "validation_mismatch",
        "POST /work-apps/slack/users/link/verify-token",
        "its token must be one a signed slash command got from Roster: a generated one is a 400",
    ),
];

/// Whether an operation's label (`GET /a/{id}`) is what `pattern` names.
fn names(pattern: &str, operation: &str) -> bool {
    match pattern.strip_suffix('*') {
        _ if pattern == "*" => true,
        Some(prefix) if prefix.starts_with('/') => operation
            .split_once(' ')
            .is_some_and(|(_, path)| path.starts_with(prefix)),
        _ => pattern == operation,
    }
}

/// What is said of any other warning: schemathesis judges an operation by the few cases
/// its time left it, so one may come by chance, but one that repeats wants a look.
const UNEXPLAINED: &str = "not explained in xtask/src/fuzz/report.rs; with few cases of an operation it can come by chance: look into it if it repeats";

pub struct Report(Value);

impl Report {
    pub fn parse(text: &str) -> Result<Self> {
        Ok(Self(serde_json::from_str(text)?))
    }

    fn count(&self, path: &[&str]) -> u64 {
        path.iter()
            .fold(&self.0, |v, key| &v[key])
            .as_u64()
            .unwrap_or(0)
    }

    fn failures(&self) -> &[Value] {
        self.0["failures"].as_array().map_or(&[], Vec::as_slice)
    }

    pub fn outcome(&self) -> Outcome {
        Outcome {
            operations: self.count(&["operations", "total"]),
            tested: self.count(&["operations", "tested"]),
            test_cases: self.count(&["test_cases", "generated"]),
            skipped: self.count(&["test_cases", "without_checks"]),
            failures: self
                .failures()
                .iter()
                .map(|f| f["count"].as_u64().unwrap_or(0))
                .sum(),
            errors: self.0["errors"].as_array().map_or(0, Vec::len) as u64
                + self.count(&["operations", "errored"]),
        }
    }

    /// One line per failure: its code, title and operations.
    pub fn failure_lines(&self) -> Vec<String> {
        self.failures()
            .iter()
            .map(|failure| {
                let operations: Vec<&str> = failure["operations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                format!(
                    "{} {}: {}",
                    failure["code"].as_str().unwrap_or("?"),
                    failure["title"].as_str().unwrap_or("?"),
                    operations.join(", ")
                )
            })
            .collect()
    }

    /// What each of schemathesis' warnings and skipped cases means for this API.
    pub fn explanations(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (kind, operations) in self.0["warnings"].as_object().into_iter().flatten() {
            for operation in operations.as_array().into_iter().flatten() {
                let operation = operation.as_str().unwrap_or("?");
                let why = EXPECTED_WARNINGS
                    .iter()
                    .find(|(k, op, _)| k == kind && names(op, operation))
                    .map_or(UNEXPLAINED, |(_, _, why)| why);
                lines.push(format!("warning {kind} on {operation}: {why}"));
            }
        }
        let skipped = self.count(&["test_cases", "without_checks"]);
        if skipped > 0 {
            lines.push(format!(
                "{skipped} test cases skipped: schemathesis resends a 401 from an operation that \
                 declares no credential (sign-in, Slack commands) with each configured one, to \
                 see if it needs it, and checks nothing on those probes"
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"{
        "operations": {"total": 78, "selected": 78, "tested": 78, "errored": 0},
        "test_cases": {"generated": 5214, "with_failures": 0, "without_checks": 27, "errored": 0},
        "failures": [], "errors": [],
        "warnings": {"missing_auth": ["DELETE /api/v1/app/tokens/{id}"],
                     "missing_test_data": ["DELETE /api/v1/app/project/{id}"],
                     "validation_mismatch": ["GET /work-apps/slack/oauth_redirect"],
                     "rate_limited": []}
    }"#;

    #[test]
    fn the_outcome_counts_what_schemathesis_skipped() {
        let outcome = Report::parse(REPORT).unwrap().outcome();
        assert_eq!(
            (outcome.operations, outcome.tested, outcome.test_cases),
            (78, 78, 5214)
        );
        assert_eq!(outcome.skipped, 27);
        assert!(outcome.passed());
    }

    #[test]
    fn every_warning_and_the_skipped_cases_get_one_line() {
        let lines = Report::parse(REPORT).unwrap().explanations();
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert!(lines[0]
            .starts_with("warning missing_auth on DELETE /api/v1/app/tokens/{id}: not explained"));
        assert!(lines[1]
            .starts_with("warning missing_test_data on DELETE /api/v1/app/project/{id}: the ids"));
        assert!(lines[2].starts_with(
            "warning validation_mismatch on GET /work-apps/slack/oauth_redirect: its state"
        ));
        assert!(lines[3].starts_with("27 test cases skipped: "));
    }

    #[test]
    fn patterns_name_labels_any_operation_or_a_path_prefix() {
        assert!(names("*", "GET /a"));
        assert!(names("GET /a/{id}", "GET /a/{id}"));
        assert!(!names("GET /a/{id}", "PUT /a/{id}"));
        assert!(names("/scim/v2/*", "DELETE /scim/v2/Users/{id}"));
        assert!(!names("/scim/v2/*", "GET /api/v1/app/user"));
    }

    #[test]
    fn failures_are_listed_with_their_operations() {
        let report = Report::parse(
            r#"{"failures": [{"code": "server_error", "title": "Server error", "count": 2,
                "operations": ["GET /a", "POST /b"]}], "errors": []}"#,
        )
        .unwrap();
        assert_eq!(report.outcome().failures, 2);
        assert_eq!(
            report.failure_lines(),
            ["server_error Server error: GET /a, POST /b"]
        );
    }
}
