//! What `cargo xtask` and the end-to-end tests both need to run PostgreSQL and servers
//! for development: its binaries, URLs naming another database, free ports, random names;
//! and, with the `db` feature, a database of its own for each test.

#[cfg(feature = "db")]
pub mod db;
pub mod pg_bin;
#[cfg(feature = "smtp")]
pub mod smtp;
mod url;

pub use url::{database_name, with_database};

use std::io::Read;
use std::net::TcpListener;

use anyhow::{Context, Result};

/// A loopback port nothing listens on right now.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `n` random bytes from /dev/urandom, as lowercase hex.
pub fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_hex_has_two_digits_a_byte_and_differs_between_calls() {
        let a = random_hex(16).unwrap();
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(a, random_hex(16).unwrap());
    }

    #[test]
    fn a_free_port_can_be_bound() {
        let port = free_port().unwrap();
        assert!(TcpListener::bind(("127.0.0.1", port)).is_ok());
    }
}
