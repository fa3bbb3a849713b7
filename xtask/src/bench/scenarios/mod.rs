//! The scenarios: one row each, saying what data it needs, what wrk sends, what pgbench
//! runs beside it (if anything) and the target it is judged by. Adding a scenario is
//! adding a row in `table.rs` (and, for a new family, a `Dataset` with its seeding in `seed.rs`).

use anyhow::{bail, Result};

mod lua;
mod sql;
mod table;
pub use table::SCENARIOS;

/// What a scenario needs seeded before it runs, in the order they are seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dataset {
    /// N App users (and their accounts) in one org.
    AppUsers,
    /// N external users over `CHANNELS` channels of the org's workspace, each with its
    /// own super identity.
    ExternalUsers,
    /// A Slack workspace of the org and one App user in `SLACK_LINK_EVERY` linked to a
    /// Slack user (needs `AppUsers`).
    SlackLinks,
}

impl Dataset {
    /// Its name in the bench database's `bench_datasets`.
    pub fn name(self) -> &'static str {
        match self {
            Self::AppUsers => "app-users",
            Self::ExternalUsers => "external-users",
            Self::SlackLinks => "slack-links",
        }
    }
}

/// Channels the external users are spread over (user g is on channel `1 + (g / 4000 + g) % 10`,
/// so that a family name's users are on every channel).
pub const CHANNELS: u64 = 10;
/// App user g has metadata `{"plan": "plan-<(g / PLAN_EVERY) % PLANS>"}` when g is a
/// multiple of this (others have none): each plan is on 0.1% of the users (1,000 at a
/// million). A metadata filter's count reads each match's entry in the pairs' index
/// (docs/performance.md).
pub const PLAN_EVERY: u64 = 100;
pub const PLANS: u64 = 10;
/// App user g is linked to Slack when g is a multiple of this.
pub const SLACK_LINK_EVERY: u64 = 10;
/// The bench's Slack team.
pub const SLACK_TEAM: &str = "TBENCH01";

/// What a scenario is judged by (besides zero unexpected non-2xx and the RSS ceiling,
/// which every scenario must meet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Requests/s at least this fraction of pgbench's transactions/s for the same SQL.
    PgbenchRatio(f64),
    /// Median latency at most this many milliseconds.
    P50Ms(f64),
    /// At least this many requests/s, none answered 5xx.
    RateAtLeast(f64),
    /// Requests/s at least `min` times those of the scenario `of` in the same run (judged
    /// only when both ran), none answered 5xx.
    RateOf { of: &'static str, min: f64 },
    /// Measured and reported only.
    None,
}

/// A pgbench script, its statements prepared once per connection (`-M prepared`) as the
/// gateway's are (diesel's statement cache, `roster_core::db::prepared_once`).
#[derive(Debug, Clone, Copy)]
pub struct Pgbench {
    pub sql: fn(&Fixture) -> String,
}

/// Values a scenario's scripts are built from, known once the data is seeded.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// App users seeded (ids `user_<16 hex of 1..=rows>`).
    pub rows: u64,
    pub org_id: String,
    pub org_slug: String,
    pub token: String,
    /// The deep page of scenario 4 (page 25000 at a million rows, the middle of smaller sets).
    pub deep_page: u64,
    /// The cursor that starts the same deep page (`after=`), empty for page 1.
    pub deep_cursor: String,
    /// The external family: the workspace API key, and the channel ids in order
    /// (channel n is `channel_ids[n - 1]`).
    pub api_key: String,
    pub workspace_id: String,
    pub channel_ids: Vec<String>,
    /// Slack users linked (`U<10 hex digits of k>` for k in 1..=slack_links, linked to
    /// App user `SLACK_LINK_EVERY * k`).
    pub slack_links: u64,
    /// A session of the org's admin (`better-auth.session_token`), signed in once the
    /// gateway runs, for the console's scenario; empty until then.
    pub session: String,
    /// A SCIM token of the org, minted through the API once the gateway runs (empty
    /// before).
    pub scim_token: String,
}

/// The bench admin's email and password (bootstrapped with it), to sign in to the console.
pub const ADMIN_EMAIL: &str = "admin@bench.test";
pub const ADMIN_PASSWORD: &str = "bench-console-password";

/// Channel n (1-based) of the seeded workspace: a UUID made from n.
pub fn channel_id(n: u64) -> String {
    format!("c0000000-0000-4000-8000-{n:012x}")
}

