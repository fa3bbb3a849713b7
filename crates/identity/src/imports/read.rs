//! Reading an import file as it streams in: one record at a time, NDJSON (one JSON object
//! a line), CSV with a header row (a quoted field may span lines), or Auth0's bulk export
//! (NDJSON with Auth0's field names). A bad record is an error for its line; the reading
//! goes on at the next one. A line longer than [`MAX_LINE_BYTES`] is an error too, skipped
//! without being held.

use serde::Deserialize;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use super::{Format, LineError};

/// The longest record kept (a user is a few hundred bytes).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A user as a file gives it, before any check: the fields of the NDJSON and CSV forms.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub email: Option<String>,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: Option<String>,
    pub state: Option<String>,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub created_at: Option<String>,
    pub external_id: Option<String>,
    pub password_hash: Option<String>,
}

/// The columns a CSV header may name (those of [`RawUser`]).
pub const COLUMNS: &[&str] = &[
    "email",
    "name",
    "given_name",
    "family_name",
    "role",
    "state",
    "job_position_name",
    "job_position_description",
    "created_at",
    "external_id",
    "password_hash",
];

/// A user of Auth0's bulk export: `user_id` is the external id, its other fields are
/// left aside.
#[derive(Debug, Deserialize)]
struct Auth0User {
    email: Option<String>,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    created_at: Option<String>,
    user_id: Option<String>,
    #[serde(alias = "passwordHash")]
    password_hash: Option<String>,
    custom_password_hash: Option<Auth0CustomHash>,
}

#[derive(Debug, Deserialize)]
struct Auth0CustomHash {
    hash: Auth0HashValue,
}

#[derive(Debug, Deserialize)]
struct Auth0HashValue {
    value: String,
}

impl From<Auth0User> for RawUser {
    fn from(a: Auth0User) -> Self {
        RawUser {
            email: a.email,
            name: a.name,
            given_name: a.given_name,
            family_name: a.family_name,
            created_at: a.created_at,
            external_id: a.user_id,
            password_hash: a
                .password_hash
                .or(a.custom_password_hash.map(|c| c.hash.value)),
            ..RawUser::default()
        }
    }
}

/// One record: its first line (from 1) and the user, or what is wrong with it.
#[derive(Debug)]
pub struct Record {
    pub line: u64,
    pub user: Result<RawUser, LineError>,
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
pub struct Records<R> {
    input: R,
    format: Format,
    /// The number of the last line read.
    line: u64,
    header: Option<Vec<usize>>,
    buf: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> Records<R> {
    pub fn new(input: R, format: Format) -> Self {
        Self {
            input,
            format,
            line: 0,
            header: None,
            buf: Vec::new(),
        }
    }

    /// The next record, or `None` at the end of the file.
    pub async fn next(&mut self) -> Result<Option<Record>, ReadError> {
        loop {
            let Some(too_long) = self.read_line().await? else {
                return Ok(None);
            };
            let line = self.line;
            if too_long {
                return Ok(Some(Record {
                    line,
                    user: Err(LineError::new(
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
                Format::Ndjson => json::<RawUser>(&self.buf, line),
                Format::Auth0 => json::<Auth0User>(&self.buf, line).map(RawUser::from),
                Format::Csv => match self.csv_record().await? {
                    None => continue,
                    Some(user) => user,
                },
            };
            return Ok(Some(Record { line, user }));
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
    async fn csv_record(&mut self) -> Result<Option<Result<RawUser, LineError>>, ReadError> {
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
            self.header = Some(header(&fields)?);
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
        let mut user = RawUser::default();
        for (value, column) in fields.iter().zip(columns) {
            if value.is_empty() {
                continue;
            }
            let slot = match *column {
                0 => &mut user.email,
                1 => &mut user.name,
                2 => &mut user.given_name,
                3 => &mut user.family_name,
                4 => &mut user.role,
                5 => &mut user.state,
                6 => &mut user.job_position_name,
                7 => &mut user.job_position_description,
                8 => &mut user.created_at,
                9 => &mut user.external_id,
                _ => &mut user.password_hash,
            };
            *slot = Some(value.to_owned());
        }
        Ok(Some(Ok(user)))
    }
}

/// The index in [`COLUMNS`] of each column of a header row.
fn header(fields: &csv::StringRecord) -> Result<Vec<usize>, ReadError> {
    let mut seen = Vec::new();
    for name in fields {
        let name = name.trim().trim_start_matches('\u{feff}');
        let index = COLUMNS.iter().position(|c| *c == name).ok_or_else(|| {
            ReadError::Header(format!(
                "the CSV header names an unknown column `{name}` (known: {})",
                COLUMNS.join(", ")
            ))
        })?;
        if seen.contains(&index) {
            return Err(ReadError::Header(format!(
                "the CSV header names `{name}` twice"
            )));
        }
        seen.push(index);
    }
    if !seen.contains(&0) {
        return Err(ReadError::Header(
            "the CSV header has no `email` column".into(),
        ));
    }
    Ok(seen)
}

fn json<'a, T: Deserialize<'a>>(buf: &'a [u8], line: u64) -> Result<T, LineError> {
    serde_json::from_slice(buf).map_err(|e| {
        let code = if e.is_data() {
            "invalid_field"
        } else {
            "malformed_line"
        };
        // serde_json's message names the field and the type, never the value.
        LineError::new(line, None, code, format!("not a user: {e}"))
    })
}
