//! Headless Chromium for the console's tests (`tests/console`): Debian's `chromium` and
//! `chromium-driver`, installed with apt-get when chromedriver is missing and we are root
//! on Debian, as PostgreSQL and wrk are.

use anyhow::Result;

/// Makes sure `chromedriver` (and the browser it drives) is on PATH.
pub fn ensure_installed() -> Result<()> {
    crate::apt::ensure("chromedriver", &["chromium", "chromium-driver"], "xtask").map(drop)
}
