//! psql against one database: `-X` (no psqlrc), stop on the first error. SQL text is
//! quoted here, and databases are created and dropped here.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use roster_devkit::pg_bin::client_program;

pub struct Psql {
    bin: PathBuf,
    url: String,
}

impl Psql {
    pub fn new(url: &str) -> Result<Self> {
        let bin = client_program("psql").context(
            "psql is not installed (`sudo apt-get install -y postgresql-client` on Debian/Ubuntu)",
        )?;
        Ok(Self {
            bin,
            url: url.to_owned(),
        })
    }

    /// Runs SQL; returns what it printed, unaligned and tuples only. No statement may
    /// run longer than 10 minutes (the bench bounds its own time).
    pub fn query(&self, sql: &str) -> Result<String> {
        let out = Command::new(&self.bin)
            .env("PGOPTIONS", "-c statement_timeout=600000")
            .args(["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(&self.url)
            .arg("-c")
            .arg(sql)
            .stdin(Stdio::null())
            .output()
            .context("running psql")?;
        if !out.status.success() {
            let short: String = sql.chars().take(200).collect();
            bail!(
                "psql failed on `{short}`: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    pub fn database_exists(&self, name: &str) -> Result<bool> {
        let sql = format!(
            "SELECT count(*) FROM pg_database WHERE datname = {}",
            lit(name)
        );
        Ok(self.query(&sql)? == "1")
    }

    /// Creates database `name` unless it exists.
    pub fn ensure_database(&self, name: &str) -> Result<()> {
        if !self.database_exists(name)? {
            self.query(&format!("CREATE DATABASE {}", ident(name)))?;
        }
        Ok(())
    }

    /// Drops database `name` if it exists, closing its connections.
    pub fn drop_database(&self, name: &str) -> Result<()> {
        self.query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            ident(name)
        ))?;
        Ok(())
    }
}

/// Quotes a SQL string literal.
pub fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Quotes a SQL identifier.
pub fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_identifiers_are_quoted() {
        assert_eq!(lit("it's"), "'it''s'");
        assert_eq!(ident("roster_dev"), "\"roster_dev\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
    }
}
