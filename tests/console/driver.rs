//! Headless Chromium through chromedriver (Debian's `chromium` and `chromium-driver`,
//! which `cargo xtask test` installs when missing): started on a free port for a test,
//! killed when it ends.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Map, Value};

/// A chromedriver of this test, and a browser session on it.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.exists())
}

impl Browser {
    pub async fn start() -> Self {
        let chromedriver = on_path("chromedriver").expect(
            "chromedriver is not installed: run the tests with `cargo xtask test` (it installs \
             Debian's chromium and chromium-driver), or `apt-get install chromium chromium-driver`",
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut caps = Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps",
                // Any host but loopback fails to resolve: nothing can leave the machine.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ]}),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut browser_driver = Some(driver);
        let client = loop {
            let connected = ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await;
            match connected {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => {
                    if let Some(mut d) = browser_driver.take() {
                        let _ = d.kill();
                        let _ = d.wait();
                    }
                    panic!("chromedriver did not start a browser: {e}");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self {
            client,
            driver: browser_driver.take().expect("driver"),
        }
    }

    /// Ends the browser session, then chromedriver.
    pub async fn stop(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// Runs a script in the page (WebDriver's, not the page's: CSP does not apply).
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Whatever happened to the test, chromedriver (and its browser) goes with it.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
