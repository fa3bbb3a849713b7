//! Request bodies of projects, members and artifacts, and their parsing into domain
//! commands ("parse, don't validate"). Every field error of a body is reported at once.

use roster_core::text::{bounded, bounded_opt};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::UserId;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::{ProjectRole, Visibility};
use crate::artifacts::{
    ArtifactChanges, ArtifactSource, ArtifactState, ArtifactType, IngestStatus, NewArtifact,
    DEFAULT_LATEST, MAX_LATEST,
};
use crate::members::NewMember;
use crate::projects::{NewProject, ProjectChanges};
use roster_core::error::FieldErrors as Errors;

const NAME_MAX: usize = 200;
const GOAL_MAX: usize = 2_000;
const CONTEXT_MAX: usize = 20_000;
const ARTIFACT_NAME_MAX: usize = 300;

fn missing() -> DomainError {
    DomainError::internal_msg("validation collected no error for a missing field")
}

fn timestamp(field: &str, raw: Option<&str>) -> Result<Option<Timestamp>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => roster_core::time::parse(v).map(Some).ok_or_else(|| {
            DomainError::invalid(
                field,
                "must be an RFC 3339 timestamp, e.g. 2026-03-01T00:00:00Z",
            )
        }),
    }
}

/// A nullable field of an update: absent leaves it, `null` (or blank) clears it.
fn nullable(
    errors: &mut Errors,
    field: &str,
    raw: Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    let value = raw?;
    errors.take(bounded_opt(field, value.as_deref(), max))
}

/// `POST /api/v1/app/project`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProjectRequest {
    /// 1 to 200 characters.
    #[schema(
        example = "Customer Insights",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[serde(default)]
    #[schema(
        example = "Summarize weekly support trends.",
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub goal: Option<String>,
    /// RFC 3339 timestamp.
    #[serde(default)]
    #[schema(example = "2026-03-01T00:00:00Z")]
    pub deadline: Option<String>,
    /// Default `Private`.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Default `Viewer`.
    #[serde(default)]
    pub default_member_role: Option<ProjectRole>,
    /// Default `false`.
    #[serde(default)]
    pub default_role_enabled: Option<bool>,
    #[serde(default)]
    #[schema(
        max_length = 20000,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub project_context: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 20000,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub answer_context: Option<String>,
}

impl TryFrom<CreateProjectRequest> for NewProject {
    type Error = DomainError;

    fn try_from(r: CreateProjectRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = errors.take(bounded("name", &r.name, 1, NAME_MAX));
        let goal = errors.take(bounded_opt("goal", r.goal.as_deref(), GOAL_MAX));
        let deadline = errors.take(timestamp("deadline", r.deadline.as_deref()));
        let project_context = errors.take(bounded_opt(
            "project_context",
            r.project_context.as_deref(),
            CONTEXT_MAX,
        ));
        let answer_context = errors.take(bounded_opt(
            "answer_context",
            r.answer_context.as_deref(),
            CONTEXT_MAX,
        ));
        errors.finish()?;
        match (name, goal, deadline, project_context, answer_context) {
            (
                Some(name),
                Some(goal),
                Some(deadline),
                Some(project_context),
                Some(answer_context),
            ) => Ok(NewProject {
                name,
                goal,
                deadline,
                visibility: r.visibility.unwrap_or(Visibility::Private),
                default_member_role: r.default_member_role.unwrap_or(ProjectRole::Viewer),
                default_role_enabled: r.default_role_enabled.unwrap_or(false),
                project_context,
                answer_context,
            }),
            _ => Err(missing()),
        }
    }
}

/// `PUT /api/v1/app/project/{id}`: every field optional; `null` clears a nullable one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProjectRequest {
    #[serde(default)]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub goal: Option<Option<String>>,
    /// RFC 3339 timestamp, or `null` to clear it.
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Option<String>>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub default_member_role: Option<ProjectRole>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub default_role_enabled: Option<bool>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 20000, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub project_context: Option<Option<String>>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 20000, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub answer_context: Option<Option<String>>,
}

impl TryFrom<UpdateProjectRequest> for ProjectChanges {
    type Error = DomainError;

    fn try_from(r: UpdateProjectRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = r
            .name
            .as_deref()
            .and_then(|n| errors.take(bounded("name", n, 1, NAME_MAX)));
        let deadline = match r.deadline {
            None => None,
            Some(raw) => errors.take(timestamp("deadline", raw.as_deref())),
        };
        let changes = ProjectChanges {
            name,
            goal: nullable(&mut errors, "goal", r.goal, GOAL_MAX),
            deadline,
            visibility: r.visibility,
            default_member_role: r.default_member_role,
            default_role_enabled: r.default_role_enabled,
            project_context: nullable(
                &mut errors,
                "project_context",
                r.project_context,
                CONTEXT_MAX,
            ),
            answer_context: nullable(&mut errors, "answer_context", r.answer_context, CONTEXT_MAX),
        };
        errors.finish()?;
        if changes.is_empty() {
            return Err(DomainError::bad_request(
                "empty_update",
                "the request changes nothing: send at least one field",
            ));
        }
        Ok(changes)
    }
}

/// `POST /api/v1/app/project/{id}/member`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// A user of this org (`user_…`).
    #[schema(example = "user_4b7c2a1d9e5f3c8b")]
    pub user_id: String,
    /// Without it, the project's `default_member_role` if `default_role_enabled` (else 400).
    #[serde(default)]
    pub role: Option<ProjectRole>,
}

