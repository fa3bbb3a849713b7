//! The report rendered: a terminal table and Markdown (the JSON is the report serialised).

use std::fmt::Write as _;

use super::report::Report;

impl Report {
    fn rows(&self) -> Vec<[String; 11]> {
        let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}"));
        self.scenarios
            .iter()
            .map(|s| {
                let verdict = self
                    .checks
                    .iter()
                    .filter(|c| c.scenario == s.name)
                    .all(|c| c.pass);
                [
                    format!("{} {}", s.number, s.name),
                    format!("{:.0}", s.requests_per_s),
                    ms(s.p50_ms),
                    ms(s.p99_ms),
                    ms(s.p999_ms),
                    s.non_2xx.to_string(),
                    s.peak_rss_mib.map_or("-".into(), |v| format!("{v:.1}")),
                    s.pgbench
                        .as_ref()
                        .map_or("-".into(), |p| format!("{:.0}", p.tps)),
                    s.pgbench
                        .as_ref()
                        .map_or("-".into(), |p| format!("{:.2}", p.latency_avg_ms)),
                    s.pgbench_ratio
                        .map_or("-".into(), |r| format!("{:.0}%", r * 100.0)),
                    if verdict { "PASS" } else { "FAIL" }.into(),
                ]
            })
            .collect()
    }

    const HEADER: [&'static str; 11] = [
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "non-2xx",
        "RSS MiB",
        "pgbench tps",
        "pgbench avg ms",
        "gw/pgbench",
        "targets",
    ];

    /// A fixed-width table for the terminal.
    pub fn table(&self) -> String {
        let rows = self.rows();
        let mut widths = Self::HEADER.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.len());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, cells: &[&str]| {
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                if i == 0 {
                    let _ = write!(out, "{cell:<w$}");
                } else {
                    let _ = write!(out, "  {cell:>w$}");
                }
            }
            out.push('\n');
        };
        line(&mut out, &Self::HEADER);
        for row in &rows {
            line(
                &mut out,
                &row.iter().map(String::as_str).collect::<Vec<_>>(),
            );
        }
        out.push('\n');
        for c in &self.checks {
            let _ = writeln!(
                out,
                "{}  {:<21} {:<28} {}",
                if c.pass { "PASS" } else { "FAIL" },
                c.scenario,
                c.what,
                c.measured
            );
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("# Roster benchmark\n\n");
        let s = &self.settings;
        let _ = writeln!(
            out,
            "{} App users in one org; {} s per scenario after a warm-up; {} connections \
             (wrk and pgbench alike); gateway log level `{}`; commit `{}`.\n",
            s.rows, s.duration_s, s.connections, s.gateway_log_level, s.git_commit
        );
        let m = &self.machine;
        let _ = writeln!(
            out,
            "Machine: {} cores, {:.0} GiB, {}. Load generator, gateway and PostgreSQL share it.\n",
            m.cores, m.memory_gib, m.cpu
        );
        for seed in &self.seeding {
            let _ = writeln!(
                out,
                "Seeding: {} {} in {:.1} s ({:.0}/s).\n",
                seed.rows, seed.what, seed.seconds, seed.rows_per_s
            );
        }
        let _ = writeln!(out, "| {} |", Self::HEADER.join(" | "));
        let _ = writeln!(
            out,
            "|{}",
            Self::HEADER
                .iter()
                .enumerate()
                .map(|(i, _)| if i == 0 { "---|" } else { "---:|" })
                .collect::<String>()
        );
        for row in self.rows() {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out.push_str("\n## Targets\n\n| scenario | target | measured | |\n|---|---|---|---|\n");
        for c in &self.checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                c.scenario,
                c.what,
                c.measured,
                if c.pass { "PASS" } else { "FAIL" }
            );
        }
        out.push_str("\n## Requests\n\n");
        for sc in &self.scenarios {
            let _ = writeln!(out, "- `{}`: {}", sc.name, sc.title);
            if let Some(e) = &sc.wrk.first_error {
                let _ = writeln!(out, "  - first non-2xx: `{e}`");
            }
        }
        out
    }
}
