//! Is the address `cargo xtask dev` will serve on free? If not, which process holds it:
//! found through /proc (the listening socket's inode in /proc/net/tcp{,6}, then the
//! process with that socket among its file descriptors).

use std::fs;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};

use anyhow::{bail, Result};

/// Fails with one line if nothing may listen on `addr` now.
pub fn ensure_free(addr: SocketAddr) -> Result<()> {
    match TcpListener::bind(addr) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AddrInUse => {
            let holder = holder(addr.port()).map_or_else(
                || "another process".to_owned(),
                |(pid, name)| format!("{name} (pid {pid})"),
            );
            bail!(
                "{addr} is in use by {holder}: stop it, or serve elsewhere with --bind ADDR or ROSTER_BIND=ADDR"
            )
        }
        Err(e) => bail!("cannot serve on {addr}: {e}"),
    }
}

/// The process listening on TCP `port`, if /proc says (other users' processes it may not).
fn holder(port: u16) -> Option<(u32, String)> {
    let inodes: Vec<u64> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| fs::read_to_string(table).ok())
        .flat_map(|table| listening_inodes(&table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let holds = fs::read_dir(entry.path().join("fd"))
            .ok()?
            .flatten()
            .filter_map(|fd| fs::read_link(fd.path()).ok())
            .filter_map(|link| socket_inode(&link.to_string_lossy()))
            .any(|inode| inodes.contains(&inode));
        if !holds {
            return None;
        }
        let name = fs::read_to_string(entry.path().join("comm")).ok()?;
        Some((pid, name.trim().to_owned()))
    })
}

/// The inodes of the sockets listening on `port` in a /proc/net/tcp (or tcp6) table.
fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    const LISTEN: &str = "0A";
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields.get(1)?.rsplit(':').next()?;
            if *fields.get(3)? != LISTEN || u16::from_str_radix(local_port, 16).ok()? != port {
                return None;
            }
            fields.get(9)?.parse().ok()
        })
        .collect()
}

/// The inode of a `/proc/<pid>/fd/<n>` link to a socket (`socket:[12345]`).
fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 5151 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn only_listeners_on_the_port_are_found() {
        assert_eq!(listening_inodes(TCP, 8080), [4242]);
        assert_eq!(listening_inodes(TCP, 5432), [5151]);
        assert!(listening_inodes(TCP, 9999).is_empty());
    }

    #[test]
    fn ipv6_tables_are_read_the_same_way() {
        let tcp6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0
";
        assert_eq!(listening_inodes(tcp6, 8080), [777]);
    }

    #[test]
    fn socket_links_give_their_inode() {
        assert_eq!(socket_inode("socket:[4242]"), Some(4242));
        assert_eq!(socket_inode("/dev/null"), None);
        assert_eq!(socket_inode("pipe:[4242]"), None);
    }

    #[test]
    fn a_port_held_here_names_this_process() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let message = ensure_free(addr).unwrap_err().to_string();
        assert!(
            message.contains(&format!("(pid {})", std::process::id())),
            "{message}"
        );
        assert!(!message.contains('\n'), "{message}");
        drop(listener);
        assert!(ensure_free(addr).is_ok());
    }
}
