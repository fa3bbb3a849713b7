//! HTTP/1.1 spoken by hand over a TCP socket, for what a client library will not do: stall
//! a body half-way, hold connections open, see how the server ends one.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::{timeout_at, Instant};

/// One connection to a gateway.
pub struct RawConn {
    stream: TcpStream,
    /// Bytes read past the last response.
    pending: Vec<u8>,
}

/// A response as read off the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {self:?}"))
    }
}

/// How reading a response ended without one.
#[derive(Debug, PartialEq, Eq)]
pub enum NoResponse {
    /// The server closed (or reset) the connection.
    Closed,
    /// Nothing complete arrived in time.
    TimedOut,
}

fn socket_addr(base: &str) -> SocketAddr {
    base.trim_start_matches("http://")
        .parse()
        .expect("a base URL of the form http://ip:port")
}

impl RawConn {
    /// Connects to the gateway at `base` (`http://127.0.0.1:port`).
    pub async fn open(base: &str) -> Self {
        let stream = TcpStream::connect(socket_addr(base))
            .await
            .expect("connect");
        Self {
            stream,
            pending: Vec::new(),
        }
    }

    /// The same from a given local address (any of 127.0.0.0/8 works on loopback).
    pub async fn open_from(base: &str, local: IpAddr) -> Self {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.bind(SocketAddr::new(local, 0)).expect("bind");
        let stream = socket.connect(socket_addr(base)).await.expect("connect");
        Self {
            stream,
            pending: Vec::new(),
        }
    }

    /// Writes `bytes` (errors are left for the next read to show).
    pub async fn send(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes).await;
    }

    /// Reads one whole response (by its `Content-Length`) within `within`.
    pub async fn response(&mut self, within: Duration) -> Result<RawResponse, NoResponse> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(res) = self.parse() {
                return Ok(res);
            }
            let mut chunk = [0u8; 4096];
            match timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Err(_) => return Err(NoResponse::TimedOut),
                Ok(Ok(0) | Err(_)) => return Err(NoResponse::Closed),
                Ok(Ok(n)) => self.pending.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// Whether the server closes the connection within `within` (reading and dropping
    /// anything it still sends).
    pub async fn closed_within(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut chunk = [0u8; 4096];
        loop {
            match timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Err(_) => return false,
                Ok(Ok(0) | Err(_)) => return true,
                Ok(Ok(_)) => {}
            }
        }
    }

    fn parse(&mut self) -> Option<RawResponse> {
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        let (head, rest) = text.split_once("\r\n\r\n")?;
        let mut lines = head.lines();
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        if rest.len() < length {
            return None;
        }
        let consumed = head.len() + 4 + length;
        self.pending.drain(..consumed);
        Some(RawResponse {
            status,
            headers,
            body: rest[..length].to_owned(),
        })
    }
}

/// A `GET` request head.
pub fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: roster.test\r\n\r\n").into_bytes()
}
