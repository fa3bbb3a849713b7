//! The gateway's log lines as an operator would read them with `RUST_LOG=debug`: the
//! gateway's own filter and format (`roster_gateway::telemetry`), installed once for this
//! test process, keeping only the lines of requests that a test marks.
//!
//! Every line of a request carries its span's fields, the client address among them: a
//! test sends its requests from (or on behalf of) an address of its own and keeps the
//! lines that name it. Lines are kept without their terminal colours.

use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use roster_gateway::config::LogFormat;
use tracing_subscriber::filter::{dynamic_filter_fn, FilterExt};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

type Lines = Arc<Mutex<Vec<String>>>;

/// The captures running now: (marker, lines kept for it).
static CAPTURES: Mutex<Vec<(String, Lines)>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// The log lines that contain a marker, from its start until it is dropped.
pub struct LogCapture {
    marker: String,
    lines: Lines,
}

impl LogCapture {
    /// Starts keeping the lines that contain `marker`.
    pub fn start(marker: &str) -> Self {
        INSTALL.call_once(install);
        let lines = Lines::default();
        CAPTURES
            .lock()
            .expect("captures")
            .push((marker.to_owned(), Arc::clone(&lines)));
        Self {
            marker: marker.to_owned(),
            lines,
        }
    }

    /// The lines kept so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("lines").clone()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        if let Ok(mut captures) = CAPTURES.lock() {
            captures.retain(|(m, l)| !(m == &self.marker && Arc::ptr_eq(l, &self.lines)));
        }
    }
}

/// The gateway's layer and filter at `debug`, on the events inside a request's span (the
/// other tests' gateways run in this process too: their lines are dropped unformatted
/// where possible).
fn install() {
    let in_a_request = dynamic_filter_fn(|meta, cx| {
        (meta.is_span() && meta.name() == "request") || cx.lookup_current().is_some()
    });
    let layer = roster_gateway::telemetry::layer(LogFormat::Pretty, Sink)
        .with_filter(roster_gateway::telemetry::filter("debug").and(in_a_request));
    tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .expect("the log capture is the only subscriber of the test process");
}

/// Where the layer writes: one buffer per line, handed to the captures whose marker it has.
struct Sink;

struct LineBuffer(Vec<u8>);

impl<'w> MakeWriter<'w> for Sink {
    type Writer = LineBuffer;

    fn make_writer(&'w self) -> LineBuffer {
        LineBuffer(Vec::new())
    }
}

impl Write for LineBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `text` without its terminal colours (`ESC [ ... m`).
fn without_colours(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| *c == 'm');
        } else {
            plain.push(c);
        }
    }
    plain
}

impl Drop for LineBuffer {
    fn drop(&mut self) {
        let line = without_colours(&String::from_utf8_lossy(&self.0));
        if let Ok(captures) = CAPTURES.lock() {
            for (marker, lines) in captures.iter() {
                if line.contains(marker.as_str()) {
                    if let Ok(mut lines) = lines.lock() {
                        lines.push(line.clone());
                    }
                }
            }
        }
    }
}
