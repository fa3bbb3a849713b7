//! A small real SMTP server for tests: tokio TCP on 127.0.0.1, speaking EHLO/HELO, MAIL,
//! RCPT, DATA, RSET, NOOP and QUIT. It records every message it accepts, lets a test wait
//! for the next one to an address (with a deadline), and can refuse the next few mails
//! with a reply of the test's choosing (e.g. `451` to make the sender retry).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Result};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-stuffing undone).
    pub data: String,
}

impl Received {
    /// The value of a header (the first of that name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                if n.eq_ignore_ascii_case(name) {
                    value = Some(v.trim().to_owned());
                }
            }
        }
        value
    }

    /// The body, decoded from quoted-printable when it says so.
    pub fn body(&self) -> String {
        let raw = self
            .data
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body);
        let qp = self
            .header("Content-Transfer-Encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
        if qp {
            decode_quoted_printable(raw)
        } else {
            raw.to_owned()
        }
    }

    /// The first `http(s)://` URL in the body.
    pub fn link(&self) -> Option<String> {
        let body = self.body();
        let start = body.find("http://").or_else(|| body.find("https://"))?;
        Some(
            body[start..]
                .split(char::is_whitespace)
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    }
}

fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct Inner {
    messages: Mutex<Vec<(Received, bool)>>,
    arrived: Notify,
    refusals: Mutex<VecDeque<String>>,
    sessions: Mutex<usize>,
}

/// The server; it stops when dropped.
pub struct SmtpServer {
    addr: SocketAddr,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpServer {
    /// Listens on a free loopback port.
    pub async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner::default());
        let serving = inner.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inner = serving.clone();
                tokio::spawn(async move {
                    let _ = session(stream, &inner).await;
                });
            }
        });
        Ok(Self { addr, inner, task })
    }

    /// `smtp://127.0.0.1:port`, for `ROSTER_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Refuses the next `n` mails at `MAIL FROM` with `reply` (e.g. `451 4.3.0 later`).
    pub fn refuse_next(&self, n: usize, reply: &str) {
        if let Ok(mut refusals) = self.inner.refusals.lock() {
            refusals.extend(std::iter::repeat_n(reply.to_owned(), n));
        }
    }

    /// Every message accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.inner
            .messages
            .lock()
            .map(|m| m.iter().map(|(r, _)| r.clone()).collect())
            .unwrap_or_default()
    }

    /// How many SMTP sessions (connections) were opened.
    pub fn sessions(&self) -> usize {
        self.inner.sessions.lock().map_or(0, |n| *n)
    }

    /// The next message to `to` not yet taken by this call; an error past `within`.
    pub async fn next_to(&self, to: &str, within: Duration) -> Result<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.inner.arrived.notified();
            if let Some(found) = self.take(to) {
                return Ok(found);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                bail!("no mail to {to} within {within:?}");
            }
        }
    }

    fn take(&self, to: &str) -> Option<Received> {
        let mut messages = self.inner.messages.lock().ok()?;
        let (message, taken) = messages
            .iter_mut()
            .find(|(m, taken)| !taken && m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))?;
        *taken = true;
        Some(message.clone())
    }
}

/// The address inside `MAIL FROM:<a>` or `RCPT TO:<a>`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(s), Some(e)) if s < e => arg[s + 1..e].to_owned(),
        _ => arg.to_owned(),
    }
}

async fn session(stream: TcpStream, inner: &Inner) -> Result<()> {
    if let Ok(mut n) = inner.sessions.lock() {
        *n += 1;
    }
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 roster-devkit ESMTP\r\n").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        let reply: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => "250-roster-devkit\r\n250-8BITMIME\r\n250 SMTPUTF8".into(),
            "HELO" => "250 roster-devkit".into(),
            "MAIL" => {
                let refusal = inner.refusals.lock().ok().and_then(|mut r| r.pop_front());
                match refusal {
                    Some(refusal) => refusal,
                    None => {
                        from = Some(address(arg.split_once(':').map_or(arg, |(_, a)| a)));
                        to.clear();
                        "250 2.1.0 OK".into()
                    }
                }
            }
            "RCPT" if from.is_some() => {
                to.push(address(arg.split_once(':').map_or(arg, |(_, a)| a)));
                "250 2.1.5 OK".into()
            }
            "RCPT" => "503 5.5.1 MAIL first".into(),
            "DATA" if from.is_some() && !to.is_empty() => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let data = read_data(&mut lines).await?;
                let received = Received {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut to),
                    data,
                };
                if let Ok(mut messages) = inner.messages.lock() {
                    messages.push((received, false));
                }
                inner.arrived.notify_waiters();
                "250 2.0.0 queued".into()
            }
            "DATA" => "503 5.5.1 MAIL and RCPT first".into(),
            "RSET" => {
                from = None;
                to.clear();
                "250 2.0.0 OK".into()
            }
            "NOOP" => "250 2.0.0 OK".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not recognised".into(),
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

/// The lines of a DATA section up to the lone dot, dot-stuffing undone.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Result<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = lines.read_line(&mut line).await?;
        if n == 0 {
            bail!("the client left in the middle of DATA");
        }
        let content = line.trim_end_matches(['\r', '\n']);
        if content == "." {
            break;
        }
        let content = content.strip_prefix('.').unwrap_or(content);
        data.push_str(content);
        data.push_str("\r\n");
    }
    Ok(data.trim_end_matches("\r\n").to_owned())
}
