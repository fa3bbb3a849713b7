//! The few HTTP requests xtask makes itself (is a gateway ready, the fuzzing's setup),
//! with a blocking ureq agent that hands back every status instead of failing on 4xx/5xx.

use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;

/// A status and the body read as JSON (`null` when it is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// Requests to one server, e.g. `http://127.0.0.1:8080`.
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self {
            agent,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Result<Answer> {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer(path, request.call())
    }

    pub fn post_json(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Result<Answer> {
        let mut request = self.agent.post(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer(path, request.send_json(body))
    }

    pub fn delete(&self, path: &str, headers: &[(&str, &str)]) -> Result<Answer> {
        let mut request = self.agent.delete(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer(path, request.call())
    }

    /// The status of a GET, if anything answered.
    pub fn status(&self, path: &str) -> Option<u16> {
        self.get(path, &[]).ok().map(|a| a.status)
    }
}

fn answer(
    path: &str,
    sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Answer> {
    let mut response = sent.with_context(|| format!("requesting {path}"))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .with_context(|| format!("reading the answer to {path}"))?;
    Ok(Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}
