//! `cargo xtask dev` as a newcomer meets it: the built xtask binary, on a free port and
//! with a private cluster of its own (`ROSTER_PG_DIR`), so that it never meets a
//! developer's dev server or the cluster `cargo xtask test` leases.

// A test should fail loudly and at once: panicking is its way of reporting.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// `xtask dev` on `bind`, with no DATABASE_URL and its cluster in `cluster_dir`.
fn xtask_dev(bind: &str, cluster_dir: &Path, out: &Path, err: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["dev", "--bind", bind])
        .env_remove("DATABASE_URL")
        .env_remove("ROSTER_BIND")
        .env("ROSTER_PG_DIR", cluster_dir)
        .env("CARGO", env!("CARGO"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(fs::File::create(out).unwrap())
        .stderr(fs::File::create(err).unwrap())
        .spawn()
        .unwrap()
}

/// Polls `condition` until it holds or `within` has passed; says which.
fn eventually(within: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn exit_within(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let mut status = None;
    eventually(within, || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    status
}

/// The processes whose parent is `parent`: (pid, name).
fn children(parent: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (name) state ppid ...`; the name may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let ppid = stat[close + 1..].split_whitespace().nth(1);
        if ppid.and_then(|p| p.parse().ok()) == Some(parent) {
            let pid = stat[..open].trim().parse().unwrap();
            found.push((pid, stat[open + 1..close].to_owned()));
        }
    }
    found
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// A directory of this test's own, removed (with its cluster stopped) at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "roster-{name}-{}",
            roster_devkit::random_hex(6).unwrap()
        ));
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let cluster = self.0.join("cluster");
        if cluster.join("data/postmaster.pid").exists() {
            let _ = Command::new(env!("CARGO_BIN_EXE_xtask"))
                .args(["pg", "stop"])
                .env("ROSTER_PG_DIR", &cluster)
                .status();
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_busy_port_fails_at_once_in_one_line_naming_its_holder_and_minting_nothing() {
    let scratch = Scratch::new("dev-busy");
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = holder.local_addr().unwrap().to_string();
    let (out, err) = (scratch.0.join("out"), scratch.0.join("err"));
    let mut dev = xtask_dev(&bind, &scratch.0.join("cluster"), &out, &err);

    let status = exit_within(&mut dev, Duration::from_secs(10));
    if status.is_none() {
        let _ = dev.kill();
    }
    let stderr = fs::read_to_string(&err).unwrap();
    assert!(
        status.is_some_and(|s| !s.success()),
        "{status:?}; stderr: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{bind} is in use by"))
            && stderr.contains(&format!("(pid {})", std::process::id()))
            && stderr.contains("--bind"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "", "nothing printed");
    assert!(
        !scratch.0.join("cluster").exists(),
        "no cluster was started"
    );
}

#[test]
fn ctrl_c_stops_the_gateway_and_the_private_cluster() {
    let scratch = Scratch::new("dev-sigint");
    let port = roster_devkit::free_port().unwrap();
    let cluster = scratch.0.join("cluster");
    let (out, err) = (scratch.0.join("out"), scratch.0.join("err"));
    let mut dev = xtask_dev(&format!("127.0.0.1:{port}"), &cluster, &out, &err);
    let xtask = dev.id();

    // Bounded, though generous: the gateway may need building first.
    let ready = eventually(Duration::from_secs(900), || {
        let gateway_serves = children(xtask)
            .iter()
            .any(|(_, name)| name == "roster-gateway")
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        gateway_serves || dev.try_wait().unwrap().is_some()
    });
    let stderr = || fs::read_to_string(&err).unwrap_or_default();
    assert!(ready && dev.try_wait().unwrap().is_none(), "{}", stderr());
    assert!(
        fs::read_to_string(&out)
            .unwrap()
            .contains("export ROSTER_TOKEN="),
        "the banner is printed"
    );
    let gateway = children(xtask)
        .into_iter()
        .find(|(_, name)| name == "roster-gateway")
        .map(|(pid, _)| pid)
        .unwrap();
    let postmaster: u32 = fs::read_to_string(cluster.join("data/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let backends: Vec<u32> = children(postmaster)
        .into_iter()
        .map(|(pid, _)| pid)
        .collect();
    assert!(alive(gateway) && alive(postmaster) && !backends.is_empty());

    kill(Pid::from_raw(xtask as i32), Signal::SIGINT).unwrap();

    let status = exit_within(&mut dev, Duration::from_secs(60));
    if status.is_none() {
        let _ = dev.kill();
    }
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}; {}",
        stderr()
    );
    assert!(
        stderr()
            .trim_end()
            .ends_with("xtask: dev server stopped; the private PostgreSQL stopped"),
        "{}",
        stderr()
    );
    assert!(!alive(gateway), "the gateway is gone");
    let cluster_gone = eventually(Duration::from_secs(10), || {
        !alive(postmaster) && backends.iter().all(|pid| !alive(*pid))
    });
    assert!(cluster_gone, "no process of the cluster remains");
    assert!(!cluster.join("data/postmaster.pid").exists());
}
