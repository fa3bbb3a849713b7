//! A `roster-gateway serve` process of its own, for what only a process shows: how it
//! answers signals and what it writes to its log.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use roster_e2e::{TestDb, TEST_SECRET};

pub struct GatewayProcess {
    child: Child,
    /// `127.0.0.1:<port>`, as its log says it listens.
    pub address: String,
    log: Arc<Mutex<Vec<String>>>,
    /// The database it owns, if it made one (dropped with it).
    _db: Option<TestDb>,
}

impl GatewayProcess {
    /// Serves a fresh database with one worker, logging in `log_format` to a pipe.
    pub async fn start(log_format: &str) -> Self {
        Self::start_with(log_format, &[]).await
    }

    /// The same with more settings (`RUST_LOG` among them, `info` otherwise).
    pub async fn start_with(log_format: &str, env: &[(&str, &str)]) -> Self {
        let db = TestDb::new().await;
        let url = db.url.clone();
        Self::spawn(&url, Some(db), log_format, env).await
    }

    /// Serves a database it does not own (to be served again after this process ends).
    pub async fn start_on(database_url: &str, log_format: &str, env: &[(&str, &str)]) -> Self {
        Self::spawn(database_url, None, log_format, env).await
    }

    async fn spawn(
        database_url: &str,
        db: Option<TestDb>,
        log_format: &str,
        env: &[(&str, &str)],
    ) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_roster-gateway-e2e"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env(
                "ROSTER_SECRET",
                String::from_utf8_lossy(TEST_SECRET).as_ref(),
            )
            .env("ROSTER_BIND", "127.0.0.1:0")
            .env("ROSTER_METRICS_BIND", "off")
            .env("ROSTER_WORKERS", "1")
            .env("LOG_FORMAT", log_format)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start roster-gateway-e2e");
        let log = Arc::new(Mutex::new(Vec::new()));
        for out in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line);
                }
            });
        }
        let mut gateway = Self {
            child,
            address: String::new(),
            log,
            _db: db,
        };
        let listening = gateway
            .wait_for_line(|l| l.contains("roster-gateway listening"))
            .await;
        let at = listening.find("127.0.0.1:").expect("address in the log");
        gateway.address = listening[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
            .collect();
        gateway
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The first log line `matches` accepts, waiting up to 10 s for it.
    pub async fn wait_for_line(&self, matches: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.lines().into_iter().find(|l| matches(l)) {
                return line;
            }
            assert!(
                Instant::now() < until,
                "no such line in {:#?}",
                self.lines()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends a signal (`INT`, `TERM`, `KILL`) to the process.
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(sent.success());
    }

    /// Its exit status, waiting up to `limit` for it.
    pub async fn exit(&mut self, limit: Duration) -> ExitStatus {
        let until = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < until, "still running: {:#?}", self.lines());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for GatewayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
