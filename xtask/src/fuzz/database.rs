//! A database of its own for a fuzz run, created on the server the run uses and dropped
//! at the end.

use anyhow::Result;
use roster_devkit::with_database;

use crate::psql::Psql;

pub struct FreshDatabase {
    admin: Psql,
    name: String,
    pub url: String,
}

impl FreshDatabase {
    /// A database named `<prefix>_<this process's id>`.
    pub fn create(admin_url: &str, prefix: &str) -> Result<Self> {
        let admin = Psql::new(admin_url)?;
        let name = format!("{prefix}_{}", std::process::id());
        admin.drop_database(&name)?;
        admin.ensure_database(&name)?;
        Ok(Self {
            url: with_database(admin_url, &name),
            admin,
            name,
        })
    }

    pub fn drop_now(self) {
        if let Err(e) = self.admin.drop_database(&self.name) {
            eprintln!("xtask: could not drop {}: {e:#}", self.name);
        }
    }
}
