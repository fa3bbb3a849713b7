//! The scenarios: one row each, saying what data it needs, what wrk sends, what pgbench
//! runs beside it (if anything) and the target it is judged by. Adding a scenario is
//! adding a row here (and, for a new family, a `Dataset` with its seeding in `db.rs`).

use anyhow::{bail, Result};

/// What a scenario needs seeded before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// N App users (and their accounts) in one org.
    AppUsers,
}

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
    /// Measured and reported only.
    None,
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
    /// The SQL pgbench runs beside it with the same connections: the queries the gateway
    /// issues to answer the request, authentication aside. Keep in step with the code.
    pub pgbench: Option<fn(&Fixture) -> String>,
    pub target: Target,
}

/// The columns `users::get` and `users::list` select.
const USER_COLUMNS: &str = "org_id, id, account_id, name, given_name, family_name, email, \
     job_position_name, job_position_description, state, role, created_at, updated_at";

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "get-user",
        number: "1",
        title: "GET /api/v1/app/user/{random id}",
        needs: &[Dataset::AppUsers],
        wrk: |_| {
            r#"
function request()
  return wrk.format("GET", string.format("/api/v1/app/user/user_%016x", math.random(1, ROWS)))
end
"#
            .into()
        },
        pgbench: Some(|_| {
            format!(
                "\\set g random(1, :rows)\n\
                 SELECT {USER_COLUMNS} FROM users WHERE org_id = :org AND id = 'user_' || lpad(to_hex(CAST(:g AS bigint)), 16, '0');\n"
            )
        }),
        target: Target::PgbenchRatio(0.5),
    },
    Scenario {
        name: "list-users",
        number: "2",
        title: "GET /api/v1/app/user?page=1&page_size=20",
        needs: &[Dataset::AppUsers],
        wrk: |_| "wrk.path = \"/api/v1/app/user?page=1&page_size=20\"\n".into(),
        pgbench: Some(|_| {
            // users::list: the org's counters and the first page, pipelined.
            format!(
                "\\startpipeline\n\
                 SELECT coalesce(sum(n), 0)::bigint FROM user_counts WHERE org_id = :org;\n\
                 SELECT {USER_COLUMNS} FROM users WHERE org_id = :org ORDER BY created_at, id LIMIT 21 OFFSET 0;\n\
                 \\endpipeline\n"
            )
        }),
        target: Target::P50Ms(5.0),
    },
    Scenario {
        name: "search-users",
        number: "3",
        title: "GET /api/v1/app/user?page=1&page_size=20&search={a random family name}",
        needs: &[Dataset::AppUsers],
        wrk: |_| {
            format!(
                r#"
local first, middle, last = {}, {}, {}
function request()
  local name = first[math.random(#first)] .. middle[math.random(#middle)] .. last[math.random(#last)]
  return wrk.format("GET", "/api/v1/app/user?page=1&page_size=20&search=" .. name)
end
"#,
                lua_list(&FAMILY_FIRST),
                lua_list(&FAMILY_MIDDLE),
                lua_list(&FAMILY_LAST)
            )
        },
        pgbench: None,
        target: Target::P50Ms(20.0),
    },
    Scenario {
        name: "deep-offset",
        number: "4",
        title: "GET /api/v1/app/user?page={deep}&page_size=20",
        needs: &[Dataset::AppUsers],
        wrk: |f| {
            format!(
                "wrk.path = \"/api/v1/app/user?page={}&page_size={PAGE_SIZE}\"\n",
                f.deep_page
            )
        },
        pgbench: None,
        target: Target::None,
    },
    Scenario {
        name: "deep-cursor",
        number: "4",
        title: "GET /api/v1/app/user?after={cursor at the same depth}&first=20",
        needs: &[Dataset::AppUsers],
        wrk: |f| {
            if f.deep_cursor.is_empty() {
                format!("wrk.path = \"/api/v1/app/user?first={PAGE_SIZE}\"\n")
            } else {
                format!(
                    "wrk.path = \"/api/v1/app/user?after={}&first={PAGE_SIZE}\"\n",
                    f.deep_cursor
                )
            }
        },
        pgbench: None,
        target: Target::P50Ms(5.0),
    },
    Scenario {
        name: "create-user",
        number: "6",
        title: "POST /api/v1/app/user (unique emails)",
        needs: &[Dataset::AppUsers],
        wrk: |_| {
            r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
function request()
  counter = counter + 1
  local n = string.format("%s-%d-%d", RUN, tid, counter)
  local body = string.format('{"role":"AppMember","user_info":{"email":"load-%s@load.test","name":"Load User %s","given_name":"Load","family_name":"User %s"}}', n, n, n)
  return wrk.format("POST", "/api/v1/app/user", nil, body)
end
"#
            .into()
        },
        pgbench: None,
        target: Target::RateAtLeast(3000.0),
    },
];

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

    #[test]
    fn deep_page_is_page_25000_at_a_million_and_the_middle_below() {
        assert_eq!(Fixture::deep_page_for(1_000_000), 25_000);
        assert_eq!(Fixture::deep_page_for(100_000), 2_500);
        assert_eq!(Fixture::deep_page_for(10), 1);
        assert_eq!(Fixture::deep_page_for(5_000_000), 25_000);
    }
}
