//! A webhook receiver on loopback: records every request it gets (as it arrives) and
//! answers as its script says.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn id(&self) -> &str {
        self.headers["webhook-id"].to_str().unwrap()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// Checks the signature with the Standard Webhooks library.
    pub fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .unwrap()
            .verify(&self.body, &self.headers)
            .is_ok()
    }
}

/// What to answer the `n`th request (from 0): a status, after a pause.
pub type Script = dyn Fn(usize) -> (u16, Duration) + Send + Sync;

#[derive(Default)]
struct Log {
    received: Vec<Received>,
    in_flight: HashSet<String>,
    /// Ids that arrived while a request with the same id was still being answered.
    overlaps: Vec<String>,
}

pub struct Receiver {
    pub url: String,
    log: Arc<Mutex<Log>>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    /// A receiver answering 200 at once.
    pub fn ok() -> Self {
        Self::scripted(|_| (200, Duration::ZERO))
    }

    pub fn scripted(script: impl Fn(usize) -> (u16, Duration) + Send + Sync + 'static) -> Self {
        let log: Arc<Mutex<Log>> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let state = (log.clone(), script);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .default_service(web::to(answer))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .shutdown_timeout(0)
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self { url, log, handle }
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().received.clone()
    }

    pub fn overlaps(&self) -> Vec<String> {
        self.log.lock().unwrap().overlaps.clone()
    }

    /// Waits (up to `within`) until `done` holds for what was received; says whether it did.
    pub async fn until(&self, within: Duration, done: impl Fn(&[Received]) -> bool) -> bool {
        let deadline = Instant::now() + within;
        loop {
            if done(&self.received()) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

type State = (Arc<Mutex<Log>>, Arc<Script>);

async fn answer(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let (log, script) = state.get_ref();
    let mut headers = http::HeaderMap::new();
    for (name, value) in req.headers() {
        headers.append(
            http::HeaderName::from_bytes(name.as_str().as_bytes()).unwrap(),
            http::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let n = {
        let mut log = log.lock().unwrap();
        if !log.in_flight.insert(id.clone()) {
            log.overlaps.push(id.clone());
        }
        log.received.push(Received {
            headers,
            body: body.to_vec(),
        });
        log.received.len() - 1
    };
    let (status, pause) = script(n);
    actix_web::rt::time::sleep(pause).await;
    log.lock().unwrap().in_flight.remove(&id);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}
