//! Writing an export's records, page by page, as NDJSON (one JSON object a line) or CSV
//! (no header: [`csv_header`] writes it once), in the form an import reads back.

use serde::Serialize;

use super::Format;
use crate::error::DomainResult;
use crate::time::Timestamp;
use crate::DomainError;

/// The CSV header row naming `columns`.
pub fn csv_header(columns: &[&str]) -> Vec<u8> {
    let mut line = columns.join(",");
    line.push('\n');
    line.into_bytes()
}

/// A page of records as `format` (NDJSON unless CSV).
pub fn encode<T: Serialize>(records: &[T], format: Format) -> DomainResult<Vec<u8>> {
    if format == Format::Csv {
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(records.len() * 160));
        for record in records {
            csv.serialize(record)
                .map_err(|e| DomainError::internal_msg(e.to_string()))?;
        }
        return csv
            .into_inner()
            .map_err(|e| DomainError::internal_msg(e.to_string()));
    }
    let mut out = Vec::with_capacity(records.len() * 200);
    for record in records {
        serde_json::to_writer(&mut out, record).map_err(DomainError::internal)?;
        out.push(b'\n');
    }
    Ok(out)
}

/// A time as an export writes it (RFC 3339, as precise as it is kept).
pub fn timestamp(at: Timestamp) -> DomainResult<String> {
    at.format(&time::format_description::well_known::Rfc3339)
        .map_err(DomainError::internal)
}