impl TryFrom<AddMemberRequest> for NewMember {
    type Error = DomainError;

    fn try_from(r: AddMemberRequest) -> Result<Self, DomainError> {
        roster_core::id::check_length("user_id", &r.user_id)?;
        // A malformed user id names no user: the same 404 as an unknown one.
        let user_id =
            UserId::parse(r.user_id.trim()).ok_or_else(|| DomainError::not_found("user"))?;
        Ok(NewMember {
            user_id,
            role: r.role,
        })
    }
}

/// `PUT /api/v1/app/project/{id}/member/{user_id}`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    pub role: ProjectRole,
}

/// `POST /api/v1/app/project/{id}/artifact`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArtifactRequest {
    /// 1 to 300 characters.
    #[schema(
        example = "Q1 Support Summary",
        min_length = 1,
        max_length = 300,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    /// Default `User`.
    #[serde(default)]
    pub source: Option<ArtifactSource>,
    /// Default `Processing`.
    #[serde(default)]
    pub state: Option<ArtifactState>,
    /// Default `Pending`.
    #[serde(default)]
    pub ingest_status: Option<IngestStatus>,
    /// Default `false`.
    #[serde(default)]
    pub has_content: Option<bool>,
}

impl TryFrom<CreateArtifactRequest> for NewArtifact {
    type Error = DomainError;

    fn try_from(r: CreateArtifactRequest) -> Result<Self, DomainError> {
        Ok(NewArtifact {
            name: bounded("name", &r.name, 1, ARTIFACT_NAME_MAX)?,
            kind: r.kind,
            source: r.source.unwrap_or(ArtifactSource::User),
            state: r.state.unwrap_or(ArtifactState::Processing),
            ingest_status: r.ingest_status.unwrap_or(IngestStatus::Pending),
            has_content: r.has_content.unwrap_or(false),
        })
    }
}

/// `PATCH /api/v1/app/project/{id}/artifact/{artifact_id}`: every field optional.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArtifactRequest {
    #[serde(default)]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 300,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    #[schema(nullable = false)]
    pub kind: Option<ArtifactType>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub state: Option<ArtifactState>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub ingest_status: Option<IngestStatus>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub has_content: Option<bool>,
}

impl TryFrom<UpdateArtifactRequest> for ArtifactChanges {
    type Error = DomainError;

    fn try_from(r: UpdateArtifactRequest) -> Result<Self, DomainError> {
        let name = r
            .name
            .as_deref()
            .map(|n| bounded("name", n, 1, ARTIFACT_NAME_MAX))
            .transpose()?;
        let changes = ArtifactChanges {
            name,
            kind: r.kind,
            state: r.state,
            ingest_status: r.ingest_status,
            has_content: r.has_content,
        };
        if changes.is_empty() {
            return Err(DomainError::bad_request(
                "empty_update",
                "the request changes nothing: send at least one field",
            ));
        }
        Ok(changes)
    }
}

/// The `limit` of latest artifacts: 1 to 100, default 10.
pub fn latest_limit(raw: Option<i64>) -> Result<i64, DomainError> {
    match raw {
        None => Ok(DEFAULT_LATEST),
        Some(n) if (1..=MAX_LATEST).contains(&n) => Ok(n),
        Some(_) => Err(DomainError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LATEST}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(json: &str) -> Result<ProjectChanges, DomainError> {
        let request: UpdateProjectRequest = serde_json::from_str(json)
            .map_err(|e| DomainError::bad_request("json", e.to_string()))?;
        ProjectChanges::try_from(request)
    }

    #[test]
    fn updates_tell_absent_from_null() {
        let changes = update(r#"{"goal": null, "deadline": "2026-03-01T00:00:00Z"}"#).ok();
        let changes = changes.as_ref();
        assert_eq!(changes.map(|c| c.goal.clone()), Some(Some(None)));
        assert!(changes.is_some_and(|c| matches!(c.deadline, Some(Some(_)))));
        assert!(changes.is_some_and(|c| c.name.is_none() && c.project_context.is_none()));
        assert!(matches!(
            update("{}"),
            Err(DomainError::BadRequest { code, .. }) if code == "empty_update"
        ));
        assert!(matches!(
            update(r#"{"deadline": "tomorrow", "name": ""}"#),
            Err(DomainError::BadRequest { errors, .. }) if errors.len() == 2
        ));
    }

    #[test]
    fn creates_default_visibility_and_roles() {
        let request: Result<CreateProjectRequest, _> = serde_json::from_str(r#"{"name": " P "}"#);
        let new = request.ok().and_then(|r| NewProject::try_from(r).ok());
        assert!(new.as_ref().is_some_and(|n| n.name == "P"
            && n.visibility == Visibility::Private
            && n.default_member_role == ProjectRole::Viewer
            && !n.default_role_enabled));
    }

    #[test]
    fn malformed_member_ids_are_not_found() {
        let r = AddMemberRequest {
            user_id: "nope".into(),
            role: None,
        };
        assert!(NewMember::try_from(r).is_err_and(|e| e.is_not_found()));
    }

    #[test]
    fn latest_limit_is_1_to_100_default_10() {
        assert_eq!(latest_limit(None).ok(), Some(10));
        assert_eq!(latest_limit(Some(1)).ok(), Some(1));
        assert_eq!(latest_limit(Some(100)).ok(), Some(100));
        assert!(latest_limit(Some(0)).is_err());
        assert!(latest_limit(Some(101)).is_err());
    }
}