pub const PAGE_SIZE: u64 = 20;

/// Seeded users' names: a given name, and a family name of three syllables (4000 of
/// them), so that a family name is a selective search (~250 users at a million).
pub const GIVEN_NAMES: [&str; 20] = [
    "Sasha",
    "Lee",
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Ken",
    "Dennis",
    "Linus",
    "Margaret",
    "Donald",
    "Frances",
    "John",
    "Radia",
    "Tim",
    "Vint",
    "Whitfield",
    "Hedy",
    "Katherine",
];
pub const FAMILY_FIRST: [&str; 20] = [
    "ka", "lo", "mi", "ta", "ne", "ro", "su", "vi", "da", "pe", "zo", "ha", "ri", "mu", "be", "fo",
    "gi", "la", "no", "sa",
];
pub const FAMILY_MIDDLE: [&str; 20] = [
    "ven", "dor", "lin", "mar", "tes", "kov", "rin", "bel", "sor", "tan", "mel", "dar", "kin",
    "vol", "ser", "lan", "mor", "pil", "gar", "ton",
];
pub const FAMILY_LAST: [&str; 10] = ["a", "o", "i", "u", "e", "as", "os", "in", "en", "ar"];

/// A Lua table literal of strings.
pub fn lua_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    format!("{{{}}}", quoted.join(", "))
}

/// The email (and so the SCIM userName) seeded for App user g, as `seed_app_users` writes
/// it: `<given>.<family>.<g>@example.test`, lower-case.
pub fn seeded_email(g: u64) -> String {
    let given = GIVEN_NAMES[((g / 4000) % 20) as usize].to_lowercase();
    format!(
        "{given}.{}{}{}.{g}@example.test",
        FAMILY_FIRST[(g % 20) as usize],
        FAMILY_MIDDLE[((g / 20) % 20) as usize],
        FAMILY_LAST[((g / 400) % 10) as usize]
    )
}

impl Fixture {
    /// Page 25000 of 20 at a million rows; the middle of the list for smaller sets.
    pub fn deep_page_for(rows: u64) -> u64 {
        (rows / 2 / PAGE_SIZE).clamp(1, 25_000)
    }
}

/// One scenario of the table.
pub struct Scenario {
    /// The name `--scenario` takes.
    pub name: &'static str,
    /// Its number in issue 6.
    pub number: &'static str,
    /// What it sends, for the report.
    pub title: &'static str,
    pub needs: &'static [Dataset],
    /// The wrk Lua that picks each request (the common prelude and `done()` are added).
    pub wrk: fn(&Fixture) -> String,
    /// What pgbench runs beside it with the same connections: the queries the gateway
    /// issues to answer the request, authentication aside. Keep in step with the code.
    pub pgbench: Option<Pgbench>,
    pub target: Target,
    /// What every 2xx body must contain (else it counts as an unexpected answer).
    pub expect: &'static str,
    /// Whether one webhook endpoint of the org subscribes to `user.created` while it
    /// runs, delivering to a receiver on loopback (`bench::receiver`), judged by
    /// [`WEBHOOK_TARGETS`] too.
    pub webhook: bool,
}

impl Scenario {
    /// Whether its Lua sends the admin's session (signed in once the gateway runs).
    pub fn wrk_uses_session(&self) -> bool {
        matches!(self.name, "console-users" | "get-session")
    }
}

/// What a scenario with a webhook is judged by besides its `target`: delivery from the
/// event to receipt at p50 and p99 (ms), the backlog empty this long after the load (s).
pub const WEBHOOK_TARGETS: (f64, f64, f64) = (100.0, 1000.0, 5.0);

