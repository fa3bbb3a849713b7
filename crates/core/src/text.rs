//! Validated text: parse once at the edge, so domain code never sees raw strings. Each
//! rule (a length bound, the characters refused) is declared once, here or as a [`Text`]
//! constant beside its request, and both validation and the OpenAPI schema
//! ([`crate::schema`]) read it.

use std::fmt;

use serde::Serialize;
use validator::ValidateEmail;

use crate::schema::StringSchema;
use crate::DomainError;

/// An email address: trimmed, at most 254 characters, one `@` with a dotted-or-local domain.
/// Emails are the same identity when their keys are ([`Email::key`], [`crate::keys`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// The shortest address there can be: `a@b`.
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 254;

    /// `field` names the input in the error, e.g. `user_info.email`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        if value.chars().count() > Self::MAX_CHARS || !value.validate_email() {
            return Err(DomainError::invalid(field, "must be a valid email address"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The schema of an email field.
    pub fn schema() -> StringSchema {
        StringSchema::email(Self::MIN_CHARS, Self::MAX_CHARS)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identity key: what the email is matched and kept unique on.
    pub fn key(&self) -> String {
        crate::keys::identity_key(&self.0)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A URL-safe name: 1..=63 characters of `a-z`, `0-9` and inner `-`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let ok = !raw.is_empty()
            && raw.len() <= 63
            && raw
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                field,
                "must be 1 to 63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The control characters (Unicode's Cc: C0, DEL and C1), which `char::is_control` names.
const CONTROL_CHARACTERS: [(char, char); 2] = [('\u{0}', '\u{1f}'), ('\u{7f}', '\u{9f}')];

/// Which control characters a kind of text refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controls {
    /// Free text: every control character but tab and newline.
    AllButTabAndNewline,
    /// Every one (search terms: U+001F joins the searched fields).
    All,
}

impl Controls {
    fn allowed(self) -> &'static [char] {
        match self {
            Self::AllButTabAndNewline => &['\t', '\n'],
            Self::All => &[],
        }
    }

    /// Whether text of this kind may not hold `c`.
    pub fn refuses(self, c: char) -> bool {
        CONTROL_CHARACTERS
            .iter()
            .any(|&(first, last)| (first..=last).contains(&c))
            && !self.allowed().contains(&c)
    }

    /// The JSON Schema `pattern` of text without the characters refused.
    pub fn pattern(self) -> String {
        format!("^[^{}]*$", self.class())
    }

    /// The JSON Schema `pattern` of what [`Text::parse`] takes: white space either side
    /// (which it trims), around text of `min` characters or more whose ends are not white
    /// space, without the characters refused; `blank_ok` takes nothing but white space too.
    pub(crate) fn pattern_trimmed(self, min: usize, blank_ok: bool) -> String {
        let class = self.class();
        let white = class_of(WHITE_SPACE.map(|(f, l)| (u32::from(f), u32::from(l))));
        let (end, any) = (format!("[^{class}{white}]"), format!("[^{class}]"));
        let content = match min {
            0 | 1 => format!("{end}(?:{any}*{end})?"),
            _ => format!("{end}{any}{{{},}}{end}", min - 2),
        };
        let optional = if blank_ok { "?" } else { "" };
        format!("^[{white}]*(?:{content}){optional}[{white}]*$")
    }

    /// The characters refused, as the inside of a regular expression's class.
    fn class(self) -> String {
        let mut refused = Vec::new();
        for (first, last) in CONTROL_CHARACTERS.map(|(f, l)| (u32::from(f), u32::from(l))) {
            let mut from = first;
            for allowed in self.allowed().iter().map(|&c| u32::from(c)) {
                if (from..=last).contains(&allowed) {
                    if allowed > from {
                        refused.push((from, allowed - 1));
                    }
                    from = allowed + 1;
                }
            }
            if from <= last {
                refused.push((from, last));
            }
        }
        class_of(refused)
    }
}

/// What `str::trim` removes: Unicode's White_Space (not ECMA-262's `\s`, which also holds
/// U+FEFF and not U+0085).
const WHITE_SPACE: [(char, char); 10] = [
    ('\t', '\r'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{A0}', '\u{A0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200A}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202F}', '\u{202F}'),
    ('\u{205F}', '\u{205F}'),
    ('\u{3000}', '\u{3000}'),
];

/// Ranges of characters as the inside of a regular expression's class.
fn class_of(ranges: impl IntoIterator<Item = (u32, u32)>) -> String {
    ranges
        .into_iter()
        .map(|(first, last)| match last > first {
            true => format!("\\u{first:04X}-\\u{last:04X}"),
            false => format!("\\u{first:04X}"),
        })
        .collect()
}

/// A rule for free text: trimmed, `min` to `max` characters, without control characters
/// but tab and newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    min: usize,
    max: usize,
}

impl Text {
    const CONTROLS: Controls = Controls::AllButTabAndNewline;

    pub const fn new(min: usize, max: usize) -> Self {
        Self { min, max }
    }

    pub const fn max(self) -> usize {
        self.max
    }

    /// The value, trimmed; `field` names the input in the error. At most `max` characters
    /// as sent, and `min` once trimmed: the schema states both exactly.
    pub fn parse(self, field: &str, raw: &str) -> Result<String, DomainError> {
        let value = raw.trim();
        let len = value.chars().count();
        if len < self.min || raw.chars().count() > self.max {
            let message = if self.min <= 1 && len == 0 {
                "must not be empty".to_owned()
            } else {
                format!("must be {self} long")
            };
            return Err(DomainError::invalid(field, message));
        }
        if value.chars().any(|c| Self::CONTROLS.refuses(c)) {
            return Err(DomainError::invalid(
                field,
                "must not contain control characters",
            ));
        }
        Ok(value.to_owned())
    }

    /// An optional value; an empty or blank string counts as absent.
    pub fn parse_opt(self, field: &str, raw: Option<&str>) -> Result<Option<String>, DomainError> {
        match raw {
            Some(v) if !v.trim().is_empty() => self.parse(field, v).map(Some),
            Some(v) => at_most(field, v, self.max).map(|()| None),
            None => Ok(None),
        }
    }

    /// The schema of what `parse` takes.
    pub fn schema(self) -> StringSchema {
        StringSchema::new(self.min, self.max)
            .pattern(Self::CONTROLS.pattern_trimmed(self.min, self.min == 0))
    }

    /// The schema of what `parse_opt` takes: `null`, or blank, is absent.
    pub fn schema_opt(self) -> StringSchema {
        StringSchema::new(0, self.max)
            .pattern(Self::CONTROLS.pattern_trimmed(self.min, true))
            .nullable()
    }
}

/// `3 to 50 characters`, as errors and descriptions say it.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {} characters", self.min, self.max)
    }
}

/// 400 naming `field` when `raw` is longer than `max` characters.
pub fn at_most(field: &str, raw: &str, max: usize) -> Result<(), DomainError> {
    if raw.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// Whether a search term can be served by the words index (`search_words`, migration
/// 2026-12-01-000016_user_search_words): at least a trigram long, and made of letters and
/// digits only, so that wherever it occurs in the searched text it lies within one word
/// (the database splits words at whitespace, punctuation and control characters, which
/// are never letters or digits, whatever the collation), and not of ASCII digits only
/// (the words index leaves out words of ASCII digits only: a term with any other
/// character cannot lie within one of them). Other terms take the trigram index over the
/// whole text.
pub fn within_one_word(term: &str) -> bool {
    term.chars().count() >= 3
        && term.chars().all(char::is_alphanumeric)
        && !term.chars().all(|c| c.is_ascii_digit())
}

/// Escapes `%`, `_` and `\` for use inside an `ILIKE` pattern.
pub fn like_escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    for c in raw.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
