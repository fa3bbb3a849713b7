//! What every console page shares: the layout around it, the HTML answer, and the error
//! pages (HTML too, never problem+json: a person reads them).

use std::borrow::Cow;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use roster_core::page::{CursorParams, OffsetParams, Paging, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use roster_core::time::Timestamp;
use roster_core::DomainError;

use crate::error::ApiError;

/// The media type of every console page.
const HTML: &str = "text/html; charset=utf-8";

/// An org in the switcher.
#[derive(Debug, Clone)]
pub struct OrgOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The frame of a signed-in page: navigation, org switcher, sign-out.
#[derive(Debug, Clone)]
pub struct Layout {
    pub user_id: String,
    pub user_name: String,
    pub org_name: String,
    pub orgs: Vec<OrgOption>,
    /// The CSRF token of this session's forms.
    pub csrf: String,
    pub admin: bool,
    /// Which navigation entry is current.
    pub nav: &'static str,
}

impl Layout {
    pub fn at(mut self, nav: &'static str) -> Self {
        self.nav = nav;
        self
    }
}

/// A page rendered, as a 200 (or `status`), never cached (pages show personal data, and
/// some a secret once).
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, ConsoleError> {
    let body = page
        .render()
        .map_err(|e| ConsoleError::from(DomainError::internal_msg(e.to_string())))?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(HTML)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(body))
}

/// A 303 to `to` (after a form POST, the browser GETs the result).
pub fn see_other(to: impl AsRef<str>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.as_ref()))
        .finish()
}

/// A short list whole, as one page (the API's largest).
pub fn everything() -> Result<Paging, ConsoleError> {
    Ok(Paging::by_offset(&OffsetParams {
        page: None,
        page_size: Some(MAX_PAGE_SIZE),
    })?)
}

/// The cursor page a listing asks for: after or before a cursor (blank is none), else
/// the first.
pub fn cursor_paging(after: Option<&str>, before: Option<&str>) -> Result<Paging, ConsoleError> {
    let given = |c: Option<&str>| c.filter(|c| !c.is_empty()).map(str::to_owned);
    let cursor = CursorParams {
        after: given(after),
        before: given(before),
        first: None,
        last: None,
    };
    if cursor.after.is_none() && cursor.before.is_none() {
        return Ok(Paging::After {
            cursor: None,
            size: DEFAULT_PAGE_SIZE,
        });
    }
    Ok(Paging::new(&OffsetParams::default(), &cursor)?)
}

/// `path` with the query of `pairs` whose values are not blank.
pub fn link(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.trim().is_empty() {
            q.append_pair(k, v);
        }
    }
    let q = q.finish();
    match q.is_empty() {
        true => path.to_owned(),
        false => format!("{path}?{q}"),
    }
}

/// The query string as `T`; a malformed one is a 400 page.
pub fn query<T: serde::de::DeserializeOwned>(
    req: &actix_web::HttpRequest,
) -> Result<T, ConsoleError> {
    serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ConsoleError::bad_request("invalid_query", e.to_string()))
}

/// A timestamp as the console shows it: `2026-02-08 14:12 UTC`.
pub fn when(t: Timestamp) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The error page.
#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    layout: Option<&'a Layout>,
    heading: &'a str,
    detail: &'a str,
    code: &'a str,
    status: u16,
}

/// What stops a console request: a redirect (to sign in, to choose an org) or an error
/// page with the domain's code and detail.
#[derive(Debug)]
pub struct ConsoleError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub detail: String,
    /// Where to send the browser instead of an error page.
    pub redirect: Option<&'static str>,
    /// The frame, when the caller is known.
    pub layout: Option<Box<Layout>>,
}

impl std::fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl ConsoleError {
    fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            detail: detail.into(),
            redirect: None,
            layout: None,
        }
    }

    pub fn redirect(to: &'static str) -> Self {
        let mut e = Self::new(StatusCode::SEE_OTHER, "redirect", to);
        e.redirect = Some(to);
        e
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "there is nothing here")
    }

    /// The page shown inside the caller's frame.
    pub fn within(mut self, layout: &Layout) -> Self {
        self.layout = Some(Box::new(layout.clone()));
        self
    }

    fn heading(&self) -> &'static str {
        match self.status {
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::CONFLICT => "Not possible now",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            s if s.is_server_error() => "Something went wrong",
            _ => "That did not work",
        }
    }
}

impl From<ApiError> for ConsoleError {
    fn from(e: ApiError) -> Self {
        let status = e.status_code();
        let problem = e.problem();
        // Say which fields, as the API's `errors` would.
        let detail = match problem.errors.is_empty() {
            true => problem.detail,
            false => {
                let fields: Vec<String> = problem
                    .errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect();
                format!("{} ({})", problem.detail, fields.join("; "))
            }
        };
        Self::new(status, problem.code, detail)
    }
}

impl From<DomainError> for ConsoleError {
    fn from(e: DomainError) -> Self {
        ApiError(e).into()
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(to) = self.redirect {
            return see_other(to);
        }
        let page = ErrorPage {
            layout: self.layout.as_deref(),
            heading: self.heading(),
            detail: &self.detail,
            code: &self.code,
            status: self.status.as_u16(),
        };
        let body = page.render().unwrap_or_else(|_| self.detail.clone());
        HttpResponse::build(self.status)
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(HTML)))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .body(body)
    }
}

/// A console handler's result.
pub type ConsoleResult = Result<HttpResponse, ConsoleError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_shows_to_the_minute_in_utc() {
        let t = time::macros::datetime!(2026-02-08 14:12:45 +02:00);
        assert_eq!(when(t), "2026-02-08 12:12 UTC");
    }

    #[test]
    fn an_error_page_is_html_and_escapes_its_detail() {
        let e = ConsoleError::bad_request("invalid", "<script>x</script>");
        let res = e.error_response();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let kind = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        assert!(kind.is_some_and(|k| k.starts_with("text/html")), "{kind:?}");
        let page = ErrorPage {
            layout: None,
            heading: "x",
            detail: "<script>x</script>",
            code: "invalid",
            status: 400,
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>x"));
        assert!(
            html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
            "{html}"
        );
    }
}