/// The scenarios `--scenario` names (comma-separated), or all of them; unknown names fail.
pub fn select(names: &[String]) -> Result<Vec<&'static Scenario>> {
    if names.is_empty() {
        return Ok(SCENARIOS.iter().collect());
    }
    let mut chosen = Vec::new();
    for name in names.iter().flat_map(|n| n.split(',')).map(str::trim) {
        match SCENARIOS.iter().find(|s| s.name == name) {
            Some(s) => chosen.push(s),
            None => bail!(
                "unknown scenario `{name}`; known: {}",
                SCENARIOS
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_are_unique_and_selectable() {
        let mut names: Vec<_> = SCENARIOS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len());
        let picked = select(&["list-users,get-user".into()]).unwrap_or_default();
        assert_eq!(
            picked.iter().map(|s| s.name).collect::<Vec<_>>(),
            ["list-users", "get-user"]
        );
        assert!(select(&["nope".into()]).is_err());
        assert_eq!(select(&[]).map(|v| v.len()).ok(), Some(SCENARIOS.len()));
    }

    fn fixture() -> Fixture {
        Fixture {
            rows: 1000,
            org_id: "org_1".into(),
            org_slug: "bench".into(),
            token: "rpat_admin".into(),
            deep_page: 1,
            deep_cursor: String::new(),
            api_key: "rxk_1".into(),
            workspace_id: "w".into(),
            channel_ids: vec![channel_id(1)],
            slack_links: 100,
            scim_token: "rscim_bench".into(),
            session: "rses_abc".into(),
        }
    }

    #[test]
    fn scim_scenarios_send_the_scim_token_and_no_org() {
        for name in ["scim-filter-username", "scim-list"] {
            let scenario = select(&[name.into()]).unwrap_or_default();
            let lua = (scenario[0].wrk)(&fixture());
            assert!(
                lua.contains("wrk.headers[\"Authorization\"] = \"Bearer rscim_bench\""),
                "{lua}"
            );
            assert!(lua.contains("wrk.headers[\"x-org\"] = nil"), "{lua}");
            assert!(lua.contains("/scim/v2/Users?"), "{lua}");
            assert!(matches!(scenario[0].target, Target::P50Ms(_)));
        }
        let filter = select(&["scim-filter-username".into()]).unwrap_or_default();
        let lua = (filter[0].wrk)(&fixture());
        // The Lua names the seeding's names in the seeding's order.
        assert!(
            lua.contains("local given, first, middle, last = {\"sasha\", \"lee\","),
            "{lua}"
        );
        assert!(lua.contains("userName%20eq%20%22"), "{lua}");
    }

    #[test]
    fn the_idempotent_create_sends_a_key_of_its_own_per_request() {
        let scenario = select(&["idempotent-create".into()]).unwrap_or_default();
        let lua = (scenario[0].wrk)(&fixture());
        assert!(
            lua.contains("wrk.headers[\"Idempotency-Key\"] = \"idem-\" .. n\n  return wrk.format(\"POST\", \"/api/v1/app/user\""),
            "{lua}"
        );
        assert!(matches!(
            scenario[0].target,
            Target::RateOf { of: "create-user", min } if (min - 0.85).abs() < f64::EPSILON
        ));
    }

    #[test]
    fn seeded_emails_follow_the_seeding_rule() {
        assert_eq!(seeded_email(1), "sasha.lovena.1@example.test");
        // g = 4867: given (4867 / 4000) % 20 = 1, first 4867 % 20 = 7, middle
        // (4867 / 20) % 20 = 3, last (4867 / 400) % 10 = 2 (0-based).
        assert_eq!(seeded_email(4867), "lee.vimari.4867@example.test");
    }

    #[test]
    fn the_console_scenario_sends_the_session_cookie_and_no_bearer() {
        let console = SCENARIOS.iter().find(|s| s.name == "console-users");
        let Some(console) = console else {
            panic!("no console-users scenario");
        };
        let fixture = fixture();
        let lua = (console.wrk)(&fixture);
        assert!(
            lua.contains("wrk.headers[\"Authorization\"] = nil"),
            "{lua}"
        );
        assert!(
            lua.contains("better-auth.session_token=\" .. SESSION"),
            "{lua}"
        );
        assert!(lua.contains("wrk.path = \"/console/users\""), "{lua}");
        assert!(matches!(console.target, Target::P50Ms(ms) if (ms - 10.0).abs() < f64::EPSILON));
        let script = super::super::wrk::script(console, &fixture, "t");
        assert!(script.contains("SESSION = \"rses_abc\""), "{script}");
    }

    #[test]
    fn deep_page_is_page_25000_at_a_million_and_the_middle_below() {
        assert_eq!(Fixture::deep_page_for(1_000_000), 25_000);
        assert_eq!(Fixture::deep_page_for(100_000), 2_500);
        assert_eq!(Fixture::deep_page_for(10), 1);
        assert_eq!(Fixture::deep_page_for(5_000_000), 25_000);
    }
}
