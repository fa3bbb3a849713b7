//! better-auth's error wire on `/api/auth/*`, in one place: every problem answered under
//! that path (by a handler, an extractor, a defence or the router) keeps its problem+json
//! fields, and gets better-auth 1.7's `code` (UPPER_SNAKE), `message` and status.
//! Other families are untouched. docs/compatibility.md lists the mapping.

use actix_web::http::StatusCode;
use roster_identity::passwords;

use crate::error::Problem;

/// The path prefix whose problems speak better-auth.
pub const PREFIX: &str = "/api/auth/";

/// The fields a password comes in on these routes.
const PASSWORD_FIELDS: [&str; 2] = ["password", "newPassword"];

/// better-auth's code, status and message for one of our problems on `path`; `None`: the
/// problem's own code upper-cased, its status and its detail as the message.
fn better_auth(path: &str, problem: &Problem) -> Option<(&'static str, u16, &'static str)> {
    let field_error = |fields: &[&str], message: &str| {
        problem
            .errors
            .iter()
            .any(|e| fields.contains(&e.field.as_str()) && e.message == message)
    };
    Some(match (problem.status, problem.code.as_str()) {
        (401, _) if path == "/api/auth/sign-in/email" => (
            "INVALID_EMAIL_OR_PASSWORD",
            401,
            "Invalid email or password",
        ),
        (401, "unauthorized") => ("UNAUTHORIZED", 401, "Unauthorized"),
        (409, "email_taken") => (
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            422,
            "User already exists. Use another email.",
        ),
        (400, "invalid_password") => ("INVALID_PASSWORD", 400, "Invalid password"),
        (400, "validation_failed") if problem.errors.iter().any(|e| e.field == "email") => {
            ("INVALID_EMAIL", 400, "Invalid email")
        }
        (400, "validation_failed") if field_error(&PASSWORD_FIELDS, passwords::TOO_SHORT) => {
            ("PASSWORD_TOO_SHORT", 400, "Password too short")
        }
        (400, "validation_failed") if field_error(&PASSWORD_FIELDS, passwords::TOO_LONG) => {
            ("PASSWORD_TOO_LONG", 400, "Password too long")
        }
        (400, "empty_update") => ("NO_FIELDS_TO_UPDATE", 400, "No fields to update"),
        (400, "validation_failed" | "invalid_json" | "invalid_body" | "bad_request") => {
            return Some(("VALIDATION_ERROR", 400, ""));
        }
        (403, "invalid_origin") => ("INVALID_ORIGIN", 403, "Invalid origin"),
        (403, "missing_or_null_origin") => {
            ("MISSING_OR_NULL_ORIGIN", 403, "Missing or null Origin")
        }
        (404, "session_not_found") => ("SESSION_NOT_FOUND", 404, "Session not found"),
        _ => return None,
    })
}

/// Rewrites a problem answered on `path` to better-auth's wire; returns the status the
/// answer must now have when it changed. Outside `/api/auth/` nothing changes.
pub fn translate(path: &str, problem: &mut Problem) -> Option<StatusCode> {
    if !path.starts_with(PREFIX) {
        return None;
    }
    let (code, status, message) = match better_auth(path, problem) {
        Some((code, status, message)) => (code.to_owned(), status, message.to_owned()),
        None => (problem.code.to_uppercase(), problem.status, String::new()),
    };
    problem.code = code;
    problem.message = Some(if message.is_empty() {
        problem.detail.clone()
    } else {
        message
    });
    if status == problem.status {
        return None;
    }
    let status = StatusCode::from_u16(status).ok()?;
    problem.status = status.as_u16();
    problem.title = status.canonical_reason().unwrap_or("Error").into();
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_core::FieldError;

    fn problem(status: u16, code: &str) -> Problem {
        Problem::new(
            StatusCode::from_u16(status).unwrap(),
            code,
            "what went wrong",
        )
    }

    #[test]
    fn known_problems_take_better_auths_code_status_and_message() {
        let mut p = problem(409, "email_taken");
        assert_eq!(
            translate("/api/auth/sign-up/email", &mut p),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(
            (p.code.as_str(), p.status, p.title.as_str()),
            (
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                422,
                "Unprocessable Entity"
            )
        );
        assert_eq!(
            p.message.as_deref(),
            Some("User already exists. Use another email.")
        );
        let mut p = problem(401, "unauthorized");
        translate("/api/auth/sign-in/email", &mut p);
        assert_eq!(p.code, "INVALID_EMAIL_OR_PASSWORD");
        let mut p = problem(400, "validation_failed");
        p.errors
            .push(FieldError::new("newPassword", passwords::TOO_SHORT));
        translate("/api/auth/change-password", &mut p);
        assert_eq!(p.code, "PASSWORD_TOO_SHORT");
    }

    #[test]
    fn others_are_upper_cased_and_other_families_untouched() {
        let mut p = problem(429, "too_many_requests");
        assert_eq!(translate("/api/auth/sign-in/email", &mut p), None);
        assert_eq!(p.code, "TOO_MANY_REQUESTS");
        assert_eq!(p.message.as_deref(), Some("what went wrong"));
        let mut p = problem(409, "email_taken");
        assert_eq!(translate("/api/v1/app/user", &mut p), None);
        assert_eq!(
            (p.code.as_str(), p.message.is_none()),
            ("email_taken", true)
        );
    }
}
