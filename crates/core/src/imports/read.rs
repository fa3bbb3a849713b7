//! Reading an import file as it streams in: one record at a time, NDJSON (one JSON object
//! a line, or another JSON form a [`RawRecord`] reads, such as Auth0's bulk export) or CSV
//! with a header row (a quoted field may span lines). A bad record is an error for its line; the reading
//! goes on at the next one. A line longer than [`MAX_LINE_BYTES`] is an error too, skipped
//! without being held.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use super::{Format, LineError};

/// The longest record kept (a user is a few hundred bytes).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A record as a file gives it, before any check: what each kind of import reads.
pub trait RawRecord: Default + Sized {
    /// The columns a CSV header may name.
    const COLUMNS: &'static [&'static str];
    /// The column a CSV header must name, if any.
    const REQUIRED: Option<&'static str>;
    /// What one record is, for messages ("user", "external user").
    const NOUN: &'static str;

    /// A record of an NDJSON line (or a JSON form such as Auth0's).
    fn from_json(buf: &[u8], format: Format) -> Result<Self, serde_json::Error>;

    /// Sets column `column` (an index in [`Self::COLUMNS`]) of a CSV record from its
    /// non-empty text; an error says what is wrong with it (`invalid_field`).
    fn set(&mut self, column: usize, value: String) -> Result<(), String>;
}

/// One record: its first line (from 1) and what it holds, or what is wrong with it.
#[derive(Debug)]
pub struct Record<T> {
    pub line: u64,
    pub record: Result<T, LineError>,
}

/// A whole-file problem (a CSV header naming an unknown column): nothing is imported.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Header(String),
}

/// The records of a file, read as it comes.
pub struct Records<R, T> {
    input: R,
    format: Format,
    /// The number of the last line read.
    line: u64,
    header: Option<Vec<usize>>,
    buf: Vec<u8>,
    kind: std::marker::PhantomData<T>,
}

impl<R: AsyncBufRead + Unpin, T: RawRecord> Records<R, T> {
    pub fn new(input: R, format: Format) -> Self {
        Self {
            input,
            format,
            line: 0,
            header: None,
            buf: Vec::new(),
            kind: std::marker::PhantomData,
        }
    }

    /// The next record, or `None` at the end of the file.
    pub async fn next(&mut self) -> Result<Option<Record<T>>, ReadError> {
        loop {
            let Some(too_long) = self.read_line().await? else {
                return Ok(None);
            };
            let line = self.line;
            if too_long {
                return Ok(Some(Record {
                    line,
                    record: Err(LineError::new(
                        line,
                        None,
                        "line_too_long",
                        format!("the line is longer than {MAX_LINE_BYTES} bytes"),
                    )),
                }));
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let user = match self.format {
                Format::Csv => match self.csv_record().await? {
                    None => continue,
                    Some(user) => user,
                },
                format => T::from_json(&self.buf, format).map_err(|e| {
                    let code = if e.is_data() {
                        "invalid_field"
                    } else {
                        "malformed_line"
                    };
                    // serde_json's message names the field and the type, never the value.
                    LineError::new(line, None, code, format!("not a {}: {e}", T::NOUN))
                }),
            };
            return Ok(Some(Record { line, record: user }));
        }
    }

    /// Reads one line (without its end) into `buf`; `Some(true)` when it was too long to
    /// keep, `None` at the end of the file.
    async fn read_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = self.input.fill_buf().await?;
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, used, done) = match available.iter().position(|b| *b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long && self.buf.len() + chunk.len() <= MAX_LINE_BYTES {
                self.buf.extend_from_slice(chunk);
            } else {
                too_long = true;
                self.buf.clear();
            }
            self.input.consume(used);
            if done {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line += 1;
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some(too_long))
    }

    /// The CSV record starting with the line in `buf` (more lines while a quoted field is
    /// open); `None` for the header row.
    async fn csv_record(&mut self) -> Result<Option<Result<T, LineError>>, ReadError> {
        let line = self.line;
        let mut record = std::mem::take(&mut self.buf);
        while record.iter().filter(|b| **b == b'"').count() % 2 == 1 {
            match self.read_line().await? {
                Some(false) if record.len() + self.buf.len() < MAX_LINE_BYTES => {
                    record.push(b'\n');
                    record.extend_from_slice(&self.buf);
                }
                Some(_) => {
                    return Ok(Some(Err(LineError::new(
                        line,
                        None,
                        "line_too_long",
                        format!("the record is longer than {MAX_LINE_BYTES} bytes"),
                    ))))
                }
                None => break,
            }
        }
        let fields = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(record.as_slice())
            .into_records()
            .next()
            .transpose();
        let fields = match fields {
            Ok(Some(fields)) => fields,
            Ok(None) => return Ok(None),
            Err(e) => {
                let message = format!("not a CSV record: {e}");
                return Ok(Some(Err(LineError::new(
                    line,
                    None,
                    "malformed_line",
                    message,
                ))));
            }
        };
        let Some(columns) = &self.header else {
            self.header = Some(header::<T>(&fields)?);
            return Ok(None);
        };
        if fields.len() != columns.len() {
            let message = format!(
                "{} fields where the header has {}",
                fields.len(),
                columns.len()
            );
            return Ok(Some(Err(LineError::new(
                line,
                None,
                "malformed_line",
                message,
            ))));
        }
        let mut user = T::default();
        for (value, column) in fields.iter().zip(columns) {
            if value.is_empty() {
                continue;
            }
            if let Err(why) = user.set(*column, value.to_owned()) {
                let message = format!("{}: {why}", T::COLUMNS[*column]);
                return Ok(Some(Err(LineError::new(
                    line,
                    None,
                    "invalid_field",
                    message,
                ))));
            }
        }
        Ok(Some(Ok(user)))
    }
}

/// The index in [`RawRecord::COLUMNS`] of each column of a header row.
fn header<T: RawRecord>(fields: &csv::StringRecord) -> Result<Vec<usize>, ReadError> {
    let mut seen = Vec::new();
    for name in fields {
        let name = name.trim().trim_start_matches('\u{feff}');
        let index = T::COLUMNS.iter().position(|c| *c == name).ok_or_else(|| {
            ReadError::Header(format!(
                "the CSV header names an unknown column `{name}` (known: {})",
                T::COLUMNS.join(", ")
            ))
        })?;
        if seen.contains(&index) {
            return Err(ReadError::Header(format!(
                "the CSV header names `{name}` twice"
            )));
        }
        seen.push(index);
    }
    if let Some(required) = T::REQUIRED {
        if !seen.iter().any(|i| T::COLUMNS[*i] == required) {
            return Err(ReadError::Header(format!(
                "the CSV header has no `{required}` column"
            )));
        }
    }
    Ok(seen)
}
